// The stack engine (stackTrace.ts) behind the engine's one Trace type (types.ts): computeTrace
// hands a spec with `stack` here. Every (layer, direction) becomes a complete single-layer Trace
// (a "layer view": its forward and backward fields in time order t = 1..T, its own input size,
// dL_dx = its dL_dinput, its path-decay figure, and the ungated comparison RNN run on its own
// input), so every view of a single layer shows any entry unchanged. The stack Trace's top-level
// fields are layer 0's forward entry; `trace.stack` holds the stack-wide fields and all views.
// Also here: frameworkGrads under the spec's framework names, and mapped onto a model file's own
// layout (Spec.framework.layout, a gather built by src/runtime/specLoader.ts). No I/O.

import { CELLS } from './cells';
import { comparisonRnn } from './cellRuns';
import { frameworkGrads as pytorchGrads, type NamedTensor } from './framework';
import { GATHER_STRIDE, type FileLayout } from './spec/files';
import { packGru } from './gru';
import { lazyForward } from './lazyRecords';
import { packLstm } from './lstm';
import { packRnn, type RnnParams } from './rnn';
import { directionCount, reverseRows, type StackConfig, type StackEntryGrads } from './stack';
import { computeStackTrace, type StackTrace } from './stackTrace';
import type { LayerTrace, Spec, StackInfo, Trace } from './types';

/** "L1 →", "L2 ←": the 1-based layer and the direction, for pickers and the status bar. */
export function entryLabel(layer: number, direction: 'forward' | 'reverse'): string {
  return `L${layer + 1} ${direction === 'reverse' ? '←' : '→'}`;
}

/** Number of (layer, direction) views of a trace: 1 for a single layer. */
export function layerCount(trace: Trace): number {
  return trace.stack ? trace.stack.layers.length : 1;
}

/** The single-layer Trace of entry `index` (PyTorch order); a single-layer trace is its own view. */
export function layerView(trace: Trace, index: number): Trace {
  if (!trace.stack) {
    if (index !== 0) throw new RangeError(`layer view ${index}: a single-layer trace has only view 0`);
    return trace;
  }
  const entry = trace.stack.layers[index];
  if (!entry) throw new RangeError(`layer view ${index}: expected 0..${trace.stack.layers.length - 1}`);
  return entry.trace;
}

/** "L2 ←" for entry `index` of a stack, "" for a single layer. */
export function layerLabel(trace: Trace, index: number): string {
  return trace.stack ? trace.stack.layers[index]?.label ?? '' : '';
}

/** The candidate path of an entry's cell as a plain tanh RNN (the comparison of docs/trace-format.md). */
function comparisonParams(config: StackConfig, params: Record<string, Float64Array>, I: number): RnnParams {
  const H = config.hiddenSize;
  if (config.cell === 'rnn') return packRnn(params.W, params.b, H, I);
  if (config.cell === 'gru') {
    const p = packGru(params, H, I, config.resetAfter ?? true);
    const b = new Float64Array(H); // (H) b_in + b_hn
    for (let k = 0; k < H; k++) b[k] = p.bx[2 * H + k] + p.bh[2 * H + k];
    return { H, I, wh: p.wh.subarray(2 * H * H, 3 * H * H), wx: p.wx.subarray(2 * H * I, 3 * H * I), b };
  }
  const p = packLstm(params, H, I, config.cell === 'lstm_peephole');
  return { H, I, wh: p.wh.subarray(2 * H * H, 3 * H * H), wx: p.wx.subarray(2 * H * I, 3 * H * I), b: p.b.subarray(2 * H, 3 * H) };
}

/** The comparison RNN on an entry's input, run in its direction, rows back in time order. */
function entryComparison(
  config: StackConfig, params: Record<string, Float64Array>,
  input: Float64Array, // (T, I_k) time order
  I: number, h0: Float64Array, T: number, reversed: boolean,
): Trace['vanillaRNN'] {
  const H = config.hiddenSize;
  const seq = reversed ? reverseRows(input, T, I) : input;
  const run = comparisonRnn(comparisonParams(config, params, I), { hiddenSize: H, T, inputs: seq, h0 } as Spec);
  if (!reversed) return run;
  return { h: reverseRows(run.h, T, H), dL_dh: reverseRows(run.dL_dh, T, H), dL_dh_norm: reverseRows(run.dL_dh_norm, T, 1) };
}

function entryBackward(grads: StackEntryGrads): Trace['backward'] {
  const perStep: Record<string, Float64Array> = {};
  for (const [name, field] of Object.entries(grads.perStep)) perStep[name === 'dL_dinput' ? 'dL_dx' : name] = field;
  return {
    perStep, dL_dh0: grads.dL_dh0, ...(grads.dL_dc0 ? { dL_dc0: grads.dL_dc0 } : {}),
    dL_dW: grads.dL_dW, dL_db: grads.dL_db, ...(grads.dL_dp ? { dL_dp: grads.dL_dp } : {}),
  };
}

/** The trace of a spec with `stack` (see the top of this file). */
export function computeStackSpecTrace(spec: Spec): Trace {
  const stackSpec = spec.stack!;
  const st = computeStackTrace({ ...stackSpec, framework: undefined });
  const config = st.config;
  const { hiddenSize: H, numLayers: L } = config;
  const D = directionCount(config), T = st.T;
  const shownInputs = (stackSpec.display ?? stackSpec.samples[stackSpec.shown ?? 0]).inputs;
  const loss: Trace['loss'] = { kind: st.loss.kind, L: st.loss.L };
  if (st.loss.perStep) loss.perStep = st.loss.perStep;
  if (st.loss.logits && st.loss.probs) { loss.logits = st.loss.logits; loss.probs = st.loss.probs; }
  if (st.loss.sampleLosses.length > 1) loss.sampleLosses = st.loss.sampleLosses;
  if (st.loss.displayL !== undefined) loss.displayL = st.loss.displayL;

  const layers: LayerTrace[] = [];
  const zeros = new Float64Array(H);
  st.stack.forEach((entry, e) => {
    const I = entry.inputSize, reversed = entry.direction === 'reverse';
    let input: Float64Array; // (T, I_k)
    if (entry.layer === 0) input = shownInputs;
    else {
      input = new Float64Array(T * I);
      for (let d = 0; d < D; d++) {
        const h = st.stack[(entry.layer - 1) * D + d].forward.h; // (T, H)
        for (let t = 0; t < T; t++) input.set(h.subarray(t * H, (t + 1) * H), t * I + d * H);
      }
    }
    const h0 = stackSpec.h0.slice(e * H, (e + 1) * H);
    const c0 = config.cell === 'lstm' || config.cell === 'lstm_peephole' ? stackSpec.c0.slice(e * H, (e + 1) * H) : zeros.slice();
    const view: Trace = {
      cell: config.cell, inputSize: I, hiddenSize: H, T,
      // the gates as lazy fields over the stored pre-activations, as for a single layer
      // (lazyRecords.ts): the entry's computed gate arrays are not kept
      forward: lazyForward(CELLS[config.cell], name => entry.forward[name]),
      loss,
      backward: entryBackward(entry.backward),
      vanillaRNN: entryComparison(config, stackSpec.params.entries[e], input, I, h0, T, reversed),
      source: { h0, c0, inputs: input },
    };
    if (entry.pathDecay) view.pathDecay = entry.pathDecay;
    if (st.tokens) view.tokens = st.tokens;
    if (st.nonFinite && st.nonFinite.layer === entry.layer && st.nonFinite.direction === entry.direction) {
      view.nonFinite = { phase: st.nonFinite.phase, t: st.nonFinite.t, field: st.nonFinite.field };
    }
    layers.push({ layer: entry.layer, direction: entry.direction, label: entryLabel(entry.layer, entry.direction), trace: view });
  });

  // the top level is layer 0's forward entry, with the stack-wide nonFinite (wherever it is)
  const trace: Trace = { ...layers[0].trace };
  if (st.nonFinite) trace.nonFinite = { phase: st.nonFinite.phase, t: st.nonFinite.t, field: st.nonFinite.field };
  if (L * D > 1) {
    const stack: StackInfo = {
      numLayers: L, bidirectional: config.bidirectional,
      ...(config.cell === 'gru' && config.resetAfter === false ? { resetAfter: false } : {}),
      output: st.output, hN: st.hN,
      dL_doutput: st.backward.dL_doutput, dL_dx: st.backward.dL_dx, dL_dh0: st.backward.dL_dh0,
      layers,
    };
    if (st.cN) stack.cN = st.cN;
    if (st.backward.dL_dc0) stack.dL_dc0 = st.backward.dL_dc0;
    if (st.nonFinite) stack.nonFinite = { ...st.nonFinite };
    trace.stack = stack;
  }
  if (spec.framework) {
    const head = st.backward.dL_dHeadWeight && st.backward.dL_dHeadBias
      ? { dWeight: st.backward.dL_dHeadWeight, dBias: st.backward.dL_dHeadBias, classes: st.backward.dL_dHeadBias.length }
      : undefined;
    trace.frameworkGrads = namedGrads(config, st.stack.map(entry => entry.backward), spec.framework, head);
  }
  return trace;
}

/**
 * Weight gradients under the framework's names: PyTorch's layout with the spec's prefix, or (with
 * a file layout) the model file's own tensors; the head's as `${headPrefix}.weight`/`.bias`.
 * lstm_peephole (ONNX files only) adds its peepholes as p_i_l0 p_o_l0 p_f_l0 before the gather.
 */
export function namedGrads(
  config: StackConfig,
  entries: Pick<StackEntryGrads, 'dL_dW' | 'dL_db' | 'dL_dp'>[],
  framework: NonNullable<Spec['framework']>,
  head?: { dWeight: Float64Array; dBias: Float64Array; classes: number },
): Record<string, NamedTensor> {
  const peephole = config.cell === 'lstm_peephole';
  const gateConfig: StackConfig = peephole ? { ...config, cell: 'lstm' } : config;
  const asGrads = { entries: entries as StackEntryGrads[] };
  const prefix = framework.layout ? '' : framework.prefix;
  const pytorch = pytorchGrads(gateConfig, asGrads, prefix);
  if (peephole) {
    const D = directionCount(config);
    entries.forEach((entry, e) => {
      const suffix = `_l${Math.floor(e / D)}${e % D === 1 ? '_reverse' : ''}`;
      for (const gate of ['i', 'o', 'f']) {
        const g = entry.dL_dp?.[`p_${gate}`];
        if (g) pytorch[`p_${gate}${suffix}`] = { shape: [g.length], data: g };
      }
    });
  }
  const out = framework.layout ? gatherToFile(pytorch, framework.layout) : pytorch;
  if (head) {
    const p = framework.headPrefix ?? 'fc';
    out[`${p}.weight`] = { shape: [head.classes, head.dWeight.length / head.classes], data: head.dWeight };
    out[`${p}.bias`] = { shape: [head.classes], data: head.dBias };
  }
  return out;
}

/** PyTorch-layout gradients onto the file's tensors (FileLayout's gather: 0 = no gradient). */
function gatherToFile(pytorch: Record<string, NamedTensor>, layout: FileLayout): Record<string, NamedTensor> {
  const sources = layout.sources.map(name => pytorch[name]?.data);
  const out: Record<string, NamedTensor> = {};
  for (const tensor of layout.tensors) {
    const data = new Float64Array(tensor.gather.length);
    for (let k = 0; k < data.length; k++) {
      const code = tensor.gather[k];
      if (code === 0) continue;
      const source = sources[Math.floor((code - 1) / GATHER_STRIDE)];
      if (source) data[k] = source[(code - 1) % GATHER_STRIDE];
    }
    out[tensor.name] = { shape: tensor.shape.slice(), data };
  }
  return out;
}

export type { StackTrace };
