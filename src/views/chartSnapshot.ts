// Builds the chart panel's payloads from a Trace: the full Snapshot (decimated series for the
// selected units, a units × time heatmap grid, the backward decay aggregates) and the small
// StepDetail for the cursor's step (equations with numbers substituted, the conveyor belt).
// Pure (engine, protocol and the pure cursor helpers only, no vscode), so it runs on the host
// and is unit tested on plain node. Sizes are bounded by the view, not by T × H: at most
// MAX_LINE_UNITS units, MAX_SERIES_POINTS points per line (min/max decimation keeps every
// spike), MAX_HEATMAP_ROWS × MAX_HEATMAP_COLS cells.

import type { CellKind, Trace } from '../engine/types';
import {
  BeltEntry, ChartData, CursorState, Heatmap, LineSeries, MAX_HEATMAP_COLS, MAX_HEATMAP_ROWS, MAX_SERIES_POINTS,
  Series, Snapshot, StepDetail, ViewOptions, normalizeView,
} from '../protocol/messages';
import { formatNumber } from '../engine/format';
import { rowMeans, rowNorms } from '../engine/kernels';
import { describeCursor } from '../session/cursor';

/** The initial state the trace starts from (it is in the spec, not the trace). */
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
  initial?: InitialState;
  maxPoints?: number;
}

const isLstm = (cell: CellKind): boolean => cell === 'lstm' || cell === 'lstm_peephole';

/** Gate fields per cell and their value ranges: sigmoid gates 0..1, tanh candidates −1..1. */
export function gateFields(cell: CellKind): { field: string; min: number; max: number }[] {
  if (isLstm(cell)) return [{ field: 'f', min: 0, max: 1 }, { field: 'i', min: 0, max: 1 }, { field: 'o', min: 0, max: 1 }, { field: 'g', min: -1, max: 1 }];
  if (cell === 'gru') return [{ field: 'r', min: 0, max: 1 }, { field: 'z', min: 0, max: 1 }, { field: 'n', min: -1, max: 1 }];
  return [];
}

/** Forward fields the heatmap can show. */
export function heatmapFields(cell: CellKind): string[] {
  if (isLstm(cell)) return ['f', 'i', 'g', 'o', 'c', 'h'];
  if (cell === 'gru') return ['r', 'z', 'n', 'h'];
  return ['h', 'a'];
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

/** A factor inside a product: negative numbers in parentheses, 0.5·(−0.4410). */
const par = (v: number): string => (v < 0 ? `(${fmt(v)})` : fmt(v));

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
  if (isLstm(cell)) {
    add('dL_dc', '‖dL/dc_t‖ (true BPTT)', 'LSTM ‖dL/dc_1‖', perStep.dL_dc && rowNorms(perStep.dL_dc, T, H));
    const pd = trace.pathDecay;
    add('forgetProduct', 'mean ∏f (cell path alone)', 'mean ∏f', pd?.kind === 'cellPathDecay' ? rowMeans(pd.forgetProduct, T, H) : undefined);
    add('rnn', 'vanilla RNN ‖dL/dh_t‖ (no gates)', 'RNN ‖dL/dh_1‖', trace.vanillaRNN?.dL_dh_norm);
  } else if (cell === 'gru') {
    add('dL_dh', '‖dL/dh_t‖ (true BPTT)', 'GRU ‖dL/dh_1‖', perStep.dL_dh && rowNorms(perStep.dL_dh, T, H));
    const pd = trace.pathDecay;
    add('zProduct', 'mean ∏z (update-gate path alone)', 'mean ∏z', pd?.kind === 'updateGatePathDecay' ? rowMeans(pd.zProduct, T, H) : undefined);
  } else {
    add('dL_dh', 'RNN ‖dL/dh_t‖ (true BPTT)', 'RNN ‖dL/dh_1‖', perStep.dL_dh && rowNorms(perStep.dL_dh, T, H));
  }
  const summary = T >= 1
    ? `at t = 1, after ${T - 1} step${T - 1 === 1 ? '' : 's'} back from t = ${T}: ${atOne.join(', ')}`
    : '';
  return {
    chart: { title: 'Backward: gradient decay through time (log scale)', yLabel: 'gradient magnitude (log)', logScale: true, lines },
    summary,
  };
}

/** The conveyor belt at step t (1-based) for the given units; empty at t = 0 and for rnn. */
export function buildBelt(trace: Trace, t: number, units: readonly number[], initial?: InitialState): { labels: [string, string, string]; belt: BeltEntry[] } {
  const { cell, hiddenSize: H } = trace;
  const fw = trace.forward;
  const k = t - 1;
  if (t < 1 || t > trace.T) return { labels: beltLabels(cell), belt: [] };
  const belt: BeltEntry[] = [];
  for (const u of units) {
    if (u < 0 || u >= H) continue;
    const idx = k * H + u;
    if (isLstm(cell)) {
      const cPrev = k === 0 ? (initial?.c0[u] ?? 0) : fw.c[idx - H];
      belt.push({ unit: u, kept: fw.f[idx] * cPrev, added: fw.i[idx] * fw.g[idx], result: fw.c[idx] });
    } else if (cell === 'gru') {
      const hPrev = k === 0 ? (initial?.h0[u] ?? 0) : fw.h[idx - H];
      belt.push({ unit: u, kept: fw.z[idx] * hPrev, added: (1 - fw.z[idx]) * fw.n[idx], result: fw.h[idx] });
    }
  }
  return { labels: beltLabels(cell), belt };
}

function beltLabels(cell: CellKind): [string, string, string] {
  if (cell === 'gru') return ['kept z·h_{t-1}', 'added (1−z)·n', 'result h_t'];
  return ['kept f·c_{t-1}', 'added i·g', 'result c_t'];
}

const sigmaLine = (name: string, pre: string, formula: string, a: number, act: number, fn = 'σ'): string =>
  `${pre} = ${formula} = ${fmt(a)} → ${name} = ${fn}(${fmt(a)}) = ${fmt(act)}`;

/** The cursor step's equations for one unit, numbers substituted, in the seed's style. */
export function buildEquations(trace: Trace, cursor: CursorState, unit: number, initial?: InitialState): string[] {
  const { cell, hiddenSize: H, T } = trace;
  const fw = trace.forward;
  const bw = trace.backward.perStep;
  const t = cursor.t;
  const u = Math.max(0, Math.min(H - 1, unit));
  const k = t - 1;
  const at = (field: ArrayLike<number> | undefined, step: number): number => (field ? field[(step - 1) * H + u] : NaN);
  const prevH = (): number => (t === 1 ? (initial?.h0[u] ?? 0) : at(fw.h, t - 1));
  const prevC = (): number => (t === 1 ? (initial?.c0[u] ?? 0) : at(fw.c, t - 1));
  const lines: string[] = [];
  if (t < 1 || t > T || k < 0) {
    const init = isLstm(cell) ? `h_0 = ${fmt(initial?.h0[u] ?? 0)}, c_0 = ${fmt(initial?.c0[u] ?? 0)}` : `h_0 = ${fmt(initial?.h0[u] ?? 0)}`;
    return [`t = 0: the initial state, unit ${u}: ${init}`, 'Step to compute t = 1.'];
  }
  if (cursor.phase === 'forward') {
    if (isLstm(cell)) {
      const peep = cell === 'lstm_peephole';
      const z = `z_${t} = [h_${t - 1}, x_${t}]`;
      lines.push(`${z}, unit ${u}`);
      lines.push(sigmaLine('f', 'a_f', `W_f·z${peep ? ` + p_f·c_${t - 1}` : ''} + b_f`, at(fw.a_f, t), at(fw.f, t)));
      lines.push(sigmaLine('i', 'a_i', `W_i·z${peep ? ` + p_i·c_${t - 1}` : ''} + b_i`, at(fw.a_i, t), at(fw.i, t)));
      lines.push(sigmaLine('g', 'a_g', 'W_c·z + b_c', at(fw.a_g, t), at(fw.g, t), 'tanh'));
      lines.push(sigmaLine('o', 'a_o', `W_o·z${peep ? ` + p_o·c_${t}` : ''} + b_o`, at(fw.a_o, t), at(fw.o, t)));
      lines.push(`c_${t} = f·c_${t - 1} + i·g = ${par(at(fw.f, t))}·${par(prevC())} + ${par(at(fw.i, t))}·${par(at(fw.g, t))} = ${fmt(at(fw.c, t))}`);
      lines.push(`h_${t} = o·tanh(c_${t}) = ${par(at(fw.o, t))}·tanh(${fmt(at(fw.c, t))}) = ${fmt(at(fw.h, t))}`);
    } else if (cell === 'gru') {
      lines.push(`x_${t}, h_${t - 1}, unit ${u}`);
      lines.push(sigmaLine('r', 'a_r', 'W_ir·x + b_ir + W_hr·h + b_hr', at(fw.a_r, t), at(fw.r, t)));
      lines.push(sigmaLine('z', 'a_z', 'W_iz·x + b_iz + W_hz·h + b_hz', at(fw.a_z, t), at(fw.z, t)));
      lines.push(`hn = W_hn·h_${t - 1} + b_hn = ${fmt(at(fw.hn, t))}`);
      lines.push(sigmaLine('n', 'a_n', 'W_in·x + b_in + r·hn', at(fw.a_n, t), at(fw.n, t), 'tanh'));
      lines.push(`h_${t} = (1−z)·n + z·h_${t - 1} = (1−${fmt(at(fw.z, t))})·${par(at(fw.n, t))} + ${par(at(fw.z, t))}·${par(prevH())} = ${fmt(at(fw.h, t))}`);
    } else {
      lines.push(`z_${t} = [h_${t - 1}, x_${t}], unit ${u}`);
      lines.push(sigmaLine('h', 'a', 'W·z + b', at(fw.a, t), at(fw.h, t), 'tanh'));
    }
    return lines;
  }
  // backward phase: the gradients at step t, arriving from the loss (t = T) and from step t+1
  const dh = at(bw.dL_dh, t);
  const source = t === T ? 'from the loss' : `back through step ${t + 1}`;
  lines.push(`backward, unit ${u}: dL/dh_${t} = ${fmt(dh)}  (${source})`);
  if (isLstm(cell)) {
    const o = at(fw.o, t);
    const c = at(fw.c, t);
    const f = at(fw.f, t);
    const i = at(fw.i, t);
    const g = at(fw.g, t);
    const dc = at(bw.dL_dc, t);
    const tc = Math.tanh(c);
    if (cell === 'lstm') {
      const through = `dL/dh·o·(1 − tanh²(c_${t}))`;
      const numbers = `${par(dh)}·${par(o)}·${par(1 - tc * tc)}`;
      lines.push(t < T
        ? `dL/dc_${t} = ${through} + dL/dc_${t + 1}·f_${t + 1} = ${numbers} + ${par(at(bw.dL_dc, t + 1))}·${par(at(fw.f, t + 1))} = ${fmt(dc)}`
        : `dL/dc_${t} = ${through} = ${numbers} = ${fmt(dc)}`);
    } else {
      lines.push(`dL/dc_${t} (through h_${t}, the peepholes and c_${t + 1}) = ${fmt(dc)}`);
    }
    lines.push(`dL/da_f = dL/dc·c_${t - 1}·f(1−f) = ${par(dc)}·${par(prevC())}·${par(f * (1 - f))} → ${fmt(at(bw.dL_da_f, t))}`);
    lines.push(`dL/da_i = dL/dc·g·i(1−i) = ${par(dc)}·${par(g)}·${par(i * (1 - i))} → ${fmt(at(bw.dL_da_i, t))}`);
    lines.push(`dL/da_g = dL/dc·i·(1−g²) = ${par(dc)}·${par(i)}·${par(1 - g * g)} → ${fmt(at(bw.dL_da_g, t))}`);
    lines.push(`dL/da_o = dL/dh·tanh(c_${t})·o(1−o) = ${par(dh)}·${par(tc)}·${par(o * (1 - o))} → ${fmt(at(bw.dL_da_o, t))}`);
    const pd = trace.pathDecay;
    if (pd?.kind === 'cellPathDecay') lines.push(`cell path alone: ∏f = ${productRange('f', t, T)} = ${fmt(at(pd.forgetProduct, t))}`);
  } else if (cell === 'gru') {
    lines.push(`dL/da_z = ${fmt(at(bw.dL_da_z, t))}, dL/da_n = ${fmt(at(bw.dL_da_n, t))}, dL/da_r = ${fmt(at(bw.dL_da_r, t))}`);
    const pd = trace.pathDecay;
    if (pd?.kind === 'updateGatePathDecay') lines.push(`update-gate path alone: ∏z = ${productRange('z', t, T)} = ${fmt(at(pd.zProduct, t))}`);
  } else {
    const h = at(fw.h, t);
    lines.push(`dL/da = dL/dh·(1 − h²) = ${par(dh)}·${par(1 - h * h)} = ${fmt(dh * (1 - h * h))}`);
  }
  return lines;
}

/** "f_4···f_9", "f_4", or "1 (empty product at t = T)". */
function productRange(gate: string, t: number, T: number): string {
  if (t >= T) return `1 (nothing after t = ${T})`;
  return t + 1 === T ? `${gate}_${T}` : `${gate}_${t + 1}···${gate}_${T}`;
}

/** The small per-step payload sent on every cursor move. */
export function buildStepDetail(trace: Trace, cursor: CursorState, view: ViewOptions, initial?: InitialState): StepDetail {
  const { labels, belt } = buildBelt(trace, cursor.t, view.units, initial);
  return {
    cursor: { phase: cursor.phase, t: cursor.t },
    token: cursor.t >= 1 ? (trace.tokens?.[cursor.t - 1] ?? '') : '',
    label: describeCursor(cursor, trace.T),
    equationUnit: Math.max(0, Math.min(trace.hiddenSize - 1, view.equationUnit)),
    equations: buildEquations(trace, cursor, view.equationUnit, initial),
    beltLabels: labels,
    belt,
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
  const stateFields = isLstm(trace.cell) ? ['c', 'h'] : ['h'];
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
      title: isLstm(trace.cell) ? 'Cell state c_t and hidden state h_t' : 'Hidden state h_t',
      yLabel: 'state value', logScale: false, lines: states.lines,
    },
    decay: decay.chart,
    decaySummary: decay.summary,
    step: buildStepDetail(trace, cursor, view, source.initial),
    warning: nf ? `a NaN or ±Inf first appears at ${nf.phase} t=${nf.t} in ${nf.field}` : undefined,
    decimated,
    hasBelt: trace.cell !== 'rnn',
  };
}
