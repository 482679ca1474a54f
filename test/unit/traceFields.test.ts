// traceFields' pure helpers: the one clamped precision reader (toFixed throws outside 0..100),
// and gate saturation read from the pre-activations, checked against the definition (gate values
// within 0.01 of their limits) evaluated on the gate values themselves.
import * as assert from 'node:assert/strict';
import { computeTrace, type CellKind } from '../../src/engine';
import { formatNumber, gateSaturation, parameterCount, readPrecision } from '../../src/views/traceFields';
import { randomSpec } from './helpers/referenceCells';

const settings = (value: unknown) => ({ get: <T>(_key: string, defaultValue: T): T => (value === undefined ? defaultValue : value as T) });

describe('traceFields', () => {
  it('readPrecision clamps to 0..12 and falls back to 4 for a non-number', () => {
    assert.equal(readPrecision(settings(undefined)), 4);
    assert.equal(readPrecision(settings(6)), 6);
    assert.equal(readPrecision(settings(-3)), 0);
    assert.equal(readPrecision(settings(101)), 12);
    assert.equal(readPrecision(settings(2.6)), 3);
    assert.equal(readPrecision(settings('7')), 4);
    assert.equal(readPrecision(settings(Number.NaN)), 4);
    for (const raw of [-1, 1000, Infinity]) assert.doesNotThrow(() => formatNumber(0.123456, readPrecision(settings(raw))));
  });

  it('parameterCount: 4H(H+I)+4H for lstm, counted by hand for H=2, I=3', () => {
    assert.deepEqual(parameterCount('lstm', 2, 3), { count: 4 * 2 * 5 + 8, formula: '4H(H+I)+4H' });
    assert.equal(parameterCount('rnn', 2, 3).count, 2 * 5 + 2);
  });

  const gatesOf: Record<CellKind, { key: string; tanhLike: boolean }[]> = {
    lstm: [{ key: 'f', tanhLike: false }, { key: 'i', tanhLike: false }, { key: 'g', tanhLike: true }, { key: 'o', tanhLike: false }],
    lstm_peephole: [{ key: 'f', tanhLike: false }, { key: 'i', tanhLike: false }, { key: 'g', tanhLike: true }, { key: 'o', tanhLike: false }],
    gru: [{ key: 'r', tanhLike: false }, { key: 'z', tanhLike: false }, { key: 'n', tanhLike: true }],
    rnn: [{ key: 'h', tanhLike: true }],
  };
  for (const cell of Object.keys(gatesOf) as CellKind[]) {
    it(`${cell}: gateSaturation from pre-activations agrees with the gate values, without forcing the lazy gates`, () => {
      // scale 3: a good share of the gates saturate, a good share do not
      const trace = computeTrace(randomSpec(cell, 4, 3, 12, 'sum', 11, 3));
      const report = gateSaturation(trace);
      for (const { key } of gatesOf[cell]) {
        if (cell !== 'rnn') assert.equal(typeof Object.getOwnPropertyDescriptor(trace.forward, key)?.get, 'function', `${key} was forced`);
      }
      let saturated = 0, total = 0;
      for (const { key, tanhLike } of gatesOf[cell]) {
        for (const v of trace.forward[key]) {
          total++;
          if (tanhLike ? Math.abs(v) > 0.99 : v < 0.01 || v > 0.99) saturated++;
        }
      }
      assert.ok(saturated > 0 && saturated < total, `the spec should saturate some gates: ${saturated}/${total}`);
      assert.equal(report.total, total);
      assert.equal(report.saturated, saturated);
      assert.ok(report.first);
      const H = trace.hiddenSize;
      assert.ok(Math.abs(trace.forward[report.first.key][(report.first.t - 1) * H + report.first.j] - report.first.value) < 1e-12);
    });
  }
});
