// What the chart panel is sent on every Step (src/views/chartSnapshot.ts buildStepDetail) does not
// grow with the trace: the same view at T = 100 and T = 1000, or H = 16 and H = 256, gives a
// payload of the same size (up to the digits of the step numbers and values), and one far below
// the trace's own size. The snapshot, which is sent once, is checked for comparison.
import assert from 'node:assert/strict';
import { parseSpec } from '../../src/engine/specParse';
import { computeTrace } from '../../src/engine/trace';
import { buildStepDetail } from '../../src/views/chartSnapshot';
import { normalizeView } from '../../src/protocol/messages';
import type { Trace } from '../../src/engine/types';

function traceOf(H: number, I: number, T: number): { trace: Trace; params: Record<string, Float64Array> } {
  // inputs from a fixed formula: deterministic, every step different
  const inputs = Array.from({ length: T }, (_, t) => Array.from({ length: I }, (_, j) => Number(Math.sin(0.37 * t + 1.3 * j).toFixed(3))));
  const { spec, issues } = parseSpec(JSON.stringify({ name: 'size', cell: 'lstm', inputSize: I, hiddenSize: H, init: { seed: 3, scale: 0.1 }, inputs }));
  assert.ok(spec, JSON.stringify(issues));
  return { trace: computeTrace(spec), params: spec.params as Record<string, Float64Array> };
}

const bytes = (x: unknown): number => JSON.stringify(x).length;

describe('chart panel: the per-step message does not grow with T or H', () => {
  const cursors = [{ phase: 'forward', t: 50 }, { phase: 'backward', t: 50 }] as const;
  const sizeAt = (H: number, I: number, T: number): number[] => {
    const { trace, params } = traceOf(H, I, T);
    const view = normalizeView({ units: [0, 1, 2, 3], equationUnit: 1 }, H, ['f', 'i', 'g', 'o', 'c', 'h']);
    return cursors.map(cursor => bytes(buildStepDetail(trace, cursor, view, undefined, { params })));
  };

  it('T = 100 and T = 1000 (H = 16): the same size, within the digits of the step numbers', () => {
    const short = sizeAt(16, 4, 100);
    const long = sizeAt(16, 4, 1000);
    for (let k = 0; k < cursors.length; k++) assert.ok(Math.abs(long[k] - short[k]) <= 24, `${cursors[k].phase}: ${short[k]} bytes at T=100, ${long[k]} at T=1000`);
  });

  it('H = 16 and H = 256 (T = 60): the same size within the digits of the values', () => {
    const small = sizeAt(16, 4, 60);
    const large = sizeAt(256, 4, 60);
    for (let k = 0; k < cursors.length; k++) assert.ok(Math.abs(large[k] - small[k]) <= 120, `${cursors[k].phase}: ${small[k]} bytes at H=16, ${large[k]} at H=256`);
  });

  it('is a few kilobytes where the trace holds T·H values per field', () => {
    const [forward, backward] = sizeAt(256, 4, 60);
    assert.ok(forward < 4000 && backward < 4000, `${forward} / ${backward} bytes`);
  });
});
