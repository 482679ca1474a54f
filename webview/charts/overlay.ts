// The cursor's layer above a chart: a few elements stacked on the chart's canvas (same box,
// pointer events pass through): the current-step marker, a vertical line with its "t=…" label,
// and the veil over the steps not reached yet, in the theme's editor background colour
// (translucent, or opaque when lstmStepper.chart.showFuture is off). They are elements, not a
// canvas, so a Step only moves them: each has its own compositor layer (will-change: transform)
// and a Step changes its transform, which the compositor applies without painting anything (a
// canvas overlay cost a clear, a redraw and a copy of its whole bitmap per chart per Step). Only
// the label's text is painted again. The chart's own canvas keeps the mirrors the end-to-end test
// reads: data-marker-t / data-marker-x (the marker), data-veil-left / data-veil-right /
// data-veil-alpha (the veil, absent when nothing is veiled) and data-overlay-draws (how many
// times the layer was placed). A PNG export draws the same geometry onto its canvas (drawOnto).

import type { Theme } from '../theme';
import { withAlpha } from '../theme';
import { OverlayGeometry, PlotArea, Reveal, REVEAL_NONE, overlayGeometry, veilPlacement } from './overlayGeometry';

/** How opaque the veil over the future is when the future is shown faintly. */
export const FAINT_VEIL_ALPHA = 0.7;

/** The marker line's width (CSS px). */
const MARKER_WIDTH = 2;

export interface OverlayState {
  markerT?: number;
  dashed: boolean;
  label?: string;
  reveal: Reveal;
  /** 0..1; 1 hides the future entirely */
  veilAlpha: number;
}

export const NO_OVERLAY: OverlayState = { dashed: false, reveal: REVEAL_NONE, veilAlpha: FAINT_VEIL_ALPHA };

/** What was last placed, for the PNG export. */
interface Placed {
  area: PlotArea;
  geometry: OverlayGeometry;
  state: OverlayState;
  theme: Theme;
  font: string;
}

/** The overlay of each chart canvas (the PNG export finds them by canvas). */
const overlays = new WeakMap<HTMLCanvasElement, ChartOverlay>();

export function overlayOf(canvas: HTMLCanvasElement): ChartOverlay | undefined {
  return overlays.get(canvas);
}

/** An element with the given class, styled through the CSSOM (the strict CSP allows no inline style attribute). */
function layer(className: string, style: Partial<CSSStyleDeclaration>): HTMLDivElement {
  const element = document.createElement('div');
  element.className = className;
  Object.assign(element.style, style);
  return element;
}

export class ChartOverlay {
  /** the layer's root: the box of the chart's canvas */
  readonly element: HTMLDivElement;
  /** the plot area, which clips the veil */
  private readonly plot: HTMLDivElement;
  private readonly veil: HTMLDivElement;
  private readonly marker: HTMLDivElement;
  private readonly label: HTMLSpanElement;
  /** how many times the overlay was placed (data-overlay-draws on the chart's canvas) */
  private paints = 0;
  /** what the elements show now, so a Step writes only what changed */
  private areaKey = '';
  private veilKey = '';
  private markerKey = '';
  private colorKey = '';
  private placed: Placed | undefined;

  constructor(private readonly base: HTMLCanvasElement) {
    this.element = layer('chart-overlay', { position: 'absolute', left: '0', top: '0', width: '100%', height: '100%', pointerEvents: 'none', overflow: 'hidden' });
    this.element.setAttribute('aria-hidden', 'true');
    this.plot = layer('chart-overlay-plot', { position: 'absolute', overflow: 'hidden' });
    this.veil = layer('chart-veil', { position: 'absolute', left: '0', top: '0', height: '100%', willChange: 'transform', display: 'none' });
    this.marker = layer('chart-marker', { position: 'absolute', left: '0', top: '0', width: '0', willChange: 'transform', display: 'none', borderLeftWidth: `${MARKER_WIDTH}px` });
    this.label = document.createElement('span');
    this.label.className = 'chart-marker-label';
    Object.assign(this.label.style, { position: 'absolute', top: '2px', whiteSpace: 'nowrap' });
    this.marker.append(this.label);
    this.plot.append(this.veil);
    this.element.append(this.plot, this.marker);
    base.insertAdjacentElement('afterend', this.element);
    overlays.set(base, this);
  }

  /**
   * Places the marker and the veil. `xOf` / `edgeOf` map a step to CSS px (overlayGeometry);
   * `font` is the chart's. Returns the geometry placed.
   */
  paint(area: PlotArea, xOf: (t: number) => number, state: OverlayState, theme: Theme, font: string, edgeOf?: (t: number) => number): OverlayGeometry {
    const geometry = overlayGeometry(area, xOf, state.markerT, state.reveal, edgeOf);
    this.placed = { area, geometry, state, theme, font };
    const base = this.base.dataset;
    this.paints++;
    base.overlayDraws = String(this.paints);
    const plotWidth = area.right - area.left;
    const plotHeight = area.bottom - area.top;
    const areaKey = `${area.left}:${area.top}:${plotWidth}:${plotHeight}`;
    if (areaKey !== this.areaKey) {
      this.areaKey = areaKey;
      this.veilKey = '';
      Object.assign(this.plot.style, { left: `${area.left}px`, top: `${area.top}px`, width: `${plotWidth}px`, height: `${plotHeight}px` });
      Object.assign(this.marker.style, { top: `${area.top}px`, height: `${plotHeight}px` });
    }
    const markerColor = theme.marker || theme.foreground;
    const colorKey = `${theme.background}:${markerColor}:${font}`;
    if (colorKey !== this.colorKey) {
      this.colorKey = colorKey;
      this.veil.style.backgroundColor = theme.background;
      this.marker.style.borderLeftColor = markerColor;
      Object.assign(this.label.style, { color: markerColor, font });
    }
    if (geometry.veil) {
      const { left, right } = geometry.veil;
      const placement = veilPlacement(area, geometry.veil);
      const veilKey = `${placement.offset}:${placement.width}:${state.veilAlpha}`;
      if (veilKey !== this.veilKey) {
        if (this.veilKey === '') this.veil.style.display = '';
        this.veilKey = veilKey;
        Object.assign(this.veil.style, { width: `${placement.width}px`, transform: `translateX(${placement.offset}px)`, opacity: String(state.veilAlpha) });
      }
      base.veilLeft = left.toFixed(1);
      base.veilRight = right.toFixed(1);
      base.veilAlpha = String(state.veilAlpha);
    } else {
      if (this.veilKey !== '') this.veil.style.display = 'none';
      this.veilKey = '';
      delete base.veilLeft;
      delete base.veilRight;
      delete base.veilAlpha;
    }
    if (state.markerT === undefined) {
      this.showMarker(undefined, state, area);
      delete base.markerT;
      delete base.markerX;
      return geometry;
    }
    base.markerT = String(state.markerT);
    base.markerX = (geometry.markerX ?? xOf(state.markerT)).toFixed(1);
    this.showMarker(geometry.markerX, state, area);
    return geometry;
  }

  private showMarker(x: number | undefined, state: OverlayState, area: PlotArea): void {
    const right = x !== undefined && x > (area.left + area.right) / 2;
    const key = x === undefined ? '' : `${x}:${state.dashed}:${state.label ?? ''}:${right}`;
    if (key === this.markerKey) return;
    const wasShown = this.markerKey !== '';
    this.markerKey = key;
    if (x === undefined) { this.marker.style.display = 'none'; return; }
    if (!wasShown) this.marker.style.display = '';
    this.marker.style.transform = `translateX(${x - MARKER_WIDTH / 2}px)`;
    this.marker.style.borderLeftStyle = state.dashed ? 'dashed' : 'solid';
    const text = state.label ?? '';
    if (this.label.textContent !== text) this.label.textContent = text;
    // the label on the side of the marker with more room
    Object.assign(this.label.style, right ? { left: '', right: '4px' } : { left: '4px', right: '' });
  }

  /**
   * Draws what is placed now onto `ctx` (the PNG export), its origin at the chart's top left and
   * scaled by `dpr`, as the elements show it.
   */
  drawOnto(ctx: CanvasRenderingContext2D, dpr: number): void {
    const placed = this.placed;
    if (!placed) return;
    const { area, geometry, state, theme, font } = placed;
    ctx.save();
    ctx.scale(dpr, dpr);
    if (geometry.veil) {
      ctx.fillStyle = withAlpha(theme.background, state.veilAlpha);
      ctx.fillRect(geometry.veil.left, area.top, geometry.veil.right - geometry.veil.left, area.bottom - area.top);
    }
    const px = geometry.markerX;
    if (state.markerT !== undefined && px !== undefined) {
      const color = theme.marker || theme.foreground;
      ctx.strokeStyle = color;
      ctx.lineWidth = MARKER_WIDTH;
      if (state.dashed) ctx.setLineDash([5, 4]);
      ctx.beginPath();
      ctx.moveTo(px, area.top);
      ctx.lineTo(px, area.bottom);
      ctx.stroke();
      ctx.setLineDash([]);
      if (state.label) {
        ctx.fillStyle = color;
        ctx.font = font;
        const right = px > (area.left + area.right) / 2;
        ctx.textAlign = right ? 'right' : 'left';
        ctx.textBaseline = 'top';
        ctx.fillText(state.label, px + (right ? -4 : 4), area.top + 2);
      }
    }
    ctx.restore();
  }
}
