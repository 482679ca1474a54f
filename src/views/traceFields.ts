// What each cell kind shows per step, and how to read numbers out of a Trace: the field lists
// (gates and states forward, gradients backward) and their equations with numbers substituted,
// both from the engine's cell table (engine/cells.ts), and compact number formatting. Shared by
// the states tree, the hover and the inline values so they all say the same thing.

import { ACTIVATIONS, activationOf, atStep, CELLS, numeric, stepValues, symbolic, type CellInfo } from '../engine/cells';
import { analyzeTrace, type TraceAnalytics } from '../engine/analytics';
import { formatNumber } from '../engine/format';
import { fieldRange } from '../engine/lazyFields';
import { parameterCount as engineParameterCount } from '../engine/spec';
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

/** What the tree shows forward for a cell: its gates, then its states, titled from the cell table. */
function forwardShown(cell: CellInfo): FieldInfo[] {
  const gates = cell.gates.map(gate => ({
    key: gate.name, label: gate.name,
    title: `${gate.role} = ${ACTIVATIONS[gate.fn].symbol}(${symbolic(cell.preactFormulas[gate.preact])})`,
  }));
  const states = cell.states.map(state => ({
    key: state.name, label: state.name,
    title: `${state.role} ${state.name} = ${state.activationOf
      ? `${ACTIVATIONS[state.activationOf.fn].symbol}(${symbolic(cell.preactFormulas[state.activationOf.preact])})`
      : symbolic(state.formula)}`,
  }));
  return [...gates, ...states];
}

export const FORWARD_FIELDS: Record<CellKind, FieldInfo[]> = Object.fromEntries(
  Object.values(CELLS).map(cell => [cell.kind, forwardShown(cell)]),
) as Record<CellKind, FieldInfo[]>;

export function backwardFields(cell: CellKind): FieldInfo[] {
  const info = CELLS[cell];
  const fields: FieldInfo[] = info.stateGradientFields.map(field => ({ ...field }));
  if (info.pathDecay) fields.push({ key: 'pathDecay', label: info.pathDecay.label, title: info.pathDecay.title });
  return fields;
}

/** Does the cell have a cell state c (and so c_0, dL/dc_0)? */
export function hasCellState(cell: CellKind): boolean {
  return CELLS[cell].hasCellState;
}

/** ∏f, ∏z: the label of the cell's path-decay figure (∏ when it has none). */
export function pathDecayLabel(cell: string | undefined): string {
  return (cell && CELLS[cell as CellKind]?.pathDecay?.label) || '∏';
}

/** The (T, H) array of a forward or backward field, if the trace has it. */
export function fieldArray(trace: Trace, key: string): Float64Array | undefined {
  if (key === 'pathDecay') {
    const decay = trace.pathDecay as Record<string, Float64Array> | undefined;
    const product = CELLS[trace.cell].pathDecay?.product;
    return decay && product ? decay[product] : undefined;
  }
  return trace.forward[key] ?? trace.backward.perStep[key];
}

/**
 * Step t's row (H) of a field, without computing a whole lazy field (a gate, the path product):
 * such a row is a copy, from the cached whole field when it is alive, else computed from its
 * stored row (lazyFields.ts); a stored field's row is a view.
 */
export function fieldRow(trace: Trace, key: string, t: number): Float64Array | undefined {
  if (t < 1 || t > trace.T) return undefined;
  const H = trace.hiddenSize;
  const from = (t - 1) * H, to = t * H;
  if (key === 'pathDecay') {
    const product = CELLS[trace.cell].pathDecay?.product;
    return product ? fieldRange(trace.pathDecay, product, from, to) : undefined;
  }
  return fieldRange(trace.forward, key, from, to) ?? fieldRange(trace.backward.perStep, key, from, to);
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

/**
 * The equation of unit j of a field at step t with the numbers substituted, as the seeds write it:
 * `f_1[0] = σ(0.2000) = 0.5498`, from the cell table's templates. The initial state (c_0, h_0) is
 * the trace's own (trace.source), never a newer spec's. Falls back to `name = value` when no
 * short equation applies.
 */
export function unitEquation(trace: Trace, key: string, t: number, j: number, p: number): string {
  const n = (v: number) => formatNumber(v, p);
  const cell = CELLS[trace.cell];
  const v = stepValues(trace, t, j);
  const name = `${labelOf(key)}_${t}[${j}]`;
  const valueRow = fieldRow(trace, key, t);
  if (!valueRow) return `${name}: not available`;
  const value = valueRow[j];
  if (key === 'pathDecay') {
    const gate = cell.pathDecay?.gate ?? '';
    if (t === trace.T) return `∏${gate}_${t}[${j}] = 1 (nothing after t=T)`;
    return `∏${gate}_${t}[${j}] = ${gate}_${t + 1}·…·${gate}_${trace.T} = ${n(value)}`;
  }
  const activation = activationOf(cell, key);
  if (activation) {
    const a = v(activation.preact);
    return Number.isNaN(a) ? `${name} = ${n(value)}` : `${name} = ${ACTIVATIONS[activation.fn].symbol}(${n(a)}) = ${n(value)}`;
  }
  const state = cell.states.find(s => s.name === key);
  if (state) return `${name} = ${atStep(symbolic(state.formula), t)} = ${numeric(state.formula, v, n)} = ${n(value)}`;
  const backward = cell.backwardEquations(v, t, trace.T, n).find(equation => equation.field === key);
  if (backward) return `${name} = ${backward.rhs}`;
  return `${name} = ${n(value)}`;
}

export function labelOf(key: string): string {
  if (key === 'pathDecay') return '∏';
  return key.startsWith('dL_d') ? `dL/d${key.slice('dL_d'.length)}` : key;
}

/** The parameter count (the engine's, which validation uses too) and its formula, 4H(H+I)+4H for lstm. */
export function parameterCount(cell: CellKind, H: number, I: number): { count: number; formula: string } {
  return { count: engineParameterCount(cell, H, I), formula: CELLS[cell].parameterFormula };
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

/** Reports already computed, per trace: the worker computes a large trace's (off this thread) and hands it over. */
const saturationReports = new WeakMap<Trace, SaturationReport>();

/** Records the report of `trace` computed elsewhere (the trace worker), so gateSaturation does not scan it again. */
export function rememberGateSaturation(trace: Trace, report: SaturationReport): void {
  saturationReports.set(trace, report);
}

/**
 * Gate values within 0.01 of their limits (σ near 0 or 1, tanh near ±1): their gradients vanish.
 * Read from the pre-activations, so the lazy gate fields of a large trace are not computed.
 */
export function gateSaturation(trace: Trace): SaturationReport {
  const known = saturationReports.get(trace);
  if (known) return known;
  const report = scanGateSaturation(trace);
  saturationReports.set(trace, report);
  return report;
}

/** The engine's analytics of a trace, computed once per trace: the States view's Model node and the panel's Analytics section both read them. */
const analyticsByTrace = new WeakMap<Trace, TraceAnalytics>();

export function traceAnalytics(trace: Trace): TraceAnalytics {
  let analytics = analyticsByTrace.get(trace);
  if (!analytics) analyticsByTrace.set(trace, analytics = analyzeTrace(trace));
  return analytics;
}

function scanGateSaturation(trace: Trace): SaturationReport {
  // every activation of a pre-activation: the gates, and states such as the rnn's h = tanh(a)
  const cell = CELLS[trace.cell];
  const gates = [...cell.gates, ...cell.states.flatMap(state => (state.activationOf ? [{ name: state.name, ...state.activationOf }] : []))]
    .map(gate => ({ key: gate.name, preact: gate.preact, tanhLike: gate.fn === 'tanh' }));
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
