// Saturation and growth analytics of one trace (docs/training.md, "Analytics"): what the numbers
// say about learning, each finding naming its steps, units and the equation behind it.
// - Saturation, per sigmoid gate (the cell table's gates with fn sigmoid: f, i, o; r, z) and unit:
//   the share of steps with the gate < 0.1 or > 0.9, and its local slope σ'(a) = g(1−g), which
//   multiplies every gradient reaching the gate's weights (dL/da = dL/dg · g(1−g)). A gate
//   saturated on most steps has σ' ≤ 0.09 there: its weights have (nearly) stopped learning. For
//   f → 1 it still passes the gradient along the cell (∂c_t/∂c_{t−1} = f_t ≈ 1).
// - Cell-state growth (lstm kinds): |c_t| rising step after step while f_t ≈ 1, the running sum
//   c_t ≈ c_{t−1} + i_t·g_t, which drives tanh(c_t) into saturation.
// - Vanishing and exploding gradients, on ‖dL/dh_t‖ over t (or a non-finite value in it).
// Thresholds are constants below so the tree, the panel and the docs say the same.

import { CELLS, type CellKind } from './cells';

export const SATURATION_LOW = 0.1;
export const SATURATION_HIGH = 0.9;
/** a gate is reported when saturated on at least this share of the steps */
export const SATURATED_SHARE = 0.8;
/** steps in a row of rising |c_t| (with f_t > SATURATION_HIGH) before growth is reported */
export const GROWTH_RUN = 5;
/** how much |c_t| must rise over the run */
export const GROWTH_RISE = 0.5;
/** ‖dL/dh_t‖ beyond this, or this many times its value at t = T, is exploding */
export const EXPLODING_NORM = 1e6;
/** ‖dL/dh_t‖ below this share of its largest value is vanishing */
export const VANISHING_RATIO = 1e-4;

export interface GateSaturation {
  gate: string;
  unit: number;
  /** share of steps with gate < 0.1, and > 0.9 */
  lowShare: number;
  highShare: number;
  /** mean over steps of g(1−g) (at most 0.25) */
  meanSlope: number;
}

export type FindingKind = 'saturated' | 'cellGrowth' | 'vanishing' | 'exploding';

export interface Finding {
  kind: FindingKind;
  /** the gate (saturated) or state field (cellGrowth: c; gradients: dL_dh) it is about */
  field: string;
  /** 0-based units */
  units: number[];
  /** 1-based steps */
  steps: number[];
  equation: string;
  message: string;
}

export interface TraceAnalytics {
  saturation: GateSaturation[];
  findings: Finding[];
}

/** What the analytics read: a single-layer trace, or one entry of a stack (forward rows t = 1..T). */
export interface AnalyticsInput {
  cell: CellKind;
  T: number;
  hiddenSize: number;
  forward: Record<string, Float64Array>; // (T, H) each
  backward?: { perStep: Record<string, Float64Array> }; // dL_dh (T, H)
}

/** "1–5, 8, 10–12" */
export function formatSteps(steps: readonly number[]): string {
  const parts: string[] = [];
  for (let k = 0; k < steps.length; k++) {
    let j = k;
    while (j + 1 < steps.length && steps[j + 1] === steps[j] + 1) j++;
    parts.push(j === k ? `${steps[k]}` : `${steps[k]}–${steps[j]}`);
    k = j;
  }
  return parts.join(', ');
}

function unitList(units: readonly number[]): string {
  return `${units.length === 1 ? 'unit' : 'units'} ${units.join(', ')}`;
}

export function analyzeTrace(trace: AnalyticsInput): TraceAnalytics {
  const { T, hiddenSize: H } = trace;
  const info = CELLS[trace.cell];
  const saturation: GateSaturation[] = [];
  const findings: Finding[] = [];
  for (const gate of info.gates) {
    if (gate.fn !== 'sigmoid') continue;
    const values = trace.forward[gate.name]; // (T, H)
    const high: number[] = [], low: number[] = [];
    const stepsOf = new Map<number, number[]>();
    for (let j = 0; j < H; j++) {
      let lows = 0, highs = 0, slope = 0;
      const saturatedSteps: number[] = [];
      for (let t = 0; t < T; t++) {
        const g = values[t * H + j];
        if (g < SATURATION_LOW) lows++;
        if (g > SATURATION_HIGH) highs++;
        if (g < SATURATION_LOW || g > SATURATION_HIGH) saturatedSteps.push(t + 1);
        slope += g * (1 - g);
      }
      saturation.push({ gate: gate.name, unit: j, lowShare: T ? lows / T : 0, highShare: T ? highs / T : 0, meanSlope: T ? slope / T : 0 });
      stepsOf.set(j, saturatedSteps);
      if (T >= 2 && highs >= SATURATED_SHARE * T) high.push(j);
      else if (T >= 2 && lows >= SATURATED_SHARE * T) low.push(j);
    }
    for (const [units, side] of [[high, 'high'], [low, 'low']] as const) {
      if (units.length === 0) continue;
      const steps = [...new Set(units.flatMap(j => stepsOf.get(j) ?? []))].sort((a, b) => a - b);
      const slopes = units.map(j => saturation.find(s => s.gate === gate.name && s.unit === j)!.meanSlope);
      const what = side === 'high' ? `> ${SATURATION_HIGH}` : `< ${SATURATION_LOW}`;
      const why = gate.name === 'f' && side === 'high'
        ? 'this forget gate passes the gradient (∂c_t/∂c_{t−1} = f_t ≈ 1) but has stopped learning'
        : gate.name === 'f'
          ? 'this forget gate erases the cell state at every step, cutting the gradient path, and has stopped learning'
          : `this ${gate.role} is stuck ${side === 'high' ? 'open' : 'shut'} and has stopped learning`;
      findings.push({
        kind: 'saturated', field: gate.name, units, steps,
        equation: `dL/d${gate.preact} = dL/d${gate.name} · ${gate.name}(1 − ${gate.name}) with ${gate.name}(1 − ${gate.name}) ≤ 0.09`,
        message: `${gate.name} ${what} at t = ${formatSteps(steps)} (${unitList(units)}; mean slope ${gate.name}(1−${gate.name}) = ${slopes.map(s => s.toPrecision(2)).join(', ')}): ${why}`,
      });
    }
  }
  if (info.hasCellState && trace.forward.c && trace.forward.f) findings.push(...cellGrowth(trace));
  const dh = trace.backward?.perStep.dL_dh;
  if (dh) findings.push(...gradientFindings(trace, dh));
  return { saturation, findings };
}

function cellGrowth(trace: AnalyticsInput): Finding[] {
  const { T, hiddenSize: H } = trace;
  const c = trace.forward.c, f = trace.forward.f; // (T, H)
  const out: Finding[] = [];
  for (let j = 0; j < H; j++) {
    // the longest run of steps t (2..T) with |c_t| > |c_{t−1}| and f_t > 0.9
    let best: [number, number] | undefined, start = -1;
    for (let t = 1; t <= T; t++) {
      const rising = t >= 2 && Math.abs(c[(t - 1) * H + j]) > Math.abs(c[(t - 2) * H + j]) && f[(t - 1) * H + j] > SATURATION_HIGH;
      if (rising && start < 0) start = t;
      if ((!rising || t === T) && start >= 0) {
        const end = rising ? t : t - 1;
        if (!best || end - start > best[1] - best[0]) best = [start, end];
        start = -1;
      }
    }
    if (!best) continue;
    const [from, to] = best;
    const rise = Math.abs(c[(to - 1) * H + j]) - Math.abs(c[(from - 2) * H + j]);
    if (to - from + 1 < GROWTH_RUN || rise < GROWTH_RISE) continue;
    const steps = Array.from({ length: to - from + 1 }, (_, k) => from + k);
    out.push({
      kind: 'cellGrowth', field: 'c', units: [j], steps,
      equation: 'c_t = f_t·c_{t−1} + i_t·g_t ≈ c_{t−1} + i_t·g_t when f_t ≈ 1 (a running sum)',
      message: `|c_t| rises at every step t = ${formatSteps(steps)} (unit ${j}, from ${Math.abs(c[(from - 2) * H + j]).toPrecision(3)} to ${Math.abs(c[(to - 1) * H + j]).toPrecision(3)}) while f_t > ${SATURATION_HIGH}: the cell keeps adding i_t·g_t, and tanh(c_t) saturates`,
    });
  }
  return out;
}

function gradientFindings(trace: AnalyticsInput, dh: Float64Array): Finding[] {
  const { T, hiddenSize: H } = trace;
  if (T === 0) return [];
  const norms = new Float64Array(T);
  const nonFinite: number[] = [];
  for (let t = 0; t < T; t++) {
    let s = 0;
    for (let j = 0; j < H; j++) s += dh[t * H + j] * dh[t * H + j];
    norms[t] = Math.sqrt(s);
    if (!Number.isFinite(norms[t])) nonFinite.push(t + 1);
  }
  const recurrence = trace.cell === 'rnn'
    ? 'dL/dh_{t−1} = W_hᵀ (dL/dh_t ⊙ (1 − h_t²)) + (the loss at t−1)'
    : trace.cell === 'gru'
      ? 'dL/dh_{t−1} = dL/dh_t ⊙ z_t + (the paths through r, z, n)'
      : 'dL/dc_{t−1} = dL/dc_t ⊙ f_t + (the path through h_{t−1})';
  const units = Array.from({ length: H }, (_, j) => j);
  const last = norms[T - 1];
  const exploding: number[] = [];
  for (let t = 0; t < T; t++) {
    if (!Number.isFinite(norms[t]) || norms[t] >= EXPLODING_NORM || (last > 0 && norms[t] >= EXPLODING_NORM * last)) exploding.push(t + 1);
  }
  if (exploding.length > 0) {
    const peak = Math.max(...Array.from(norms).filter(Number.isFinite));
    return [{
      kind: 'exploding', field: 'dL_dh', units, steps: exploding,
      equation: `${recurrence}: a factor above 1 per step compounds`,
      message: `the gradient explodes: ‖dL/dh_t‖ reaches ${nonFinite.length ? 'a non-finite value' : peak.toPrecision(3)} at t = ${formatSteps(exploding)} (against ${last.toPrecision(3)} at t = ${T}); clip the gradient norm`,
    }];
  }
  let peak = 0;
  for (let t = 0; t < T; t++) peak = Math.max(peak, norms[t]);
  const vanished: number[] = [];
  for (let t = 0; t < T; t++) if (peak > 0 && norms[t] < VANISHING_RATIO * peak) vanished.push(t + 1);
  if (vanished.length === 0) return [];
  return [{
    kind: 'vanishing', field: 'dL_dh', units, steps: vanished,
    equation: `${recurrence}: a factor below 1 per step compounds`,
    message: `the gradient vanishes: ‖dL/dh_t‖ is below ${VANISHING_RATIO} of its largest value (${peak.toPrecision(3)}) at t = ${formatSteps(vanished)}; those steps barely affect learning`,
  }];
}
