// The trace as the JSON of docs/trace-format.md (the CLI's --json output and the export
// command): flat (T, H) storage becomes nested [T][H] arrays, weight gradients nested
// [rows][cols] under their textbook names. Numbers stay full float64 (JSON.stringify prints the
// shortest round-tripping form). One addition to the documented shape: JSON cannot hold NaN or
// ±Inf (JSON.stringify prints them as null), so when the trace has one, a top-level `nonFinite`
// key ({phase, t, field}: where the first one appeared) says so; a finite trace has no such key
// and is exactly the documented shape. The inputs the trace was computed from (trace.source)
// are not part of it. The additions of docs/trace-format.md ("Stacks and losses"): loss.perStep,
// loss.logits/probs, loss.sampleLosses and frameworkGrads when the trace has them, and for a
// stack (trace.stack) the stack form: numLayers, bidirectional, output, h_n, c_n, the stack-wide
// backward (dL_doutput, dL_dx, dL_dh0, dL_dc0) and one "stack" record per (layer, direction).

import { CELLS } from './cells';
import { BACKWARD_STEP_FIELDS, FORWARD_FIELDS } from './trace';
import type { Trace } from './types';

/** Rows of a flat row-major array: (rows, cols) -> number[rows][cols]. */
export function toNested(
  flat: Float64Array, // (rows, cols)
  rows: number, cols: number,
): number[][] {
  const out: number[][] = new Array(rows);
  for (let r = 0; r < rows; r++) out[r] = Array.from(flat.subarray(r * cols, (r + 1) * cols));
  return out;
}

/** A tensor of any rank as nested arrays (rank 1: a flat number[]). */
function nestedTensor(shape: number[], data: Float64Array): unknown {
  if (shape.length <= 1) return Array.from(data);
  if (shape.length === 2) return toNested(data, shape[0], shape[1]);
  const inner = shape.slice(1), size = inner.reduce((a, b) => a * b, 1);
  return Array.from({ length: shape[0] }, (_, r) => nestedTensor(inner, data.subarray(r * size, (r + 1) * size)));
}

/** loss: kind and L, then the additions the trace has (per-step losses, logits/probs, each sample's loss). */
function lossJson(trace: Trace): Record<string, unknown> {
  const { loss, T } = trace;
  const json: Record<string, unknown> = { kind: loss.kind, L: loss.L };
  if (loss.perStep) json.perStep = Array.from(loss.perStep);
  if (loss.logits && loss.probs) {
    // at: every gives one row of C per step (T, C); otherwise one vector (C)
    const every = loss.perStep !== undefined, C = every ? loss.logits.length / Math.max(T, 1) : loss.logits.length;
    json.logits = every ? toNested(loss.logits, T, C) : Array.from(loss.logits);
    json.probs = every ? toNested(loss.probs, T, C) : Array.from(loss.probs);
  }
  if (loss.sampleLosses) json.sampleLosses = Array.from(loss.sampleLosses);
  if (loss.displayL !== undefined) json.displayL = loss.displayL;
  return json;
}

/** The section-3 forward and backward records of a single-layer trace (or one stack entry's view). */
function layerJson(trace: Trace, inputKey: 'dL_dx' | 'dL_dinput'): { forward: Record<string, number[][]>; backward: Record<string, unknown> } {
  const { T, hiddenSize: H, inputSize: I, cell } = trace;
  const forward: Record<string, number[][]> = {};
  for (const field of FORWARD_FIELDS[cell]) forward[field] = toNested(trace.forward[field], T, H);

  const backward: Record<string, unknown> = {};
  const perStep = trace.backward.perStep;
  for (const field of BACKWARD_STEP_FIELDS[cell]) {
    if (field === 'dL_dx') backward[inputKey] = toNested(perStep.dL_dx, T, I);
    else backward[field] = toNested(perStep[field], T, H);
  }
  backward.dL_dh0 = Array.from(trace.backward.dL_dh0);
  if (trace.backward.dL_dc0 && CELLS[cell].hasCellState) backward.dL_dc0 = Array.from(trace.backward.dL_dc0);
  const dL_dW: Record<string, number[][]> = {};
  for (const [name, value] of Object.entries(trace.backward.dL_dW)) dL_dW[name] = toNested(value, H, value.length / H);
  backward.dL_dW = dL_dW;
  const dL_db: Record<string, number[]> = {};
  for (const [name, value] of Object.entries(trace.backward.dL_db)) dL_db[name] = Array.from(value);
  backward.dL_db = dL_db;
  if (trace.backward.dL_dp) {
    const dL_dp: Record<string, number[]> = {};
    for (const [name, value] of Object.entries(trace.backward.dL_dp)) dL_dp[name] = Array.from(value);
    backward.dL_dp = dL_dp;
  }
  return { forward, backward };
}

/** The path-decay record under its documented key (cellPathDecay / updateGatePathDecay), if any. */
function pathDecayJson(trace: Trace): [string, object] | undefined {
  const decay = CELLS[trace.cell].pathDecay;
  if (!decay || trace.pathDecay?.kind !== decay.kind) return undefined;
  const product = (trace.pathDecay as unknown as Record<string, Float64Array>)[decay.product]; // (T, H)
  return [decay.kind, { [decay.product]: toNested(product, trace.T, trace.hiddenSize) }];
}

function frameworkJson(trace: Trace): Record<string, unknown> | undefined {
  if (!trace.frameworkGrads) return undefined;
  return Object.fromEntries(Object.entries(trace.frameworkGrads).map(([name, t]) => [name, nestedTensor(t.shape, t.data)]));
}

/** The stack form (docs/trace-format.md, "Stacks"). */
function stackJson(trace: Trace, stack: NonNullable<Trace['stack']>): object {
  const { T, hiddenSize: H, inputSize: I, cell } = trace;
  const D = stack.bidirectional ? 2 : 1, L = stack.numLayers, W = D * H;
  const json: Record<string, unknown> = { cell, inputSize: I, hiddenSize: H, T };
  if (stack.resetAfter === false) json.resetAfter = false;
  if (trace.tokens) json.tokens = trace.tokens;
  json.numLayers = L;
  json.bidirectional = stack.bidirectional;
  json.output = toNested(stack.output, T, W);
  json.h_n = toNested(stack.hN, L * D, H);
  if (stack.cN) json.c_n = toNested(stack.cN, L * D, H);
  json.loss = lossJson(trace);
  const backward: Record<string, unknown> = {
    dL_doutput: toNested(stack.dL_doutput, T, W),
    dL_dx: toNested(stack.dL_dx, T, I),
    dL_dh0: toNested(stack.dL_dh0, L * D, H),
  };
  if (stack.dL_dc0) backward.dL_dc0 = toNested(stack.dL_dc0, L * D, H);
  json.backward = backward;
  json.stack = stack.layers.map(entry => {
    const { forward, backward: back } = layerJson(entry.trace, 'dL_dinput');
    const record: Record<string, unknown> = { layer: entry.layer, direction: entry.direction, forward, backward: back };
    const decay = pathDecayJson(entry.trace);
    if (decay) record[decay[0]] = decay[1];
    return record;
  });
  const framework = frameworkJson(trace);
  if (framework) json.frameworkGrads = framework;
  if (stack.nonFinite) json.nonFinite = { ...stack.nonFinite };
  return json;
}

export function traceToJson(trace: Trace): object {
  if (trace.stack) return stackJson(trace, trace.stack);
  const { T, hiddenSize: H, inputSize: I, cell } = trace;
  const { forward, backward } = layerJson(trace, 'dL_dx');
  const json: Record<string, unknown> = { cell, inputSize: I, hiddenSize: H, T };
  if (trace.tokens) json.tokens = trace.tokens;
  json.forward = forward;
  json.loss = lossJson(trace);
  json.backward = backward;
  const decay = pathDecayJson(trace);
  if (decay) json[decay[0]] = decay[1];
  json.vanillaRNN = {
    h: toNested(trace.vanillaRNN.h, T, H),
    dL_dh: toNested(trace.vanillaRNN.dL_dh, T, H),
    dL_dh_norm: Array.from(trace.vanillaRNN.dL_dh_norm),
  };
  const framework = frameworkJson(trace);
  if (framework) json.frameworkGrads = framework;
  if (trace.nonFinite) json.nonFinite = { ...trace.nonFinite };
  return json;
}
