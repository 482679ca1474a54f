// The heatmap's colour scale, legend labels and hover readout as pure functions (no DOM), shared by
// the webview (webview/charts/heatmap.ts draws with them) and the unit tests. The scale is set by
// the values the grid carries (the ones drawn), so a field of 1e-6 spans the whole colour range
// like a field of 1; gates (0..1) keep a fixed sequential scale so that 0.5 always looks the same.

import type { Heatmap } from './messages';

/** Gate fields: a fixed 0..1 sequential scale; every other field gets a diverging one around 0. */
const UNIT_INTERVAL_FIELDS = new Set(['f', 'i', 'o', 'r', 'z']);

export interface HeatmapRange {
  lo: number;
  hi: number;
  /** true: background → colour over lo..hi; false: blue ← background → red, symmetric around 0 */
  sequential: boolean;
}

export function heatmapRange(heatmap: Pick<Heatmap, 'field' | 'min' | 'max'>): HeatmapRange {
  if (UNIT_INTERVAL_FIELDS.has(heatmap.field)) return { lo: 0, hi: 1, sequential: true };
  const m = Math.max(Math.abs(heatmap.min), Math.abs(heatmap.max));
  // an all-zero field: any non-zero half-width draws it as the background
  const half = m > 0 && Number.isFinite(m) ? m : 1;
  return { lo: -half, hi: half, sequential: false };
}

/**
 * Where a value sits on the scale: 0..1 (sequential) or -1..1 (diverging, negative = blue), clamped.
 * The colour is the background mixed with the end colour by |position|.
 */
export function scalePosition(value: number, range: HeatmapRange): number {
  if (range.sequential) return Math.max(0, Math.min(1, (value - range.lo) / (range.hi - range.lo)));
  return Math.max(-1, Math.min(1, value / range.hi));
}

/**
 * A legend or readout number with `digits` significant digits, scientific when tiny or huge:
 * the colour bar's top, middle and bottom labels stay distinct for any non-zero range.
 */
export function formatScaleNumber(value: number, digits = 3): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs < 1e-3 || abs >= 1e5) return value.toExponential(digits - 1);
  return String(Number(value.toPrecision(digits)));
}

/** The colour bar's labels, top to bottom: hi, middle, lo. */
export function scaleLabels(range: HeatmapRange): [string, string, string] {
  return [formatScaleNumber(range.hi), formatScaleNumber((range.hi + range.lo) / 2), formatScaleNumber(range.lo)];
}

/** The grid cell under a point of the plot area (fractions 0..1 across and down), or undefined outside. */
export function cellAt(heatmap: Pick<Heatmap, 'rows' | 'cols'>, across: number, down: number): { row: number; col: number } | undefined {
  if (!(across >= 0 && across <= 1 && down >= 0 && down <= 1)) return undefined;
  return { row: Math.min(heatmap.rows - 1, Math.floor(down * heatmap.rows)), col: Math.min(heatmap.cols - 1, Math.floor(across * heatmap.cols)) };
}

/**
 * The hover readout of one cell, as plain text (shown with textContent): the unit (or unit range of
 * a bucket), the step (or step range) with its token, and the value (or bucket mean).
 * "unit 3 · t = 2 "movie" · f = 0.54983", "units 0–1 · t = 1–4 · mean f = 0.0012346".
 */
export function heatmapReadout(heatmap: Heatmap, row: number, col: number, tokens: readonly string[] = []): string {
  const firstUnit = heatmap.rowStart[row];
  const lastUnit = heatmap.rowStart[row + 1] - 1;
  const firstStep = heatmap.colStart[col];
  const lastStep = heatmap.colStart[col + 1] - 1;
  const units = lastUnit > firstUnit ? `units ${firstUnit}–${lastUnit}` : `unit ${firstUnit}`;
  const token = firstStep === lastStep && tokens[firstStep - 1] ? ` ${JSON.stringify(tokens[firstStep - 1])}` : '';
  const steps = lastStep > firstStep ? `t = ${firstStep}–${lastStep}` : `t = ${firstStep}${token}`;
  const value = heatmap.values[row * heatmap.cols + col];
  const bucket = lastUnit > firstUnit || lastStep > firstStep;
  const shown = value === null ? 'not finite' : formatScaleNumber(value, 5);
  return `${units} · ${steps} · ${bucket ? 'mean ' : ''}${heatmap.field} = ${shown}`;
}
