// What each cell kind shows per step, and how to read numbers out of a Trace: the field lists
// (gates and states forward, gradients backward), their equations with numbers substituted, the
// parameter roles of a weight entry, and compact number formatting. Shared by the states tree,
// the hover and the inline values so they all say the same thing.

import { formatNumber } from '../engine/format';
import { parameterCount as engineParameterCount } from '../engine/specParse';
import type { CellKind, Spec, Trace } from '../engine/types';
import type { Cursor } from '../runtime/cursor';

export interface FieldInfo {
  /** key in trace.forward / trace.backward.perStep, or 'pathDecay' */
  key: string;
  /** what the tree shows: f, dL/dh, ∏f */
  label: string;
  /** one line on what it is */
  title: string;
}

export const FORWARD_FIELDS: Record<CellKind, FieldInfo[]> = {
  lstm: [
    { key: 'f', label: 'f', title: 'forget gate σ(W_f z + b_f)' },
    { key: 'i', label: 'i', title: 'input gate σ(W_i z + b_i)' },
    { key: 'g', label: 'g', title: 'candidate c̃ = tanh(W_c z + b_c)' },
    { key: 'o', label: 'o', title: 'output gate σ(W_o z + b_o)' },
    { key: 'c', label: 'c', title: 'cell state f·c_{t-1} + i·g' },
    { key: 'h', label: 'h', title: 'hidden state o·tanh(c)' },
  ],
  lstm_peephole: [
    { key: 'f', label: 'f', title: 'forget gate σ(W_f z + p_f·c_{t-1} + b_f)' },
    { key: 'i', label: 'i', title: 'input gate σ(W_i z + p_i·c_{t-1} + b_i)' },
    { key: 'g', label: 'g', title: 'candidate c̃ = tanh(W_c z + b_c)' },
    { key: 'o', label: 'o', title: 'output gate σ(W_o z + p_o·c_t + b_o)' },
    { key: 'c', label: 'c', title: 'cell state f·c_{t-1} + i·g' },
    { key: 'h', label: 'h', title: 'hidden state o·tanh(c)' },
  ],
  gru: [
    { key: 'r', label: 'r', title: 'reset gate σ(W_ir x + b_ir + W_hr h + b_hr)' },
    { key: 'z', label: 'z', title: 'update gate σ(W_iz x + b_iz + W_hz h + b_hz)' },
    { key: 'n', label: 'n', title: 'candidate tanh(W_in x + b_in + r·(W_hn h + b_hn))' },
    { key: 'h', label: 'h', title: 'hidden state (1−z)·n + z·h_{t-1}' },
  ],
  rnn: [
    { key: 'h', label: 'h', title: 'hidden state tanh(W [h_{t-1}, x] + b)' },
  ],
};

export function backwardFields(cell: CellKind): FieldInfo[] {
  const fields: FieldInfo[] = [{ key: 'dL_dh', label: 'dL/dh', title: 'total gradient of the loss w.r.t. h_t, through all later steps' }];
  if (cell === 'lstm' || cell === 'lstm_peephole') {
    fields.push({ key: 'dL_dc', label: 'dL/dc', title: 'total gradient of the loss w.r.t. c_t (true BPTT)' });
    fields.push({ key: 'pathDecay', label: '∏f', title: 'cell path alone: f_{t+1}·…·f_T (the gradient highway; not the total gradient)' });
  } else if (cell === 'gru') {
    fields.push({ key: 'pathDecay', label: '∏z', title: 'update-gate path alone: z_{t+1}·…·z_T' });
  }
  return fields;
}

/** The (T, H) array of a forward or backward field, if the trace has it. */
export function fieldArray(trace: Trace, key: string): Float64Array | undefined {
  if (key === 'pathDecay') {
    const decay = trace.pathDecay;
    if (!decay) return undefined;
    return decay.kind === 'cellPathDecay' ? decay.forgetProduct : decay.zProduct;
  }
  return trace.forward[key] ?? trace.backward.perStep[key];
}

/** Step t's row (H) of a field. */
export function fieldRow(trace: Trace, key: string, t: number): Float64Array | undefined {
  const values = fieldArray(trace, key);
  if (!values || t < 1 || t > trace.T) return undefined;
  const H = trace.hiddenSize;
  return values.subarray((t - 1) * H, t * H);
}

/** Has the cursor computed step t's forward values? (all steps, once in the backward phase) */
export function forwardReached(cursor: Cursor, t: number): boolean {
  return cursor.phase === 'backward' || t <= cursor.t;
}

/** Have the gradients flowed back to step t? */
export function backwardReached(cursor: Cursor, t: number): boolean {
  return cursor.phase === 'backward' && t >= cursor.t;
}

export const DEFAULT_PRECISION = 4;
export const MAX_PRECISION = 12;

/**
 * `lstmStepper.precision`, clamped to 0..12 (toFixed throws outside 0..100, and the schema's
 * limits are not enforced on hand-edited settings). Pass `vscode.workspace.getConfiguration('lstmStepper')`.
 */
export function readPrecision(configuration: { get<T>(section: string, defaultValue: T): T }): number {
  const value = configuration.get<unknown>('precision', DEFAULT_PRECISION);
  return typeof value === 'number' && Number.isFinite(value) ? Math.max(0, Math.min(MAX_PRECISION, Math.round(value))) : DEFAULT_PRECISION;
}

export { formatNumber };

/** `[0.5498, 0.5498]`, or the first `max` entries and the count for wide vectors. */
export function formatVector(values: ArrayLike<number>, precision: number, max = 6): string {
  const shown: string[] = [];
  for (let j = 0; j < Math.min(values.length, max); j++) shown.push(formatNumber(values[j], precision));
  return values.length > max ? `[${shown.join(', ')}, … ${values.length} units]` : `[${shown.join(', ')}]`;
}

const sigma = 'σ';

/**
 * The equation of unit j of a field at step t with the numbers substituted, as the seeds write it:
 * `f_1[0] = σ(0.2000) = 0.5498`. Falls back to `name = value` when no short equation applies.
 */
export function unitEquation(trace: Trace, spec: Spec | undefined, key: string, t: number, j: number, p: number): string {
  const n = (v: number) => formatNumber(v, p);
  const at = (field: string, step: number): number | undefined => {
    if (step === 0) {
      if (!spec) return undefined;
      if (field === 'h') return spec.h0[j];
      if (field === 'c') return spec.c0[j];
      return undefined;
    }
    const row = fieldRow(trace, field, step);
    return row ? row[j] : undefined;
  };
  const value = at(key, t);
  const name = `${labelOf(key)}_${t}[${j}]`;
  if (value === undefined) return `${name}: not available`;
  const cell = trace.cell;
  const lstmLike = cell === 'lstm' || cell === 'lstm_peephole';
  const pre = (field: string) => at(field, t);
  switch (key) {
    case 'f': case 'i': case 'o': case 'r': case 'z': {
      const a = pre(`a_${key}`);
      return a === undefined ? `${name} = ${n(value)}` : `${name} = ${sigma}(${n(a)}) = ${n(value)}`;
    }
    case 'g': case 'n': {
      const a = pre(`a_${key}`);
      return a === undefined ? `${name} = ${n(value)}` : `${name} = tanh(${n(a)}) = ${n(value)}`;
    }
    case 'c': {
      const f = pre('f'), i = pre('i'), g = pre('g'), cPrev = at('c', t - 1);
      if (f === undefined || i === undefined || g === undefined || cPrev === undefined) return `${name} = ${n(value)}`;
      return `${name} = f·c_${t - 1} + i·g = ${n(f)}·${n(cPrev)} + ${n(i)}·${n(g)} = ${n(value)}`;
    }
    case 'h': {
      if (lstmLike) {
        const o = pre('o'), c = pre('c');
        if (o === undefined || c === undefined) break;
        return `${name} = o·tanh(c) = ${n(o)}·tanh(${n(c)}) = ${n(value)}`;
      }
      if (cell === 'gru') {
        const z = pre('z'), cand = pre('n'), hPrev = at('h', t - 1);
        if (z === undefined || cand === undefined || hPrev === undefined) break;
        return `${name} = (1−z)·n + z·h_${t - 1} = (1−${n(z)})·${n(cand)} + ${n(z)}·${n(hPrev)} = ${n(value)}`;
      }
      const a = pre('a');
      if (a === undefined) break;
      return `${name} = tanh(${n(a)}) = ${n(value)}`;
    }
    case 'dL_dc': {
      if (cell !== 'lstm') break; // peepholes add more paths; the plain value is shown
      const dh = pre('dL_dh'), o = pre('o'), c = pre('c');
      if (dh === undefined || o === undefined || c === undefined) break;
      const local = `${n(dh)}·${n(o)}·(1−tanh²(${n(c)}))`;
      if (t === trace.T) return `${name} = dL/dh·o·(1−tanh²c) = ${local} = ${n(value)}`;
      const dcNext = at('dL_dc', t + 1), fNext = at('f', t + 1);
      if (dcNext === undefined || fNext === undefined) break;
      return `${name} = dL/dh·o·(1−tanh²c) + dL/dc_${t + 1}·f_${t + 1} = ${local} + ${n(dcNext)}·${n(fNext)} = ${n(value)}`;
    }
    case 'pathDecay': {
      const gate = cell === 'gru' ? 'z' : 'f';
      if (t === trace.T) return `∏${gate}_${t}[${j}] = 1 (nothing after t=T)`;
      return `∏${gate}_${t}[${j}] = ${gate}_${t + 1}·…·${gate}_${trace.T} = ${n(value)}`;
    }
    default:
      break;
  }
  return `${name} = ${n(value)}`;
}

export function labelOf(key: string): string {
  if (key === 'dL_dh') return 'dL/dh';
  if (key === 'dL_dc') return 'dL/dc';
  if (key === 'pathDecay') return '∏';
  return key;
}

/** The parameter count (the engine's, which validation uses too) and its formula, 4H(H+I)+4H for lstm. */
export function parameterCount(cell: CellKind, H: number, I: number): { count: number; formula: string } {
  const formula = { lstm: '4H(H+I)+4H', lstm_peephole: '4H(H+I)+4H+3H', gru: '3H(H+I)+6H', rnn: 'H(H+I)+H' }[cell];
  return { count: engineParameterCount(cell, H, I), formula };
}

export interface SaturationReport {
  saturated: number;
  total: number;
  first?: { t: number; key: string; j: number; value: number };
}

/** σ(a) > 0.99 ⇔ a > ln 99; σ(a) < 0.01 ⇔ a < −ln 99. */
const SIGMOID_SATURATED = Math.log(99);
/** |tanh(a)| > 0.99 ⇔ |a| > atanh 0.99. */
const TANH_SATURATED = Math.atanh(0.99);

/**
 * Gate values within 0.01 of their limits (σ near 0 or 1, tanh near ±1): their gradients vanish.
 * Read from the pre-activations, so the lazy gate fields of a large trace are not computed.
 */
export function gateSaturation(trace: Trace): SaturationReport {
  const gates: { key: string; preact: string; tanhLike: boolean }[] = trace.cell === 'gru'
    ? [{ key: 'r', preact: 'a_r', tanhLike: false }, { key: 'z', preact: 'a_z', tanhLike: false }, { key: 'n', preact: 'a_n', tanhLike: true }]
    : trace.cell === 'rnn' ? [{ key: 'h', preact: 'a', tanhLike: true }]
      : [{ key: 'f', preact: 'a_f', tanhLike: false }, { key: 'i', preact: 'a_i', tanhLike: false }, { key: 'g', preact: 'a_g', tanhLike: true }, { key: 'o', preact: 'a_o', tanhLike: false }];
  const H = trace.hiddenSize;
  let saturated = 0, total = 0;
  let first: SaturationReport['first'];
  for (const { key, preact, tanhLike } of gates) {
    const values = trace.forward[preact]; // (T, H) pre-activations
    if (!values) continue;
    total += values.length;
    for (let index = 0; index < values.length; index++) {
      const a = values[index];
      const isSaturated = tanhLike ? Math.abs(a) > TANH_SATURATED : a > SIGMOID_SATURATED || a < -SIGMOID_SATURATED;
      if (!isSaturated) continue;
      saturated++;
      const t = Math.floor(index / H) + 1;
      if (!first || t < first.t) first = { t, key, j: index % H, value: tanhLike ? Math.tanh(a) : 1 / (1 + Math.exp(-a)) };
    }
  }
  return { saturated, total, first };
}

/** True when the trace was computed from a spec of the same shape (an edit may be pending). */
export function traceMatchesSpec(trace: Trace, spec: Spec): boolean {
  return trace.cell === spec.cell && trace.hiddenSize === spec.hiddenSize && trace.inputSize === spec.inputSize && trace.T === spec.T;
}

export function tokenOf(trace: Trace, t: number): string | undefined {
  return trace.tokens?.[t - 1];
}

/** `t=1 "This"` */
export function stepLabel(trace: Trace, t: number): string {
  const token = tokenOf(trace, t);
  return token === undefined ? `t=${t}` : `t=${t} ${JSON.stringify(token)}`;
}
