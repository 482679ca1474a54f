// PyTorch tensor names in `weights` (DESIGN.md section 2): the spec's mapping plus the engine must
// reproduce nn.LSTM / nn.GRU / nn.RNN. The reference forwards below are written independently in
// PyTorch's own layout (stacked gate rows, both biases, gates from weight_ih·x + bias_ih +
// weight_hh·h + bias_hh, PyTorch's documented equations) and never use the textbook names. A
// discriminating case shows that the comparison would catch a dropped bias_hh_l0 or a wrong
// gate order.

import * as assert from 'node:assert/strict';
import { parseSpec } from '../../src/engine/specParse';
import { computeTrace } from '../../src/engine/trace';

/** xorshift32 → uniform in [-1, 1): deterministic test data. */
function randomSource(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13; state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5; state >>>= 0;
    return state / 2 ** 31 - 1;
  };
}

type Matrix = number[][];
const matrix = (rows: number, cols: number, next: () => number, scale: number): Matrix =>
  Array.from({ length: rows }, () => Array.from({ length: cols }, () => scale * next()));
const vector = (n: number, next: () => number, scale: number): number[] => Array.from({ length: n }, () => scale * next());
const sigmoid = (a: number): number => 1 / (1 + Math.exp(-a));
/** (rows of W) · v */
const matVec = (W: Matrix, v: number[]): number[] => W.map(row => row.reduce((sum, w, k) => sum + w * v[k], 0));

interface TorchWeights { weight_ih_l0: Matrix; weight_hh_l0: Matrix; bias_ih_l0: number[]; bias_hh_l0: number[] }

/**
 * nn.LSTM, PyTorch docs: gates = W_ih x + b_ih + W_hh h + b_hh, chunked i, f, g, o;
 * c' = f*c + i*g; h' = o*tanh(c'). `gateOrder` lets the test build deliberately wrong readings.
 */
function torchLstm(w: TorchWeights, xs: number[][], h0: number[], c0: number[], H: number,
  options: { gateOrder?: [number, number, number, number]; dropBiasHh?: boolean } = {}): { h: number[][]; c: number[][] } {
  const [iBlock, fBlock, gBlock, oBlock] = options.gateOrder ?? [0, 1, 2, 3];
  let h = h0.slice();
  let c = c0.slice();
  const hs: number[][] = [];
  const cs: number[][] = [];
  for (const x of xs) {
    const fromInput = matVec(w.weight_ih_l0, x);
    const fromHidden = matVec(w.weight_hh_l0, h);
    const gates = fromInput.map((v, k) => v + w.bias_ih_l0[k] + fromHidden[k] + (options.dropBiasHh ? 0 : w.bias_hh_l0[k]));
    const chunk = (block: number): number[] => gates.slice(block * H, (block + 1) * H);
    const i = chunk(iBlock).map(sigmoid);
    const f = chunk(fBlock).map(sigmoid);
    const g = chunk(gBlock).map(Math.tanh);
    const o = chunk(oBlock).map(sigmoid);
    c = c.map((cPrev, j) => f[j] * cPrev + i[j] * g[j]);
    h = c.map((cNew, j) => o[j] * Math.tanh(cNew));
    hs.push(h);
    cs.push(c);
  }
  return { h: hs, c: cs };
}

/**
 * nn.GRU, PyTorch docs: r = σ(W_ir x + b_ir + W_hr h + b_hr), z = σ(W_iz x + b_iz + W_hz h + b_hz),
 * n = tanh(W_in x + b_in + r*(W_hn h + b_hn)), h' = (1-z)*n + z*h; rows stacked r, z, n.
 */
function torchGru(w: TorchWeights, xs: number[][], h0: number[], H: number,
  options: { swapRz?: boolean; hnBiasOutsideReset?: boolean } = {}): number[][] {
  let h = h0.slice();
  const hs: number[][] = [];
  for (const x of xs) {
    const gi = matVec(w.weight_ih_l0, x).map((v, k) => v + w.bias_ih_l0[k]);
    const gh = matVec(w.weight_hh_l0, h).map((v, k) => v + w.bias_hh_l0[k]);
    const [rBlock, zBlock] = options.swapRz ? [1, 0] : [0, 1];
    const r = Array.from({ length: H }, (_, j) => sigmoid(gi[rBlock * H + j] + gh[rBlock * H + j]));
    const z = Array.from({ length: H }, (_, j) => sigmoid(gi[zBlock * H + j] + gh[zBlock * H + j]));
    const n = Array.from({ length: H }, (_, j) => options.hnBiasOutsideReset
      ? Math.tanh(gi[2 * H + j] + w.bias_hh_l0[2 * H + j] + r[j] * (gh[2 * H + j] - w.bias_hh_l0[2 * H + j]))
      : Math.tanh(gi[2 * H + j] + r[j] * gh[2 * H + j]));
    h = h.map((hPrev, j) => (1 - z[j]) * n[j] + z[j] * hPrev);
    hs.push(h);
  }
  return hs;
}

/** nn.RNN (tanh): h' = tanh(W_ih x + b_ih + W_hh h + b_hh). */
function torchRnn(w: TorchWeights, xs: number[][], h0: number[]): number[][] {
  let h = h0.slice();
  return xs.map(x => {
    const fromInput = matVec(w.weight_ih_l0, x);
    const fromHidden = matVec(w.weight_hh_l0, h);
    h = fromInput.map((v, k) => Math.tanh(v + w.bias_ih_l0[k] + fromHidden[k] + w.bias_hh_l0[k]));
    return h;
  });
}

function randomTorch(blocks: number, H: number, I: number, next: () => number, biasScale = 0.5): TorchWeights {
  return {
    weight_ih_l0: matrix(blocks * H, I, next, 0.8),
    weight_hh_l0: matrix(blocks * H, H, next, 0.8),
    bias_ih_l0: vector(blocks * H, next, biasScale),
    bias_hh_l0: vector(blocks * H, next, biasScale),
  };
}

function specJson(cell: string, H: number, I: number, w: TorchWeights, xs: number[][], h0: number[], c0?: number[]): string {
  return JSON.stringify({ cell, inputSize: I, hiddenSize: H, weights: w, inputs: xs, h0, ...(c0 ? { c0 } : {}) }, null, 1);
}

/** max |a - b| over (T, H) rows vs the trace's flat field */
function maxDifference(expected: number[][], actual: Float64Array): number {
  let worst = 0;
  expected.forEach((row, t) => row.forEach((value, j) => { worst = Math.max(worst, Math.abs(value - actual[t * row.length + j])); }));
  return worst;
}

describe('PyTorch import', () => {
  it('nn.LSTM: h and c agree with the PyTorch-layout reference to 1e-12 on random weights', () => {
    const next = randomSource(12345);
    for (const [H, I, T] of [[1, 1, 3], [2, 3, 5], [5, 4, 7], [8, 2, 12]]) {
      const w = randomTorch(4, H, I, next);
      const xs = matrix(T, I, next, 1.5);
      const h0 = vector(H, next, 0.5);
      const c0 = vector(H, next, 0.5);
      const { spec, issues } = parseSpec(specJson('lstm', H, I, w, xs, h0, c0));
      assert.deepEqual(issues, []);
      const trace = computeTrace(spec!);
      const reference = torchLstm(w, xs, h0, c0, H);
      assert.ok(maxDifference(reference.h, trace.forward.h) < 1e-12, `h (H=${H}, I=${I})`);
      assert.ok(maxDifference(reference.c, trace.forward.c) < 1e-12, `c (H=${H}, I=${I})`);
    }
  });

  it('nn.LSTM: the comparison discriminates a dropped bias_hh_l0 and a wrong gate order', () => {
    // Each gate gets a clearly different bias, split between the two bias vectors, so every
    // wrong mapping changes the gates by O(1).
    const H = 2;
    const I = 2;
    const next = randomSource(99);
    const w = randomTorch(4, H, I, next, 0.1);
    const gateBias = [1.5, -1.0, 0.8, -2.0]; // i, f, g, o
    for (let block = 0; block < 4; block++) {
      for (let j = 0; j < H; j++) {
        w.bias_ih_l0[block * H + j] = gateBias[block] / 2;
        w.bias_hh_l0[block * H + j] = gateBias[block] / 2;
      }
    }
    const xs = [[0.5, -0.1], [0.3, 0.8], [-0.2, 0.1], [0.9, 0.7]];
    const zeros = [0, 0];
    const trace = computeTrace(parseSpec(specJson('lstm', H, I, w, xs, zeros, zeros)).spec!);
    const right = torchLstm(w, xs, zeros, zeros, H);
    assert.ok(maxDifference(right.h, trace.forward.h) < 1e-12);
    const wrongReadings = {
      'bias_hh_l0 dropped': torchLstm(w, xs, zeros, zeros, H, { dropBiasHh: true }),
      'textbook order f, i, g, o': torchLstm(w, xs, zeros, zeros, H, { gateOrder: [1, 0, 2, 3] }),
      'order i, f, o, g': torchLstm(w, xs, zeros, zeros, H, { gateOrder: [0, 1, 3, 2] }),
    };
    for (const [label, wrong] of Object.entries(wrongReadings)) {
      assert.ok(maxDifference(wrong.h, trace.forward.h) > 1e-2, `${label} must give a different h`);
    }
  });

  it('nn.GRU: h agrees with the PyTorch-layout reference to 1e-12, and wrong readings differ', () => {
    const next = randomSource(777);
    for (const [H, I, T] of [[1, 2, 3], [3, 2, 6], [6, 5, 9]]) {
      const w = randomTorch(3, H, I, next);
      const xs = matrix(T, I, next, 1.5);
      const h0 = vector(H, next, 0.5);
      const { spec, issues } = parseSpec(specJson('gru', H, I, w, xs, h0));
      assert.deepEqual(issues, []);
      const trace = computeTrace(spec!);
      assert.ok(maxDifference(torchGru(w, xs, h0, H), trace.forward.h) < 1e-12, `h (H=${H}, I=${I})`);
      assert.ok(maxDifference(torchGru(w, xs, h0, H, { swapRz: true }), trace.forward.h) > 1e-3, 'r and z swapped must differ');
      assert.ok(maxDifference(torchGru(w, xs, h0, H, { hnBiasOutsideReset: true }), trace.forward.h) > 1e-3, 'b_hn outside r must differ');
    }
  });

  it('nn.RNN: both biases added', () => {
    const next = randomSource(4242);
    const [H, I, T] = [3, 2, 5];
    const w = randomTorch(1, H, I, next);
    const xs = matrix(T, I, next, 1);
    const h0 = vector(H, next, 0.5);
    const trace = computeTrace(parseSpec(specJson('rnn', H, I, w, xs, h0)).spec!);
    assert.ok(maxDifference(torchRnn(w, xs, h0), trace.forward.h) < 1e-12);
  });

  it('lstm_peephole has no PyTorch layout: an error at the tensor name', () => {
    const { issues } = parseSpec('{"cell": "lstm_peephole", "inputSize": 1, "hiddenSize": 1, "inputs": [1],\n  "weights": {"weight_ih_l0": 0}}');
    assert.equal(issues[0].message, 'weights.weight_ih_l0: PyTorch names are accepted for lstm, gru and rnn cells, not lstm_peephole; use W_f, W_i, W_c, W_o, b_f, b_i, b_c, b_o, p_f, p_i, p_o');
    assert.equal(`${issues[0].range.line}:${issues[0].range.column}`, '2:15');
  });

  it('a layer beyond numLayers is named, with the numLayers it needs', () => {
    const { issues } = parseSpec('{"inputSize": 1, "hiddenSize": 1, "inputs": [1], "weights": {"weight_ih_l0": 0, "weight_hh_l0": 0, "bias_ih_l0": 0, "bias_hh_l0": 0, "weight_ih_l1": 0}}');
    assert.equal(issues.length, 1);
    assert.match(issues[0].message, /^weights\.weight_ih_l1: unknown weight for an lstm cell: layer 1 needs "numLayers": 2 or more \(numLayers is 1\)$/);
  });
});
