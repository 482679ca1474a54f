// Where a chart's overlay draws the cursor: the step marker's pixel and the veil over the steps
// the cursor has not reached (progressive reveal). Pure (no DOM, no chart.js): the overlay layer
// (overlay.ts) paints what this returns, and the unit tests check it directly. A forward-time
// chart (gates, states, heatmap) veils the steps after the cursor in the forward phase and
// nothing in the backward phase; the backward chart (gradient decay) veils everything in the
// forward phase and, in the backward phase, the steps before the cursor (BPTT runs t = T..1).

import type { CursorState } from '../../src/protocol/messages';

/** The plot area in CSS px, as Chart.js's chartArea. */
export interface PlotArea {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** Which steps are not reached yet: none, all, those after step t, or those before step t. */
export type Reveal =
  | { kind: 'none' }
  | { kind: 'all' }
  | { kind: 'after'; t: number }
  | { kind: 'before'; t: number };

export const REVEAL_NONE: Reveal = { kind: 'none' };

/** What the cursor leaves unreached on a chart whose x axis is forward time or backward (gradient) time. */
export function revealFor(axis: 'forward' | 'backward', cursor: CursorState): Reveal {
  if (axis === 'forward') return cursor.phase === 'forward' ? { kind: 'after', t: cursor.t } : REVEAL_NONE;
  return cursor.phase === 'forward' ? { kind: 'all' } : { kind: 'before', t: cursor.t };
}

export interface OverlayGeometry {
  /** the marker's x (CSS px), when there is a marker inside the plot (half a pixel of slack) */
  markerX?: number;
  /** the veiled span [left, right] in CSS px, within the plot area; absent when nothing is veiled */
  veil?: { left: number; right: number };
}

/**
 * `xOf(t)`: the pixel of step t (a point of a line chart, a column's centre on the heatmap);
 * `edgeOf(t)`: where step t's part of the axis ends for the veil (the point itself on a line
 * chart, the right edge of its column on the heatmap; `before` uses edgeOf(t - 1)).
 */
export function overlayGeometry(
  area: PlotArea, xOf: (t: number) => number, markerT: number | undefined, reveal: Reveal, edgeOf: (t: number) => number = xOf,
): OverlayGeometry {
  const out: OverlayGeometry = {};
  if (markerT !== undefined) {
    const x = xOf(markerT);
    if (Number.isFinite(x) && x >= area.left - 0.5 && x <= area.right + 0.5) out.markerX = x;
  }
  const clamp = (x: number): number => Math.max(area.left, Math.min(area.right, x));
  let left = area.left;
  let right = area.right;
  if (reveal.kind === 'none') return out;
  if (reveal.kind === 'after') left = clamp(edgeOf(reveal.t));
  else if (reveal.kind === 'before') right = clamp(edgeOf === xOf ? xOf(reveal.t) : edgeOf(reveal.t - 1));
  if (right - left > 0.5) out.veil = { left, right };
  return out;
}

/**
 * Where the veil's element goes for `veil` within `area`: an element `width` px wide, shifted
 * `offset` px from the plot's left edge and clipped by the plot. A veil that reaches one edge of
 * the plot (every reveal does) keeps the plot's width and only moves, so a Step changes its
 * transform and nothing is painted: [left, right edge] is the plot-wide box moved right by
 * left − area.left; [left edge, right] is it moved left by area.right − right. Any other span
 * gets its own width.
 */
export function veilPlacement(area: PlotArea, veil: { left: number; right: number }): { offset: number; width: number } {
  const plotWidth = area.right - area.left;
  if (veil.right >= area.right - 0.5) return { offset: veil.left - area.left, width: plotWidth };
  if (veil.left <= area.left + 0.5) return { offset: veil.right - area.right, width: plotWidth };
  return { offset: veil.left - area.left, width: veil.right - veil.left };
}
