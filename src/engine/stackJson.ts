// The JSON form of a StackTrace (docs/trace-format.md, "Stacks"): the section-3 keys of the
// single-layer trace where they apply, plus numLayers, bidirectional, output (T × D·H), h_n/c_n
// (L·D × H), and "stack": one record per (layer, direction) in PyTorch's order, each with the
// forward and backward fields of its cell in time order t = 1..T, backward.dL_dinput (T × that
// layer's input size) in place of dL_dx, and its path-decay figure; frameworkGrads under the
// framework's names and shapes when present. Pure data conversion: no I/O.

import { BACKWARD_STEP_FIELDS, FORWARD_FIELDS } from './trace';
import { toNested } from './traceJson';
import type { StackTrace } from './stackTrace';
import type { NamedTensor } from './framework';

/** A tensor of any rank as nested arrays (rank 1: a flat number[]). */
function nestedTensor(tensor: NamedTensor): unknown {
  const { shape, data } = tensor;
  if (shape.length <= 1) return Array.from(data);
  if (shape.length === 2) return toNested(data, shape[0], shape[1]);
  const inner = shape.slice(1), size = inner.reduce((a, b) => a * b, 1);
  return Array.from({ length: shape[0] }, (_, r) => nestedTensor({ shape: inner, data: data.subarray(r * size, (r + 1) * size) }));
}

function flatRecord(record: Record<string, Float64Array>): Record<string, number[]> {
  return Object.fromEntries(Object.entries(record).map(([name, value]) => [name, Array.from(value)]));
}

export function stackTraceToJson(trace: StackTrace): object {
  const { config, T } = trace;
  const { cell, hiddenSize: H, inputSize: I, numLayers: L } = config;
  const D = config.bidirectional ? 2 : 1, W = D * H;
  const json: Record<string, unknown> = { cell, inputSize: I, hiddenSize: H, T };
  if (cell === 'gru' && config.resetAfter === false) json.resetAfter = false;
  if (trace.tokens) json.tokens = trace.tokens;
  json.numLayers = L;
  json.bidirectional = config.bidirectional;
  json.output = toNested(trace.output, T, W);
  json.h_n = toNested(trace.hN, L * D, H);
  if (trace.cN) json.c_n = toNested(trace.cN, L * D, H);

  const loss: Record<string, unknown> = { kind: trace.loss.kind, L: trace.loss.L };
  if (trace.loss.sampleLosses.length > 1) loss.sampleLosses = Array.from(trace.loss.sampleLosses);
  if (trace.loss.displayL !== undefined) loss.displayL = trace.loss.displayL;
  if (trace.loss.perStep) loss.perStep = Array.from(trace.loss.perStep);
  if (trace.loss.logits && trace.loss.probs) {
    // at: every gives one row of C per step (T, C); otherwise one vector (C)
    const every = trace.loss.perStep !== undefined, C = every ? trace.loss.logits.length / Math.max(T, 1) : trace.loss.logits.length;
    loss.logits = every ? toNested(trace.loss.logits, T, C) : Array.from(trace.loss.logits);
    loss.probs = every ? toNested(trace.loss.probs, T, C) : Array.from(trace.loss.probs);
  }
  json.loss = loss;

  const backward: Record<string, unknown> = {
    dL_doutput: toNested(trace.backward.dL_doutput, T, W),
    dL_dx: toNested(trace.backward.dL_dx, T, I),
    dL_dh0: toNested(trace.backward.dL_dh0, L * D, H),
  };
  if (trace.backward.dL_dc0) backward.dL_dc0 = toNested(trace.backward.dL_dc0, L * D, H);
  json.backward = backward;

  json.stack = trace.stack.map(entry => {
    const forward: Record<string, number[][]> = {};
    for (const field of FORWARD_FIELDS[cell]) forward[field] = toNested(entry.forward[field], T, H);
    const back: Record<string, unknown> = {};
    for (const field of BACKWARD_STEP_FIELDS[cell]) {
      if (field === 'dL_dx') back.dL_dinput = toNested(entry.backward.perStep.dL_dinput, T, entry.inputSize);
      else back[field] = toNested(entry.backward.perStep[field], T, H);
    }
    back.dL_dh0 = Array.from(entry.backward.dL_dh0);
    if (entry.backward.dL_dc0) back.dL_dc0 = Array.from(entry.backward.dL_dc0);
    back.dL_dW = Object.fromEntries(Object.entries(entry.backward.dL_dW).map(([name, value]) => [name, toNested(value, H, value.length / H)]));
    back.dL_db = flatRecord(entry.backward.dL_db);
    if (entry.backward.dL_dp) back.dL_dp = flatRecord(entry.backward.dL_dp);
    const record: Record<string, unknown> = { layer: entry.layer, direction: entry.direction, forward, backward: back };
    const decay = entry.pathDecay;
    if (decay?.kind === 'cellPathDecay') record.cellPathDecay = { forgetProduct: toNested(decay.forgetProduct, T, H) };
    else if (decay?.kind === 'updateGatePathDecay') record.updateGatePathDecay = { zProduct: toNested(decay.zProduct, T, H) };
    return record;
  });

  if (trace.frameworkGrads) {
    json.frameworkGrads = Object.fromEntries(Object.entries(trace.frameworkGrads).map(([name, tensor]) => [name, nestedTensor(tensor)]));
  }
  if (trace.nonFinite) json.nonFinite = { ...trace.nonFinite };
  return json;
}
