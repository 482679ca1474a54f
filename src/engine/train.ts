// Training (docs/training.md): N optimizer steps on a stack's parameters with torch.optim's
// semantics, so the result can be checked against PyTorch exactly. One step is forward + BPTT of
// the mean loss over the samples (computeStackTrace), the global L2 norm of every gradient,
// optional clip_grad_norm_, then SGD or Adam (optim.ts).
//
// What is trained: every weight and bias under the names the spec used, and a crossEntropy loss's
// head (weight, bias); h0, c0 and the inputs are not. The names matter because they decide what
// a parameter is: with PyTorch names, bias_ih and bias_hh are two parameters (Adam moves each on
// its own; SGD moves their textbook sum b = bias_ih + bias_hh twice as far as one bias b would).
// So the trained vector theta (P) is laid out under the spec's names, and a fixed index map sends
// each entry of theta to the textbook entry it feeds (PyTorch's weights are a permutation of the
// textbook's; for lstm and rnn two PyTorch biases add into one textbook bias):
//   load:    textbook[map[k]] += theta[k]     (after zeroing textbook)
//   gather:  grad[k] = dTextbook[map[k]]
// With textbook names the map is the identity and theta is the textbook vector itself.
// Outputs: loss L_0..L_N (L_k before step k+1, L_N after the last), gradNorm g_0..g_{N−1} (before
// clipping), and the final parameters under the spec's names. Nothing is allocated per step
// beyond the trace computeStackTrace returns; shouldStop() is checked between steps.

import { GRU_BLOCKS, LSTM_BLOCKS, pytorchEntryNames } from './framework';
import { GATHER_STRIDE, type FileLayout } from './spec/files';
import { stackLoss, type LinearHead, type StackLoss } from './loss';
import { clipGradients, createOptimizer, globalNorm, type OptimizerOptions, type ParameterRange } from './optim';
import { directionCount, layerInputSize, stackForward, type StackParams } from './stack';
import { computeStackTrace, type StackSpec, type StackTrace } from './stackTrace';
import { stackSpecOf, type Spec } from './types';

/** How the spec names its parameters, which decides what a parameter is (see the opening comment). */
export type ParameterNaming =
  /** textbook names (W_f, b_f, p_f, W_ir, …); a stack's entry k > 0 adds `_l{layer}` / `_reverse` */
  | { kind: 'textbook' }
  /**
   * PyTorch's state_dict names under `prefix` (prefix.weight_ih_l0, …), with their initial values
   * by unprefixed name (the textbook stack cannot give bias_ih and bias_hh apart)
   */
  | { kind: 'pytorch'; prefix: string; tensors: Record<string, Float64Array> }
  /**
   * a model file's own tensors (layout: which PyTorch-layout element each element is), with the
   * initial PyTorch-layout values by unprefixed name
   */
  | { kind: 'file'; layout: FileLayout; tensors: Record<string, Float64Array> };

export interface TrainModel {
  /** structure, h0, c0, samples and (textbook naming) the initial parameters; not modified */
  spec: StackSpec;
  naming: ParameterNaming;
  /** names of a crossEntropy head's parameters in the output; default `head.weight`, `head.bias` */
  headNames?: { weight: string; bias: string };
}

export interface TrainOptions {
  steps: number;
  optimizer: OptimizerOptions;
  /** clip_grad_norm_'s max_norm; undefined = no clipping */
  clipNorm?: number;
  /** checked between steps; true stops training (the result says how many steps were taken) */
  shouldStop?: () => boolean;
  /** called after every step, with the loss before it and the gradient norm it used */
  onProgress?: (progress: TrainProgress) => void;
}

export interface TrainProgress {
  /** steps taken so far (1..steps) */
  step: number;
  steps: number;
  loss: number;
  gradNorm: number;
  /** the parameters after this step, θ_step (P; a live view: copy it to keep it) */
  theta: Float64Array;
  /** the trace this step's gradient came from: the model at θ_{step−1} */
  trace: StackTrace;
}

/** One trained parameter: its name in the spec, its shape, and where it sits in theta. */
export interface TrainParameter extends ParameterRange {
  name: string;
  shape: number[];
}

export interface TrainResult {
  /** L_0..L_n, n = stepsTaken */
  loss: Float64Array;
  /** g_0..g_{n−1} */
  gradNorm: Float64Array;
  stepsTaken: number;
  stopped: boolean;
  parameters: TrainParameter[];
  /** the final parameters, laid out by `parameters` */
  theta: Float64Array;
}

/** The values of one parameter of a result (a view into theta). */
export function parameterValue(result: Pick<TrainResult, 'theta'>, parameter: TrainParameter): Float64Array {
  return result.theta.subarray(parameter.offset, parameter.offset + parameter.length);
}

/** The parameters of one training run, the index map and the working stack spec. */
export interface ParameterSet {
  parameters: TrainParameter[];
  theta: Float64Array; // (P) under the spec's names
  /** the stack the engine runs: its entries and heads are views into `textbook` */
  spec: StackSpec;
  /** writes theta into the stack's textbook arrays (no-op for textbook naming) */
  load(): void;
  /** the trace's gradients of the mean loss, under the spec's names, into grad (P) */
  gather(trace: StackTrace, grad: Float64Array): void;
}

/**
 * What training runs on for a parsed spec: its stack form (stackSpecOf; a display-only sequence
 * is not trained on), named as the spec names its parameters: textbook names, PyTorch names
 * inline, or a model file's own tensor names (its layout); the head `head.weight`/`head.bias`
 * inline, `fc.weight`/`fc.bias` for {"from": "fc"}.
 */
export function trainModelOf(spec: Spec): TrainModel {
  const { display: _display, ...stack } = stackSpecOf(spec);
  const framework = spec.framework;
  const headNames = framework?.headPrefix ? { weight: `${framework.headPrefix}.weight`, bias: `${framework.headPrefix}.bias` } : undefined;
  const naming: ParameterNaming = !framework?.tensors ? { kind: 'textbook' }
    : framework.layout ? { kind: 'file', layout: framework.layout, tensors: framework.tensors }
      : { kind: 'pytorch', prefix: framework.prefix, tensors: framework.tensors };
  return { spec: stack, naming, ...(headNames ? { headNames } : {}) };
}

/** Textbook shape of a parameter of one entry: matrices (H, cols), vectors (H). */
function textbookShape(name: string, length: number, H: number): number[] {
  return length === H && !name.startsWith('W') ? [H] : [H, length / H];
}

function entrySuffix(params: StackParams, e: number): string {
  if (params.entries.length === 1) return '';
  const D = directionCount(params);
  return `_l${Math.floor(e / D)}${e % D === 1 ? '_reverse' : ''}`;
}

/**
 * The head every crossEntropy sample uses (one model, one head: the first sample's values), or
 * undefined when no sample has one.
 */
function sharedHead(spec: StackSpec): LinearHead | undefined {
  for (const sample of spec.samples) if (sample.loss.kind === 'crossEntropy') return sample.loss.head;
  return undefined;
}

export function parameterSet(model: TrainModel): ParameterSet {
  const source = model.spec, params = source.params;
  const H = params.hiddenSize, D = directionCount(params);
  const head = sharedHead(source);
  // the textbook vector: every entry's arrays in order, then the head
  const textbookSlots: { entry: number; name: string; offset: number; length: number }[] = [];
  let size = 0;
  params.entries.forEach((entry, e) => {
    for (const [name, value] of Object.entries(entry)) {
      textbookSlots.push({ entry: e, name, offset: size, length: value.length });
      size += value.length;
    }
  });
  const headOffset = size;
  if (head) size += head.weight.length + head.bias.length;
  const textbook = new Float64Array(size); // (P_textbook)
  for (const slot of textbookSlots) textbook.set(params.entries[slot.entry][slot.name], slot.offset);
  const view = (offset: number, length: number): Float64Array => textbook.subarray(offset, offset + length);
  const entries = params.entries.map(() => ({} as Record<string, Float64Array>));
  for (const slot of textbookSlots) entries[slot.entry][slot.name] = view(slot.offset, slot.length);
  let trainedHead: LinearHead | undefined;
  if (head) {
    trainedHead = { classes: head.classes, weight: view(headOffset, head.weight.length), bias: view(headOffset + head.weight.length, head.bias.length) };
    textbook.set(head.weight, headOffset);
    textbook.set(head.bias, headOffset + head.weight.length);
  }
  const spec: StackSpec = {
    ...source,
    params: { ...params, entries },
    samples: source.samples.map(sample => sample.loss.kind === 'crossEntropy' && trainedHead
      ? { ...sample, loss: { ...sample.loss, head: trainedHead } as StackLoss }
      : sample),
  };
  const headNames = model.headNames ?? { weight: 'head.weight', bias: 'head.bias' };
  const headParameters: TrainParameter[] = head ? [
    { name: headNames.weight, shape: [head.classes, head.weight.length / head.classes], offset: -1, length: head.weight.length },
    { name: headNames.bias, shape: [head.classes], offset: -1, length: head.bias.length },
  ] : [];

  const gatherTextbook = (trace: StackTrace, into: Float64Array): void => {
    for (const slot of textbookSlots) {
      const grads = trace.stack[slot.entry].backward;
      const g = grads.dL_dW[slot.name] ?? grads.dL_db[slot.name] ?? grads.dL_dp?.[slot.name];
      into.set(g, slot.offset);
    }
    if (head) {
      const { dL_dHeadWeight, dL_dHeadBias } = trace.backward;
      if (!dL_dHeadWeight || !dL_dHeadBias) throw new Error('the trace has no head gradients');
      into.set(dL_dHeadWeight, headOffset);
      into.set(dL_dHeadBias, headOffset + head.weight.length);
    }
  };

  if (model.naming.kind === 'textbook') {
    const parameters: TrainParameter[] = textbookSlots.map(slot => ({
      name: `${slot.name}${entrySuffix(params, slot.entry)}`, shape: textbookShape(slot.name, slot.length, H), offset: slot.offset, length: slot.length,
    }));
    let offset = headOffset;
    for (const p of headParameters) { p.offset = offset; offset += p.length; parameters.push(p); }
    return { parameters, theta: textbook, spec, load: () => undefined, gather: gatherTextbook };
  }

  // PyTorch layout: each unprefixed state_dict tensor (weight_ih_l0, …; p_i_l0 … for an ONNX
  // peephole lstm) with, per element, the textbook index it feeds
  const offsetOf = (e: number, name: string): number => {
    const slot = textbookSlots.find(s => s.entry === e && s.name === name);
    if (!slot) throw new Error(`entry ${e} has no parameter ${name}`);
    return slot.offset;
  };
  const G = params.cell === 'gru' ? 3 : params.cell === 'rnn' ? 1 : 4;
  const layoutMaps: { name: string; shape: number[]; map: Int32Array }[] = [];
  for (let layer = 0; layer < params.numLayers; layer++) {
    const I = layerInputSize(params, layer);
    for (let d = 0; d < D; d++) {
      const e = layer * D + d;
      const names = pytorchEntryNames('', layer, d === 1);
      const wIh = new Int32Array(G * H * I), wHh = new Int32Array(G * H * H), bIh = new Int32Array(G * H), bHh = new Int32Array(G * H);
      for (let g = 0; g < G; g++) {
        for (let r = 0; r < H; r++) {
          const row = g * H + r;
          if (params.cell === 'gru') {
            const [wi, wh, bi, bh] = GRU_BLOCKS[g];
            for (let c = 0; c < I; c++) wIh[row * I + c] = offsetOf(e, wi) + r * I + c;
            for (let c = 0; c < H; c++) wHh[row * H + c] = offsetOf(e, wh) + r * H + c;
            bIh[row] = offsetOf(e, bi) + r;
            bHh[row] = offsetOf(e, bh) + r;
          } else {
            // W_k = [weight_hh rows | weight_ih rows] (H, H+I); b_k = bias_ih + bias_hh
            const [wName, bName] = params.cell === 'rnn' ? ['W', 'b'] : LSTM_BLOCKS[g];
            const w = offsetOf(e, wName), b = offsetOf(e, bName);
            for (let c = 0; c < H; c++) wHh[row * H + c] = w + r * (H + I) + c;
            for (let c = 0; c < I; c++) wIh[row * I + c] = w + r * (H + I) + H + c;
            bIh[row] = b + r;
            bHh[row] = b + r;
          }
        }
      }
      layoutMaps.push({ name: names.wIh, shape: [G * H, I], map: wIh }, { name: names.wHh, shape: [G * H, H], map: wHh },
        { name: names.bIh, shape: [G * H], map: bIh }, { name: names.bHh, shape: [G * H], map: bHh });
      if (params.cell === 'lstm_peephole') {
        for (const gate of ['i', 'o', 'f']) {
          const p = offsetOf(e, `p_${gate}`);
          layoutMaps.push({ name: `p_${gate}${names.wIh.slice('weight_ih'.length)}`, shape: [H], map: Int32Array.from({ length: H }, (_, r) => p + r) });
        }
      }
    }
  }
  const { tensors } = model.naming;
  const parameters: TrainParameter[] = [];
  const mapParts: Int32Array[] = [];
  const values: Float64Array[] = [];
  let P = 0;
  const add = (name: string, shape: number[], map: Int32Array, value: Float64Array): void => {
    parameters.push({ name, shape, offset: P, length: map.length });
    mapParts.push(map);
    values.push(value);
    P += map.length;
  };
  const base = new Float64Array(size); // (P_textbook) what the untrained elements add
  const valueOf = (name: string, length: number, shape: number[]): Float64Array => {
    const value = tensors[name];
    if (!value) throw new Error(`${name}: tensor missing (expected shape [${shape.join(', ')}])`);
    if (value.length !== length) throw new Error(`${name}: expected ${length} numbers (shape [${shape.join(', ')}]), found ${value.length}`);
    return value;
  };
  if (model.naming.kind === 'pytorch') {
    // PyTorch names: theta holds the state_dict tensors under the prefix
    if (params.cell === 'lstm_peephole') throw new Error('lstm_peephole has no PyTorch names (nn.LSTM has no peepholes)');
    const p = model.naming.prefix === '' ? '' : `${model.naming.prefix}.`;
    for (const t of layoutMaps) add(p + t.name, t.shape, t.map, valueOf(t.name, t.map.length, t.shape));
  } else {
    // a model file's own tensors: element k is the PyTorch-layout element gather[k] names
    // (FileLayout, spec/files.ts), so it feeds that element's textbook index; PyTorch-layout
    // elements no file element names are constants (their values go into `base`)
    const { layout } = model.naming;
    const byName = new Map(layoutMaps.map(t => [t.name, t]));
    const covered = new Map(layoutMaps.map(t => [t.name, new Uint8Array(t.map.length)]));
    for (const t of layout.tensors) {
      const map = new Int32Array(t.gather.length), value = new Float64Array(t.gather.length);
      for (let k = 0; k < t.gather.length; k++) {
        const code = t.gather[k];
        if (code === 0) { map[k] = -1; continue; } // a constant of the file: feeds nothing
        const source = layout.sources[Math.floor((code - 1) / GATHER_STRIDE)], element = (code - 1) % GATHER_STRIDE;
        const target = byName.get(source);
        if (!target) throw new Error(`${t.name}: names ${source}, which ${params.cell} has not`);
        map[k] = target.map[element];
        value[k] = valueOf(source, target.map.length, target.shape)[element];
        (covered.get(source) as Uint8Array)[element] = 1;
      }
      add(t.name, t.shape, map, value);
    }
    for (const t of layoutMaps) {
      const seen = covered.get(t.name) as Uint8Array, value = tensors[t.name];
      if (value) for (let k = 0; k < t.map.length; k++) if (!seen[k]) base[t.map[k]] += value[k];
    }
  }
  for (const p of headParameters) {
    const isWeight = p.name === headNames.weight;
    const from = isWeight ? headOffset : headOffset + (head as LinearHead).weight.length;
    add(p.name, p.shape, Int32Array.from({ length: p.length }, (_, k) => from + k), isWeight ? (head as LinearHead).weight : (head as LinearHead).bias);
  }
  const map = new Int32Array(P);
  const theta = new Float64Array(P);
  parameters.forEach((p, k) => {
    map.set(mapParts[k], p.offset);
    theta.set(values[k], p.offset);
  });
  const dTextbook = new Float64Array(size); // (P_textbook)
  const load = (): void => {
    textbook.set(base);
    for (let k = 0; k < P; k++) if (map[k] >= 0) textbook[map[k]] += theta[k];
  };
  load();
  return {
    parameters, theta, spec, load,
    gather: (trace, grad) => {
      gatherTextbook(trace, dTextbook);
      for (let k = 0; k < P; k++) grad[k] = map[k] >= 0 ? dTextbook[map[k]] : 0;
    },
  };
}

/** The mean loss over the samples, forward only. */
export function meanLoss(spec: StackSpec): number {
  const { params, h0, c0, samples } = spec;
  const W = directionCount(params) * params.hiddenSize;
  let total = 0;
  for (const sample of samples) {
    const cache = stackForward(params, sample.inputs, h0, c0, sample.T);
    total += stackLoss(sample.loss, cache.output, cache.topFinal, sample.T, W).L;
  }
  return total / samples.length;
}

export function train(model: TrainModel, options: TrainOptions): TrainResult {
  const N = options.steps;
  if (!(Number.isInteger(N) && N >= 0)) throw new Error(`steps: expected an integer >= 0, found ${N}`);
  const clip = options.clipNorm;
  if (clip !== undefined && !(Number.isFinite(clip) && clip > 0)) throw new Error(`clipNorm: expected a number > 0, found ${clip}`);
  const set = parameterSet(model);
  const P = set.theta.length;
  const optimizer = createOptimizer(options.optimizer, P);
  const grad = new Float64Array(P); // (P)
  const loss = new Float64Array(N + 1), gradNorm = new Float64Array(N);
  let k = 0, stopped = false;
  for (; k < N; k++) {
    if (options.shouldStop?.()) { stopped = true; break; }
    set.load();
    const trace = computeStackTrace(set.spec);
    loss[k] = trace.loss.L;
    set.gather(trace, grad);
    const norm = globalNorm(grad, set.parameters);
    gradNorm[k] = norm;
    if (clip !== undefined) clipGradients(grad, norm, clip);
    optimizer.step(set.theta, grad);
    options.onProgress?.({ step: k + 1, steps: N, loss: loss[k], gradNorm: norm, theta: set.theta, trace });
  }
  set.load();
  loss[k] = meanLoss(set.spec);
  return {
    loss: stopped ? loss.slice(0, k + 1) : loss,
    gradNorm: stopped ? gradNorm.slice(0, k) : gradNorm,
    stepsTaken: k, stopped, parameters: set.parameters, theta: set.theta,
  };
}

type Nested = number | Nested[];

/** A flat row-major array as nested arrays of `shape` (a vector stays flat). */
export function nestedValue(values: Float64Array, shape: readonly number[]): Nested[] {
  if (shape.length <= 1) return Array.from(values);
  const rows = shape[0], width = values.length / rows;
  const out: Nested[] = [];
  for (let r = 0; r < rows; r++) out.push(nestedValue(values.subarray(r * width, (r + 1) * width), shape.slice(1)));
  return out;
}

/** The final parameters under the spec's names, nested like the spec writes them (docs/training.md). */
export function trainedWeights(result: Pick<TrainResult, 'parameters' | 'theta'>): Record<string, Nested[]> {
  const out: Record<string, Nested[]> = {};
  for (const p of result.parameters) out[p.name] = nestedValue(parameterValue(result, p), p.shape);
  return out;
}
