// Loads the PyTorch reference cases of test/fixtures/golden/stacks (written by
// scripts/golden/make_stacks.py) and turns one into the engine's StackSpec, mapping the weights
// from PyTorch's names with pytorchToStackParams (so the reverse map is under test too).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pytorchToStackParams } from '../../../src/engine/framework';
import type { StackLoss } from '../../../src/engine/loss';
import type { StackConfig } from '../../../src/engine/stack';
import type { StackSpec } from '../../../src/engine/stackTrace';
import type { CellKind } from '../../../src/engine/types';

export const GOLDEN_DIR = path.join(__dirname, '..', '..', 'fixtures', 'golden', 'stacks');

type Nested = number | Nested[];

export interface GoldenLoss {
  kind: StackLoss['kind'];
  at?: 'last' | 'every';
  on?: 'output' | 'h_n';
  target?: Nested;
  dL_dy?: Nested;
}

export interface GoldenCase {
  name: string;
  cell: CellKind;
  resetAfter?: boolean;
  numLayers: number;
  bidirectional: boolean;
  hiddenSize: number;
  inputSize: number;
  weights: Record<string, Nested>;
  h0: Nested;
  c0: Nested | null;
  head: { classes: number } | null;
  samples: { T: number; inputs: Nested; loss: GoldenLoss }[];
  expected: {
    L: number;
    sampleLosses: number[];
    output: Nested; h_n: Nested; c_n: Nested | null;
    perStep: number[] | null;
    logits: Nested | null; probs: Nested | null;
    grads: Record<string, Nested>;
    dL_dx: Nested; dL_dh0: Nested; dL_dc0: Nested | null;
  };
}

export function flat(value: Nested): Float64Array {
  const out: number[] = [];
  const walk = (v: Nested): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else out.push(v);
  };
  walk(value);
  return Float64Array.from(out);
}

export function loadGoldenCases(): GoldenCase[] {
  return fs.readdirSync(GOLDEN_DIR).filter(f => f.endsWith('.json')).sort()
    .map(f => JSON.parse(fs.readFileSync(path.join(GOLDEN_DIR, f), 'utf8')) as GoldenCase);
}

export function goldenConfig(c: GoldenCase): StackConfig {
  const config: StackConfig = { cell: c.cell, inputSize: c.inputSize, hiddenSize: c.hiddenSize, numLayers: c.numLayers, bidirectional: c.bidirectional };
  if (c.resetAfter !== undefined) config.resetAfter = c.resetAfter;
  return config;
}

export function goldenLoss(c: GoldenCase, loss: GoldenLoss): StackLoss {
  const placement = { ...(loss.at ? { at: loss.at } : {}), ...(loss.on ? { on: loss.on } : {}) };
  switch (loss.kind) {
    case 'sum': return { kind: 'sum', ...placement };
    case 'mse': return { kind: 'mse', target: flat(loss.target as Nested), ...placement };
    case 'given': return { kind: 'given', dL_dy: flat(loss.dL_dy as Nested), ...placement };
    case 'crossEntropy': {
      const head = { classes: (c.head as { classes: number }).classes, weight: flat(c.weights['fc.weight']), bias: flat(c.weights['fc.bias']) };
      const target = typeof loss.target === 'number' ? loss.target : Array.from(flat(loss.target as Nested));
      return { kind: 'crossEntropy', head, target, ...placement };
    }
  }
}

export function goldenSpec(c: GoldenCase): StackSpec {
  const config = goldenConfig(c);
  const tensors: Record<string, Float64Array> = {};
  for (const [name, value] of Object.entries(c.weights)) if (!name.startsWith('fc.')) tensors[name] = flat(value);
  const params = pytorchToStackParams(config, tensors);
  const h0 = flat(c.h0);
  return {
    params, h0, c0: c.c0 ? flat(c.c0) : new Float64Array(h0.length),
    samples: c.samples.map(s => ({ T: s.T, inputs: flat(s.inputs), loss: goldenLoss(c, s.loss) })),
    framework: { prefix: '', headPrefix: 'fc' },
  };
}
