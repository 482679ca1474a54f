// The cursor's layer above a chart: a transparent canvas stacked on the chart's canvas (same box,
// pointer events pass through) that draws the current-step marker with its "t=…" label and the
// veil over the steps not reached yet, in the theme's editor background colour (translucent, or
// opaque when lstmStepper.chart.showFuture is off). A Step repaints only this canvas, a few
// rectangles and a line, so the chart's data is never redrawn for it. The chart's own canvas keeps
// the mirrors the end-to-end test reads: data-marker-t / data-marker-x (the marker), and
// data-veil-left / data-veil-alpha (the veil, absent when nothing is veiled).

import type { Theme } from '../theme';
import { withAlpha } from '../theme';
import { OverlayGeometry, PlotArea, Reveal, REVEAL_NONE, overlayGeometry } from './overlayGeometry';

/** How opaque the veil over the future is when the future is shown faintly. */
export const FAINT_VEIL_ALPHA = 0.7;

export interface OverlayState {
  markerT?: number;
  dashed: boolean;
  label?: string;
  reveal: Reveal;
  /** 0..1; 1 hides the future entirely */
  veilAlpha: number;
}

export const NO_OVERLAY: OverlayState = { dashed: false, reveal: REVEAL_NONE, veilAlpha: FAINT_VEIL_ALPHA };

export class ChartOverlay {
  readonly canvas: HTMLCanvasElement;
  /** how many times the overlay was painted (data-overlay-draws on the chart's canvas) */
  private paints = 0;

  constructor(private readonly base: HTMLCanvasElement) {
    const canvas = document.createElement('canvas');
    canvas.className = 'chart-overlay';
    canvas.setAttribute('aria-hidden', 'true');
    // set through the CSSOM, which the strict CSP allows (no inline style attribute)
    Object.assign(canvas.style, { position: 'absolute', left: '0', top: '0', width: '100%', height: '100%', pointerEvents: 'none' });
    base.insertAdjacentElement('afterend', canvas);
    this.canvas = canvas;
  }

  /**
   * Paints the marker and the veil. `xOf` / `edgeOf` map a step to CSS px (overlayGeometry);
   * `font` is the chart's. Returns the geometry painted.
   */
  paint(area: PlotArea, xOf: (t: number) => number, state: OverlayState, theme: Theme, font: string, edgeOf?: (t: number) => number): OverlayGeometry {
    const canvas = this.canvas;
    const box = canvas.parentElement;
    const cssW = box?.clientWidth ?? canvas.clientWidth;
    const cssH = box?.clientHeight ?? canvas.clientHeight;
    const dpr = window.devicePixelRatio || 1;
    const width = Math.round(cssW * dpr);
    const height = Math.round(cssH * dpr);
    if (canvas.width !== width || canvas.height !== height) {
      canvas.width = width;
      canvas.height = height;
    }
    const geometry = overlayGeometry(area, xOf, state.markerT, state.reveal, edgeOf);
    const base = this.base.dataset;
    this.paints++;
    base.overlayDraws = String(this.paints);
    const ctx = canvas.getContext('2d');
    if (!ctx) return geometry;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, cssW, cssH);
    if (geometry.veil) {
      const { left, right } = geometry.veil;
      ctx.fillStyle = withAlpha(theme.background, state.veilAlpha);
      ctx.fillRect(left, area.top, right - left, area.bottom - area.top);
      base.veilLeft = left.toFixed(1);
      base.veilRight = right.toFixed(1);
      base.veilAlpha = String(state.veilAlpha);
    } else {
      delete base.veilLeft;
      delete base.veilRight;
      delete base.veilAlpha;
    }
    if (state.markerT === undefined) {
      delete base.markerT;
      delete base.markerX;
      return geometry;
    }
    base.markerT = String(state.markerT);
    const px = geometry.markerX ?? xOf(state.markerT);
    base.markerX = px.toFixed(1);
    if (geometry.markerX === undefined) return geometry;
    const color = theme.marker || theme.foreground;
    ctx.strokeStyle = color;
    ctx.lineWidth = 2;
    if (state.dashed) ctx.setLineDash([5, 4]);
    ctx.beginPath();
    ctx.moveTo(px, area.top);
    ctx.lineTo(px, area.bottom);
    ctx.stroke();
    if (state.label) {
      ctx.setLineDash([]);
      ctx.fillStyle = color;
      ctx.font = font;
      const right = px > (area.left + area.right) / 2;
      ctx.textAlign = right ? 'right' : 'left';
      ctx.textBaseline = 'top';
      ctx.fillText(state.label, px + (right ? -4 : 4), area.top + 2);
    }
    ctx.setLineDash([]);
    return geometry;
  }
}
