// The trace as the JSON of docs/trace-format.md (the CLI's --json output and the export
// command): flat (T, H) storage becomes nested [T][H] arrays, weight gradients nested
// [rows][cols] under their textbook names. Numbers stay full float64 (JSON.stringify prints the
// shortest round-tripping form). One addition to the documented shape: JSON cannot hold NaN or
// ±Inf (JSON.stringify prints them as null), so when the trace has one, a top-level `nonFinite`
// key ({phase, t, field}: where the first one appeared) says so; a finite trace has no such key
// and is exactly the documented shape. The inputs the trace was computed from (trace.source)
// are not part of it.

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

export function traceToJson(trace: Trace): object {
  const { T, hiddenSize: H, inputSize: I, cell } = trace;
  const forward: Record<string, number[][]> = {};
  for (const field of FORWARD_FIELDS[cell]) forward[field] = toNested(trace.forward[field], T, H);

  const backward: Record<string, unknown> = {};
  const perStep = trace.backward.perStep;
  for (const field of BACKWARD_STEP_FIELDS[cell]) {
    backward[field] = toNested(perStep[field], T, field === 'dL_dx' ? I : H);
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

  const json: Record<string, unknown> = { cell, inputSize: I, hiddenSize: H, T };
  if (trace.tokens) json.tokens = trace.tokens;
  json.forward = forward;
  json.loss = { kind: trace.loss.kind, L: trace.loss.L };
  json.backward = backward;
  const decay = CELLS[cell].pathDecay;
  if (decay && trace.pathDecay?.kind === decay.kind) {
    const product = (trace.pathDecay as unknown as Record<string, Float64Array>)[decay.product]; // (T, H)
    json[decay.kind] = { [decay.product]: toNested(product, T, H) };
  }
  json.vanillaRNN = {
    h: toNested(trace.vanillaRNN.h, T, H),
    dL_dh: toNested(trace.vanillaRNN.dL_dh, T, H),
    dL_dh_norm: Array.from(trace.vanillaRNN.dL_dh_norm),
  };
  if (trace.nonFinite) json.nonFinite = { ...trace.nonFinite };
  return json;
}
