// Builds the chart panel's payloads from a Trace: the full Snapshot (decimated series for the
// selected units, a units × time heatmap grid, the backward decay aggregates) and the small
// StepDetail for the cursor's step (equations with numbers substituted, the conveyor belt).
// Pure (engine, protocol and the pure cursor helpers only, no vscode), so it runs on the host
// and is unit tested on plain node. Sizes are bounded by the view, not by T × H: at most
// MAX_LINE_UNITS units, MAX_SERIES_POINTS points per line (min/max decimation keeps every
// spike), MAX_HEATMAP_ROWS × MAX_HEATMAP_COLS cells.

import { ACTIVATIONS, activationOf, atStep, CELLS, numeric, stepValues, symbolic } from '../engine/cells';
import type { CellKind, Trace } from '../engine/types';
import {
  BeltEntry, ChartData, CursorState, EquationOperand, Heatmap, LineSeries, MAX_HEATMAP_COLS, MAX_HEATMAP_ROWS, MAX_SERIES_POINTS,
  Series, Snapshot, StepDetail, ViewOptions, WhatIfTarget, normalizeView,
} from '../protocol/messages';
import { formatNumber } from '../engine/format';
import { fieldValue } from '../engine/lazyFields';
import { rowMeans, rowNorms } from '../engine/kernels';
import { describeCursor } from '../runtime/cursor';

/**
 * An initial state, as callers used to pass it from the spec. Ignored: the builders read the
 * initial state the trace was computed from (trace.source), so a newer spec never mixes in.
 * Kept so existing callers compile.
 */
export interface InitialState {
  // h0: (H)
  h0: ArrayLike<number>;
  // c0: (H)
  c0: ArrayLike<number>;
}

export interface SnapshotSource {
  trace: Trace;
  cursor: CursorState;
  view?: Partial<ViewOptions>;
  specName?: string;
  fileName: string;
  /** ignored, see InitialState */
  initial?: InitialState;
  maxPoints?: number;
  /** the parameters (full-number equations) and the debugger's current equation */
  equations?: EquationExtras;
}

/**
 * What the equations may show beyond the trace: the parameters the trace was computed with (then
 * each pre-activation prints its terms, `0.5·0 + 0.5·0.5 + … + 0 = 0.2000`), and the equation a
 * debug session stopped at inside the step (highlighted; a micro-step name of the cell table).
 */
export interface EquationExtras {
  params?: Readonly<Record<string, Float64Array>>;
  equation?: string;
}

/** Matrix rows longer than this print their first terms and the count of the rest. */
const MAX_TERMS = 8;
const FIRST_TERMS = 3;

/** A number inside a sum of terms: short (0.5, not 0.5000), negatives with a Unicode minus in parentheses. */
function term(value: number): string {
  const short = Math.abs(value) >= 1e-4 || value === 0 ? String(Number(value.toFixed(4))) : formatNumber(value, 4);
  return value < 0 ? `(${short.replace('-', '−')})` : short;
}

/** A printed number of an expanded pre-activation that a what-if change can edit; `start` is relative to the expansion. */
export interface OperandSpan {
  start: number;
  length: number;
  target: WhatIfTarget;
  value: number;
  label: string;
}

/**
 * A pre-activation's template (`W_f·z + p_f·c_{t-1} + b_f`, the GRU's `W_ir·x + b_ir + W_hr·h +
 * b_hr`) with every product written out for unit u at step t; undefined when a term is unknown.
 * `spans` (when given) receives where each printed weight, bias, peephole and input x_t entry is.
 */
function expandPreact(trace: Trace, template: string, params: Readonly<Record<string, Float64Array>>, t: number, u: number, spans?: OperandSpan[]): string | undefined {
  const { hiddenSize: H, inputSize: I } = trace;
  const v = stepValues(trace, t, u);
  const hPrev = (j: number) => (t === 1 ? trace.source.h0[j] : trace.forward.h[(t - 2) * H + j]);
  const x = (j: number) => trace.source.inputs[(t - 1) * I + j];
  // which input entry a vector's entry j is (undefined: an entry of h_{t-1}, not editable here)
  const vectors: Record<string, { length: number; at: (j: number) => number; input: (j: number) => number | undefined }> = {
    z: { length: H + I, at: j => (j < H ? hPrev(j) : x(j - H)), input: j => (j < H ? undefined : j - H) },
    x: { length: I, at: x, input: j => j },
    h: { length: H, at: hPrev, input: () => undefined },
    'h_{t-1}': { length: H, at: hPrev, input: () => undefined },
  };
  let text = '';
  const found: OperandSpan[] = [];
  const write = (printed: string, operand?: Omit<OperandSpan, 'start' | 'length'>): void => {
    if (operand) found.push({ ...operand, start: text.length, length: printed.length });
    text += printed;
  };
  const param = (name: string, row: number, col: number, value: number, label: string) => ({ target: { kind: 'param' as const, name, row, col }, value, label });
  const input = (col: number) => ({ target: { kind: 'input' as const, t, col }, value: x(col), label: `x_${t}[${col}]` });
  const pieces = template.split(' + ');
  for (let k = 0; k < pieces.length; k++) {
    if (k > 0) write(' + ');
    const [left, right] = pieces[k].split('·');
    const values = params[left];
    if (right === undefined) {
      if (!values) return undefined;
      write(term(values[u]), param(left, u, 0, values[u], `${left}[${u}]`));
      continue;
    }
    const vector = vectors[right];
    if (values && vector && values.length === H * vector.length) {
      // a matrix row times a vector: W[u][j]·z[j]
      const row = values.subarray(u * vector.length, (u + 1) * vector.length);
      const shown = vector.length > MAX_TERMS ? FIRST_TERMS : vector.length;
      for (let j = 0; j < shown; j++) {
        if (j > 0) write(' + ');
        write(term(row[j]), param(left, u, j, row[j], `${left}[${u}][${j}]`));
        write('·');
        const col = vector.input(j);
        write(term(vector.at(j)), col === undefined ? undefined : input(col));
      }
      if (shown < vector.length) write(` + … (${vector.length - shown} more terms)`);
      continue;
    }
    // a diagonal peephole or a gate times a field: p_f·c_{t-1}, r·hn
    const a = values ? values[u] : v(left);
    const b = right === 'c_{t-1}' ? v('c', -1) : right === 'c_t' ? v('c') : v(right);
    if (!Number.isFinite(a) || !Number.isFinite(b)) return undefined;
    write(term(a), values ? param(left, u, 0, a, `${left}[${u}]`) : undefined);
    write(`·${term(b)}`);
  }
  spans?.push(...found);
  return text;
}

/** The line of `lines` that computes `equation` (a micro-step name: a_f, f, c, dL_dc, …), or undefined. */
export function equationLine(lines: readonly string[], equation: string | undefined, phase: 'forward' | 'backward'): number | undefined {
  if (!equation) return undefined;
  // the step's first line: its inputs (forward), dL/dh_t arriving (backward)
  if (phase === 'forward' && equation === 'z') return 0;
  if (phase === 'backward' && equation === 'dL_dh') return 0;
  const label = equation.startsWith('dL_d') ? `dL/d${equation.slice(4)}` : equation;
  // a line's left side: `a_f`, `c_3` (the step's number dropped), `dL/dc_3`
  const index = lines.findIndex(line => { const head = line.split(' ')[0]; return head === label || head.replace(/_\d+$/, '') === label; });
  if (index >= 0) return index;
  // an activation shares its pre-activation's line: `a_f = … → f = σ(…)`
  const fed = lines.findIndex(line => line.includes(`→ ${label} = `));
  return fed >= 0 ? fed : undefined;
}

/** Gate fields per cell (the cell table's) and their value ranges: sigmoid gates 0..1 first, then tanh candidates −1..1. */
export function gateFields(cell: CellKind): { field: string; min: number; max: number }[] {
  const gates = CELLS[cell].gates.map(gate => ({ field: gate.name, min: ACTIVATIONS[gate.fn].min, max: ACTIVATIONS[gate.fn].max }));
  return [...gates.filter(g => g.min >= 0), ...gates.filter(g => g.min < 0)];
}

/** Forward fields the heatmap can show: gates and states; a cell without gates adds its pre-activations. */
export function heatmapFields(cell: CellKind): string[] {
  const info = CELLS[cell];
  const shown = [...info.gates.map(g => g.name), ...info.states.map(s => s.name)];
  return info.gates.length > 0 ? shown : [...shown, ...info.preactSlots];
}

/**
 * Min/max decimation of column `col` of a (T, width) field (width 1 for a plain (T) array):
 * every step when T ≤ maxPoints, else per bucket the minimum and the maximum in time order, plus
 * the first and last step. Every returned point is an exact (t, value) of the field, so spikes
 * and the global extremes survive. Non-finite values (and ≤ 0 when `positiveOnly`, for log axes) become null.
 */
// field: (T, width) row-major, or (T) when width = 1
export function decimateColumn(field: ArrayLike<number>, width: number, col: number, T: number, maxPoints = MAX_SERIES_POINTS, positiveOnly = false): Series {
  const usable = (v: number): boolean => Number.isFinite(v) && (!positiveOnly || v > 0);
  const t: number[] = [];
  const v: (number | null)[] = [];
  const push = (k: number): void => {
    const value = field[k * width + col];
    t.push(k + 1);
    v.push(usable(value) ? value : null);
  };
  if (T <= maxPoints) {
    for (let k = 0; k < T; k++) push(k);
    return { t, v };
  }
  const buckets = Math.max(1, Math.floor((maxPoints - 2) / 2));
  push(0);
  for (let b = 0; b < buckets; b++) {
    const start = Math.max(1, Math.floor((b * T) / buckets));
    const end = Math.min(T - 1, Math.floor(((b + 1) * T) / buckets));
    let minK = -1;
    let maxK = -1;
    let badK = -1;
    for (let k = start; k < end; k++) {
      const value = field[k * width + col];
      if (!usable(value)) { if (badK < 0) badK = k; continue; }
      if (minK < 0 || value < field[minK * width + col]) minK = k;
      if (maxK < 0 || value > field[maxK * width + col]) maxK = k;
    }
    const picks = [minK, maxK, badK].filter((k, i, all) => k >= 0 && all.indexOf(k) === i).sort((a, b2) => a - b2);
    for (const k of picks) push(k);
  }
  push(T - 1);
  return { t, v };
}

/** Bucket means of a (T, H) field on a rows × cols grid (rows: unit buckets, cols: step buckets). */
// field: (T, H) row-major, row k = step k + 1
export function buildHeatmap(fieldName: string, field: ArrayLike<number>, T: number, H: number, maxRows = MAX_HEATMAP_ROWS, maxCols = MAX_HEATMAP_COLS): Heatmap {
  const rows = Math.min(H, maxRows);
  const cols = Math.min(T, maxCols);
  const rowStart = Array.from({ length: rows + 1 }, (_, r) => Math.floor((r * H) / rows));
  // colStart holds 1-based steps
  const colStart = Array.from({ length: cols + 1 }, (_, c) => Math.floor((c * T) / cols) + 1);
  const values: (number | null)[] = new Array(rows * cols);
  let min = Infinity;
  let max = -Infinity;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      let sum = 0;
      let n = 0;
      for (let k = colStart[c] - 1; k < colStart[c + 1] - 1; k++) {
        for (let u = rowStart[r]; u < rowStart[r + 1]; u++) {
          const value = field[k * H + u];
          if (Number.isFinite(value)) { sum += value; n++; }
        }
      }
      // 5 significant digits (not decimals: a field of 1e-6 keeps its shape) keep the message
      // small; min and max are those of the values sent, the ones the webview scales and draws
      const mean = n > 0 ? Number((sum / n).toPrecision(5)) : null;
      values[r * cols + c] = mean;
      if (mean !== null) { min = Math.min(min, mean); max = Math.max(max, mean); }
    }
  }
  if (min > max) { min = 0; max = 0; }
  return { field: fieldName, rows, cols, rowStart, colStart, values, min, max };
}

/** Compact scientific figure for the decay summary: 3.3e-2. */
export const sci = (v: number): string => (Number.isFinite(v) ? v.toExponential(1) : String(v));

/** The seed's number style: 4 decimals (scientific when tiny or huge). */
export const fmt = (v: number): string => formatNumber(v, 4);


/** The backward chart's lines (log scale) and the figures at t = 1. */
export function buildDecay(trace: Trace, maxPoints = MAX_SERIES_POINTS): { chart: ChartData; summary: string } {
  const { T, hiddenSize: H, cell } = trace;
  const lines: LineSeries[] = [];
  const atOne: string[] = [];
  const add = (key: string, label: string, short: string, values: ArrayLike<number> | undefined): void => {
    if (!values || values.length < T) return;
    lines.push({ key, label, field: key, unit: -1, series: decimateColumn(values, 1, 0, T, maxPoints, true) });
    atOne.push(`${short} ${sci(values[0])}`);
  };
  const perStep = trace.backward.perStep;
  const info = CELLS[cell];
  const carried = `dL_d${info.carried}`;
  // a cell without a gated path is its own comparison RNN: its line says whose gradient it is
  const own = info.pathDecay ? '' : `${info.shortName} `;
  add(carried, `${own}‖dL/d${info.carried}_t‖ (true BPTT)`, `${info.shortName} ‖dL/d${info.carried}_1‖`, perStep[carried] && rowNorms(perStep[carried], T, H));
  if (info.pathDecay) {
    const product = trace.pathDecay?.kind === info.pathDecay.kind
      ? (trace.pathDecay as unknown as Record<string, Float64Array>)[info.pathDecay.product] : undefined;
    add(info.pathDecay.product, info.pathDecay.chartLabel, `mean ${info.pathDecay.label}`, product && rowMeans(product, T, H));
    add('rnn', 'vanilla RNN ‖dL/dh_t‖ (no gates)', 'RNN ‖dL/dh_1‖', trace.vanillaRNN?.dL_dh_norm);
  }
  const summary = T >= 1
    ? `at t = 1, after ${T - 1} step${T - 1 === 1 ? '' : 's'} back from t = ${T}: ${atOne.join(', ')}`
    : '';
  return {
    chart: { title: 'Backward: gradient decay through time (log scale)', yLabel: 'gradient magnitude (log)', logScale: true, lines },
    summary,
  };
}

/** The conveyor belt at step t (1-based) for the given units; empty at t = 0 and for a cell without one (rnn). */
export function buildBelt(trace: Trace, t: number, units: readonly number[], _initial?: InitialState): { labels: [string, string, string]; belt: BeltEntry[] } {
  const belt = CELLS[trace.cell].belt;
  const labels = beltLabels(trace.cell);
  if (!belt || t < 1 || t > trace.T) return { labels, belt: [] };
  const entries: BeltEntry[] = [];
  for (const u of units) {
    if (u < 0 || u >= trace.hiddenSize) continue;
    const v = stepValues(trace, t, u);
    entries.push({ unit: u, kept: belt.kept(v), added: belt.added(v), result: v(belt.result) });
  }
  return { labels, belt: entries };
}

function beltLabels(cell: CellKind): [string, string, string] {
  return CELLS[cell].belt?.labels ?? CELLS.lstm.belt!.labels;
}

const sigmaLine = (name: string, pre: string, formula: string, a: number, act: number, fn = 'σ'): string =>
  `${pre} = ${formula} = ${fmt(a)} → ${name} = ${fn}(${fmt(a)}) = ${fmt(act)}`;

/** The cursor step's equations for one unit, numbers substituted, in the seed's style (templates from the cell table). */
export function buildEquations(trace: Trace, cursor: CursorState, unit: number, _initial?: InitialState, extras: EquationExtras = {}, operands?: EquationOperand[]): string[] {
  const { cell: kind, hiddenSize: H, T } = trace;
  const cell = CELLS[kind];
  const t = cursor.t;
  const u = Math.max(0, Math.min(H - 1, unit));
  if (t < 1 || t > T) {
    const initial = stepValues(trace, 1, u);
    const init = cell.hasCellState ? `h_0 = ${fmt(initial('h', -1))}, c_0 = ${fmt(initial('c', -1))}` : `h_0 = ${fmt(initial('h', -1))}`;
    return [`t = 0: the initial state, unit ${u}: ${init}`, 'Step to compute t = 1.'];
  }
  const v = stepValues(trace, t, u);
  const lines: string[] = [];
  if (cursor.phase === 'forward') {
    lines.push(`${atStep(cell.inputLine, t)}, unit ${u}`);
    for (const name of cell.forward) {
      const formula = cell.preactFormulas[name];
      if (formula !== undefined) {
        // a pre-activation: with the activation it feeds, or alone (GRU's hn)
        const fed = [...cell.gates.map(g => g.name), ...cell.states.map(s => s.name)].find(f => activationOf(cell, f)?.preact === name);
        const spans: OperandSpan[] = [];
        const expanded = extras.params ? expandPreact(trace, formula, extras.params, t, u, spans) : undefined;
        const written = expanded ? `${atStep(formula, t)} = ${expanded}` : atStep(formula, t);
        // the expansion starts after `a_f = W_f·z_3 + b_f = ` in both line shapes below
        const offset = `${name} = ${atStep(formula, t)} = `.length;
        if (expanded && operands) for (const span of spans) operands.push({ ...span, line: lines.length, start: span.start + offset });
        if (fed) lines.push(sigmaLine(fed, name, written, v(name), v(fed), ACTIVATIONS[activationOf(cell, fed)!.fn].symbol));
        else lines.push(`${name} = ${written} = ${fmt(v(name))}`);
        continue;
      }
      const state = cell.states.find(s => s.name === name);
      if (state && !state.activationOf) {
        lines.push(`${name}_${t} = ${atStep(symbolic(state.formula), t)} = ${numeric(state.formula, v, fmt)} = ${fmt(v(name))}`);
      }
    }
    return lines;
  }
  // backward phase: the gradients at step t, arriving from the loss (t = T) and from step t+1
  const source = t === T ? 'from the loss' : `back through step ${t + 1}`;
  lines.push(`backward, unit ${u}: dL/dh_${t} = ${fmt(v('dL_dh'))}  (${source})`);
  for (const equation of cell.backwardEquations(v, t, T, fmt)) lines.push(`${equation.lhs} = ${equation.rhs}`);
  const decay = cell.pathDecay;
  // one entry of the lazy product (engine/lazyFields.ts), not the whole (T, H) field
  const product = decay && trace.pathDecay?.kind === decay.kind ? fieldValue(trace.pathDecay, decay.product, (t - 1) * H + u) : undefined;
  if (decay && product !== undefined) lines.push(`${decay.pathName}: ${decay.label} = ${productRange(decay.gate, t, T)} = ${fmt(product)}`);
  return lines;
}

/** "f_4···f_9", "f_4", or "1 (empty product at t = T)". */
function productRange(gate: string, t: number, T: number): string {
  if (t >= T) return `1 (nothing after t = ${T})`;
  return t + 1 === T ? `${gate}_${T}` : `${gate}_${t + 1}···${gate}_${T}`;
}

/** The small per-step payload sent on every cursor move. */
export function buildStepDetail(trace: Trace, cursor: CursorState, view: ViewOptions, _initial?: InitialState, extras: EquationExtras = {}): StepDetail {
  const { labels, belt } = buildBelt(trace, cursor.t, view.units);
  const operands: EquationOperand[] = [];
  const equations = buildEquations(trace, cursor, view.equationUnit, undefined, extras, operands);
  const current = cursor.t >= 1 ? equationLine(equations, extras.equation, cursor.phase) : undefined;
  return {
    cursor: { phase: cursor.phase, t: cursor.t },
    token: cursor.t >= 1 ? (trace.tokens?.[cursor.t - 1] ?? '') : '',
    label: describeCursor(cursor, trace.T),
    equationUnit: Math.max(0, Math.min(trace.hiddenSize - 1, view.equationUnit)),
    equations,
    ...(current !== undefined ? { currentEquation: current } : {}),
    beltLabels: labels,
    belt,
    ...(operands.length > 0 ? { operands } : {}),
  };
}

function unitLines(trace: Trace, fields: readonly string[], units: readonly number[], maxPoints: number): { lines: LineSeries[]; decimated: boolean } {
  const H = trace.hiddenSize;
  const lines: LineSeries[] = [];
  let decimated = false;
  for (const field of fields) {
    const values = trace.forward[field];
    if (!values) continue;
    for (const u of units) {
      const series = decimateColumn(values, H, u, trace.T, maxPoints);
      decimated ||= series.t.length < trace.T;
      lines.push({ key: `${field}[${u}]`, label: `${field}[${u}]`, field, unit: u, series });
    }
  }
  return { lines, decimated };
}

/** The full picture for the panel. */
export function buildSnapshot(source: SnapshotSource): Snapshot {
  const { trace, cursor } = source;
  const maxPoints = source.maxPoints ?? MAX_SERIES_POINTS;
  const fields = heatmapFields(trace.cell);
  const view = normalizeView(source.view, trace.hiddenSize, fields);
  const gates = gateFields(trace.cell);
  let gatesChart: ChartData | undefined;
  let heatmap: Heatmap | undefined;
  let decimated = false;
  if (gates.length > 0 && view.gateView === 'lines') {
    const built = unitLines(trace, gates.map(g => g.field), view.units, maxPoints);
    decimated ||= built.decimated;
    gatesChart = {
      title: `Gates over time (${gates.map(g => g.field).join(', ')})`,
      yLabel: 'gate value', yMin: -1, yMax: 1, logScale: false, lines: built.lines,
    };
  }
  if (view.gateView === 'heatmap' || gates.length === 0) {
    const values = trace.forward[view.heatmapField];
    if (values) heatmap = buildHeatmap(view.heatmapField, values, trace.T, trace.hiddenSize);
  }
  const stateFields = CELLS[trace.cell].states.map(state => state.name);
  const states = unitLines(trace, stateFields, view.units, maxPoints);
  decimated ||= states.decimated;
  const decay = buildDecay(trace, maxPoints);
  const nf = trace.nonFinite;
  return {
    specName: source.specName ?? source.fileName,
    fileName: source.fileName,
    cell: trace.cell,
    H: trace.hiddenSize,
    I: trace.inputSize,
    T: trace.T,
    tokens: Array.from({ length: trace.T }, (_, k) => trace.tokens?.[k] ?? ''),
    loss: { kind: trace.loss.kind, L: trace.loss.L },
    view,
    heatmapFields: fields,
    gates: gatesChart,
    heatmap,
    states: {
      title: CELLS[trace.cell].hasCellState ? 'Cell state c_t and hidden state h_t' : 'Hidden state h_t',
      yLabel: 'state value', logScale: false, lines: states.lines,
    },
    decay: decay.chart,
    decaySummary: decay.summary,
    step: buildStepDetail(trace, cursor, view, undefined, source.equations),
    warning: nf ? `a NaN or ±Inf first appears at ${nf.phase} t=${nf.t} in ${nf.field}` : undefined,
    decimated,
    hasBelt: CELLS[trace.cell].belt !== undefined,
    ...(CELLS[trace.cell].belt ? { belt: { equation: CELLS[trace.cell].belt!.equation, result: CELLS[trace.cell].belt!.result } } : {}),
    hasGates: CELLS[trace.cell].gates.length > 0,
  };
}
