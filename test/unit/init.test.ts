// The `init` generator (src/engine/init.ts) against an independent re-implementation of its
// documented algorithm: mulberry32 in BigInt arithmetic (no Math.imul, no 32-bit tricks), the
// documented mapping to [-scale, scale), and the documented draw order. The first value for
// seed 1 is also pinned: mulberry32(1) starts with 2693262067 (0.6270739405881613 as the usual
// u/2^32), as published for mulberry32 and recomputed here.

import * as assert from 'node:assert/strict';
import { initWeights, mulberry32 } from '../../src/engine/init';
import { parseSpec } from '../../src/engine/specParse';

const TWO_32 = 1n << 32n;

/** mulberry32 as documented, in exact integer arithmetic modulo 2^32. */
function referenceStream(seed: number): () => bigint {
  let state = BigInt(seed) % TWO_32;
  const mulLow = (a: bigint, b: bigint): bigint => (a * b) % TWO_32;
  return () => {
    state = (state + 0x6d2b79f5n) % TWO_32;
    let t = mulLow(state ^ (state >> 15n), state | 1n);
    t = ((t + mulLow(t ^ (t >> 7n), t | 61n)) % TWO_32) ^ t;
    return (t ^ (t >> 14n)) % TWO_32;
  };
}

const toWeight = (u: bigint, scale: number): number => scale * (2 * (Number(u) / 2 ** 32) - 1);

describe('init generator', () => {
  it('pins the first value for seed 1', () => {
    assert.equal(mulberry32(1)(), 2693262067);
    assert.equal(referenceStream(1)(), 2693262067n);
    assert.equal(2693262067 / 2 ** 32, 0.6270739405881613);
    const params = initWeights('lstm', 2, 3, { seed: 1, scale: 0.1, forgetBias: 1 });
    // 0.1 * (2 * 0.6270739405881613 - 1)
    assert.equal(params.W_f[0], 0.1 * (2 * 0.6270739405881613 - 1));
    assert.ok(Math.abs(params.W_f[0] - 0.025414788117632273) < 1e-17);
  });

  it('matches the BigInt reference for the first 1000 draws of several seeds', () => {
    for (const seed of [0, 1, 42, 0xffffffff]) {
      const fast = mulberry32(seed);
      const reference = referenceStream(seed);
      for (let k = 0; k < 1000; k++) assert.equal(BigInt(fast()), reference(), `seed ${seed}, draw ${k}`);
    }
  });

  it('draws matrices in the documented order, row-major; biases zero except forgetBias', () => {
    const H = 3;
    const I = 2;
    const scale = 0.5;
    const lstm = initWeights('lstm_peephole', H, I, { seed: 7, scale, forgetBias: 2 });
    const stream = referenceStream(7);
    for (const name of ['W_f', 'W_i', 'W_c', 'W_o']) {
      for (let k = 0; k < H * (H + I); k++) assert.equal(lstm[name][k], toWeight(stream(), scale), `${name}[${k}]`);
    }
    for (const name of ['p_f', 'p_i', 'p_o']) {
      for (let k = 0; k < H; k++) assert.equal(lstm[name][k], toWeight(stream(), scale), `${name}[${k}]`);
    }
    assert.deepEqual(Array.from(lstm.b_f), [2, 2, 2]);
    for (const name of ['b_i', 'b_c', 'b_o']) assert.deepEqual(Array.from(lstm[name]), [0, 0, 0]);

    const gru = initWeights('gru', H, I, { seed: 7, scale, forgetBias: 2 });
    const gruStream = referenceStream(7);
    for (const [name, count] of [['W_ir', H * I], ['W_iz', H * I], ['W_in', H * I], ['W_hr', H * H], ['W_hz', H * H], ['W_hn', H * H]] as const) {
      for (let k = 0; k < count; k++) assert.equal(gru[name][k], toWeight(gruStream(), scale), `${name}[${k}]`);
    }
    assert.deepEqual(Array.from(gru.b_iz), [2, 2, 2]);
    for (const name of ['b_ir', 'b_in', 'b_hr', 'b_hz', 'b_hn']) assert.deepEqual(Array.from(gru[name]), [0, 0, 0]);
  });

  it('values stay in [-scale, scale) and parseSpec uses the generator with its defaults', () => {
    const { spec, issues } = parseSpec('{"cell": "rnn", "inputSize": 3, "hiddenSize": 4, "init": {}, "inputs": [[1, 2, 3]]}');
    assert.deepEqual(issues, []);
    const stream = referenceStream(0);
    for (let k = 0; k < 4 * 7; k++) {
      assert.equal(spec!.params.W[k], toWeight(stream(), 0.1));
      assert.ok(spec!.params.W[k] >= -0.1 && spec!.params.W[k] < 0.1);
    }
    assert.deepEqual(Array.from(spec!.params.b), [0, 0, 0, 0]);
  });

  it('rejects a bad seed and scale with their positions', () => {
    const { issues } = parseSpec('{"inputSize": 1, "hiddenSize": 1, "inputs": [1],\n "init": {"seed": -1, "scale": -0.5, "forgtBias": 1}}');
    assert.deepEqual(issues.map(i => `${i.range.line}:${i.range.column} ${i.severity} ${i.message}`), [
      '2:19 error init.seed: expected an integer from 0 to 4294967295, found -1',
      '2:32 error init.scale: expected a number >= 0, found -0.5',
      '2:38 warning init.forgtBias: unknown key, ignored; expected seed, scale, forgetBias',
    ]);
  });
});
