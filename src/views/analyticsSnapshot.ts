// Builds the chart panel's Analytics payload (src/protocol/messages.ts AnalyticsPayload) from one
// trace, once per trace (not per step): the saturation of every sigmoid gate and unit and the
// findings of src/engine/analytics.ts (docs/analytics.md), ‖dL/dh_t‖ with its peak and its
// non-finite steps written out (a gradient of 1e11 or Inf is said, not only drawn off the
// scale), and the seeds' idealised constant-factor curves w^k beside the spec's ungated RNN and
// path decay. Pure (engine and protocol only, no vscode), so it is unit tested on plain node.

import { formatSteps } from '../engine/analytics';
import { traceAnalytics } from './traceFields';
import { CELLS } from '../engine/cells';
import { constantFactorDecay } from '../engine/compare';
import { rowMeans, rowNorms } from '../engine/kernels';
import type { Trace } from '../engine/types';
import { AnalyticsPayload, ChartData, FindingRow, LineSeries, MAX_SERIES_POINTS, SaturationRow } from '../protocol/messages';
import { decimateColumn } from './chartSnapshot';

/** The most saturation rows sent (the table stays readable; the findings name every unit). */
export const MAX_SATURATION_ROWS = 48;

/** The seeds' constant factors: a vanilla RNN's W_hh = 0.5 (0.5³ = 0.125) and a forget gate held at 0.95 (0.95^99 ≈ 0.0062). */
export const IDEALISED_FACTORS: readonly { w: number; key: string; label: string }[] = [
  { w: 0.5, key: 'w0.5', label: '0.5^k (constant factor w = 0.5, no tanh\')' },
  { w: 0.95, key: 'w0.95', label: '0.95^k (a forget gate held at f = 0.95)' },
];

/** Three significant digits, trailing zeros dropped: 0.125, 0.00623, 1.58e-30. */
export function sig3(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const abs = Math.abs(v);
  return abs < 1e-3 || abs >= 1e5 ? v.toExponential(2).replace(/\.?0+e/, 'e') : String(Number(v.toPrecision(3)));
}

/** The peak of ‖dL/dh_t‖ and where it is not finite, e.g. "‖dL/dh_t‖ is ±Inf/NaN at t = 1–3; its largest finite value is 1.4e+11 at t = 4". */
export function gradientNote(norms: ArrayLike<number>): string {
  const T = norms.length;
  if (T === 0) return '';
  const bad: number[] = [];
  let peak = -1, peakT = 0;
  for (let t = 1; t <= T; t++) {
    const v = norms[t - 1];
    if (!Number.isFinite(v)) bad.push(t);
    else if (v > peak) { peak = v; peakT = t; }
  }
  const peakText = peak >= 0 ? `its largest finite value is ${peak.toExponential(2)} at t = ${peakT}` : 'no value is finite';
  const last = norms[T - 1];
  const head = bad.length > 0
    ? `‖dL/dh_t‖ is not finite (NaN or ±Inf) at t = ${formatSteps(bad)}, drawn as gaps; ${peakText}`
    : `‖dL/dh_t‖ ranges up to ${peak.toExponential(2)} (t = ${peakT}); ${Number.isFinite(last) ? `${last.toExponential(2)} at t = ${T}` : ''}`;
  return head.replace(/; $/, '');
}

function line(key: string, label: string, values: ArrayLike<number>, T: number, maxPoints: number): LineSeries {
  return { key, label, field: key, unit: -1, series: decimateColumn(values, 1, 0, T, maxPoints, true) };
}

/** The Idealised-decay chart: w^k for the seeds' factors, the spec's ungated RNN normalised to 1 at t = T, and the path decay. */
export function buildIdealised(trace: Trace, maxPoints = MAX_SERIES_POINTS): { chart: ChartData; notes: string[] } {
  const { T, hiddenSize: H } = trace;
  const lines: LineSeries[] = [];
  const atOne: string[] = [];
  const k = Math.max(0, T - 1);
  for (const factor of IDEALISED_FACTORS) {
    const curve = constantFactorDecay(factor.w, T);
    lines.push(line(factor.key, factor.label, curve, T, maxPoints));
    if (T >= 1) atOne.push(`${factor.w}^${k} = ${sig3(curve[0])}`);
  }
  const rnn = trace.vanillaRNN?.dL_dh_norm;
  let rnnPerStep: number | undefined;
  if (rnn && rnn.length >= T && T >= 1) {
    const last = rnn[T - 1];
    const normalised = new Float64Array(T);
    for (let t = 0; t < T; t++) normalised[t] = last > 0 ? rnn[t] / last : NaN;
    lines.push(line('rnn', `the spec's ungated RNN ‖dL/dh_t‖ / ‖dL/dh_${T}‖`, normalised, T, maxPoints));
    atOne.push(`the spec's ungated RNN ${sig3(normalised[0])}`);
    if (T >= 2 && normalised[0] > 0 && Number.isFinite(normalised[0])) rnnPerStep = normalised[0] ** (1 / (T - 1));
  }
  const decay = CELLS[trace.cell].pathDecay;
  const product = decay && trace.pathDecay?.kind === decay.kind ? (trace.pathDecay as unknown as Record<string, Float64Array>)[decay.product] : undefined;
  if (decay && product) {
    const mean = rowMeans(product, T, H);
    lines.push(line('path', `the spec's ${decay.chartLabel}`, mean, T, maxPoints));
    if (T >= 1) atOne.push(`the spec's mean ${decay.label} ${sig3(mean[0])}`);
  }
  const notes: string[] = [];
  if (T >= 1) notes.push(`At t = 1, ${k} step${k === 1 ? '' : 's'} back from t = ${T}: ${atOne.join(', ')}.`);
  notes.push('The seeds\' figures: 0.5³ = 0.125 after 3 steps; 0.95^99 ≈ 0.0062 against 0.5^99 ≈ 1.6e-30 after 99.');
  notes.push('Why the spec\'s RNN differs from w^k: each step back multiplies its gradient by W_hᵀ·diag(1 − h_t²), not by W_h alone. '
    + 'With one unit and weight w that factor is w·(1 − h_t²) < w whenever h_t ≠ 0 (tanh\' = 1 − h_t² < 1), so the gradient falls faster than w^k; '
    + `with several units ‖W_h‖ takes the place of w${rnnPerStep !== undefined ? `. Here each step back multiplies it by ${sig3(rnnPerStep)} on average` : ''}.`);
  return {
    chart: { title: 'Idealised decay: constant factors w^k against the spec (log scale)', yLabel: 'share of the gradient left (log)', logScale: true, lines },
    notes,
  };
}

/** The Analytics payload of a trace (a stack's shown view). */
export function buildAnalytics(trace: Trace, maxPoints = MAX_SERIES_POINTS): AnalyticsPayload {
  const { T, hiddenSize: H } = trace;
  const { saturation, findings } = traceAnalytics(trace);
  const named = new Set(findings.filter(f => f.kind === 'saturated').flatMap(f => f.units));
  const rows: SaturationRow[] = [];
  const keep = (s: (typeof saturation)[number]): void => {
    if (rows.length < MAX_SATURATION_ROWS) rows.push({ gate: s.gate, unit: s.unit, lowShare: s.lowShare, highShare: s.highShare, meanSlope: s.meanSlope });
  };
  saturation.filter(s => named.has(s.unit)).forEach(keep);
  saturation.filter(s => !named.has(s.unit)).forEach(keep);
  rows.sort((a, b) => (a.gate === b.gate ? a.unit - b.unit : saturation.findIndex(s => s.gate === a.gate) - saturation.findIndex(s => s.gate === b.gate)));
  const findingRows: FindingRow[] = findings.map(f => ({
    kind: f.kind, field: f.field, units: f.units, steps: formatSteps(f.steps), equation: f.equation, message: f.message,
  }));
  const dh = trace.backward?.perStep.dL_dh;
  const norms = dh ? rowNorms(dh, T, H) : undefined;
  const idealised = buildIdealised(trace, maxPoints);
  return {
    title: `Analytics: ${findings.length === 0 ? 'no finding' : `${findings.length} finding${findings.length === 1 ? '' : 's'}`}`,
    saturation: rows,
    saturationNote: saturation.length > rows.length ? `${rows.length} of ${saturation.length} gate units shown (the units of a finding first)` : '',
    findings: findingRows,
    ...(norms ? {
      gradient: {
        title: 'Gradient ‖dL/dh_t‖ over t (log scale)', yLabel: '‖dL/dh_t‖ (log)', logScale: true,
        lines: [line('dL_dh', '‖dL/dh_t‖ (true BPTT)', norms, T, maxPoints)],
      },
    } : {}),
    gradientNote: norms ? gradientNote(norms) : '',
    idealised: idealised.chart,
    idealisedNotes: idealised.notes,
  };
}
