// The units × time heatmap for large H, drawn on a canvas directly: the grid (≤ 256 × 256 bucket
// means, built by the host) goes into an ImageData once per snapshot and is scaled up without
// smoothing; axes, title and colour bar are drawn around it. The step marker and the veil over the
// steps not reached yet are on an overlay layer (overlay.ts), so a Step only moves that; the
// heatmap's own draws are counted in its canvas's data-chart-draws. Gates (0..1)
// use a sequential scale from the background to --vscode-charts-blue; signed fields a diverging
// scale blue ← background → red, scaled by the largest value the grid carries, cells without a
// finite value in the theme's error colour (scale and labels: src/protocol/heatmapScale.ts).
// Hovering a cell shows its unit, step and value in a readout set with textContent. A click asks
// the host to go to that step (in the cursor's phase).

import { cellAt, heatmapRange, heatmapReadout, scaleLabels, scalePosition } from '../../src/protocol/heatmapScale';
import type { HeatmapRange } from '../../src/protocol/heatmapScale';
import type { Heatmap } from '../../src/protocol/messages';
import type { Theme } from '../theme';
import { toRgba } from '../theme';
import { ChartOverlay, NO_OVERLAY, OverlayState } from './overlay';

const MARGIN = { left: 64, right: 72, top: 30, bottom: 40 };

export class HeatmapChart {
  private heatmap: Heatmap | undefined;
  private T = 1;
  private overlayState: OverlayState = NO_OVERLAY;
  private readonly overlay: ChartOverlay;
  private draws = 0;
  private image: HTMLCanvasElement = document.createElement('canvas');
  private title = '';
  /** the box's CSS size at the last draw (draw runs on every resize, from the ResizeObserver), so a
   * Step places the overlay without reading the layout: a clientWidth read in the Step's frame
   * forces a style and layout pass of the whole document first */
  private drawnSize = { cssW: 0, cssH: 0 };

  constructor(
    readonly canvas: HTMLCanvasElement, private theme: Theme, private readonly onPick: (t: number) => void,
    private readonly readout: HTMLElement, private readonly tokens: () => readonly string[],
  ) {
    this.overlay = new ChartOverlay(canvas);
    canvas.addEventListener('mousemove', event => this.showReadout(event));
    canvas.addEventListener('mouseleave', () => { this.readout.hidden = true; });
    canvas.addEventListener('click', event => {
      const rect = canvas.getBoundingClientRect();
      const x = event.clientX - rect.left;
      const y = event.clientY - rect.top;
      const w = rect.width - MARGIN.left - MARGIN.right;
      const h = rect.height - MARGIN.top - MARGIN.bottom;
      if (!this.heatmap || x < MARGIN.left || x > MARGIN.left + w || y < MARGIN.top || y > MARGIN.top + h) return;
      const t = Math.max(1, Math.min(this.T, Math.floor(1 + ((x - MARGIN.left) / w) * this.T)));
      this.onPick(t);
    });
    new ResizeObserver(() => this.draw()).observe(canvas.parentElement ?? canvas);
  }

  /** The readout of the cell under the pointer, as text, placed beside the pointer inside the box. */
  private showReadout(event: MouseEvent): void {
    const hm = this.heatmap;
    const rect = this.canvas.getBoundingClientRect();
    const x = event.clientX - rect.left;
    const y = event.clientY - rect.top;
    const w = rect.width - MARGIN.left - MARGIN.right;
    const h = rect.height - MARGIN.top - MARGIN.bottom;
    const cell = hm && w > 0 && h > 0 ? cellAt(hm, (x - MARGIN.left) / w, (y - MARGIN.top) / h) : undefined;
    if (!hm || !cell) {
      this.readout.hidden = true;
      return;
    }
    this.readout.textContent = heatmapReadout(hm, cell.row, cell.col, this.tokens());
    this.readout.dataset.row = String(cell.row);
    this.readout.dataset.col = String(cell.col);
    this.readout.hidden = false;
    // below the pointer, to its right, pushed left where it would leave the box
    const width = this.readout.offsetWidth;
    const height = this.readout.offsetHeight;
    this.readout.style.left = `${Math.max(0, Math.min(x + 12, rect.width - width))}px`;
    this.readout.style.top = `${Math.max(0, y + 16 + height > rect.height ? y - 12 - height : y + 16)}px`;
  }

  setData(heatmap: Heatmap, T: number, title: string): void {
    this.heatmap = heatmap;
    this.T = Math.max(1, T);
    this.title = title;
    this.paintImage();
    this.draw();
  }

  /** Moves the marker and the veil: moves the overlay only. */
  setCursor(state: OverlayState): void {
    this.overlayState = state;
    this.paintOverlay();
  }

  private paintOverlay(): void {
    const { cssW, cssH } = this.drawnSize;
    if (!this.heatmap || cssW === 0 || cssH === 0) return;
    const w = cssW - MARGIN.left - MARGIN.right;
    const h = cssH - MARGIN.top - MARGIN.bottom;
    const T = this.T;
    const area = { left: MARGIN.left, right: MARGIN.left + w, top: MARGIN.top, bottom: MARGIN.top + h };
    const theme = this.theme;
    // the marker on the column's centre; the veil from the right edge of the cursor's column
    this.overlay.paint(area, t => MARGIN.left + ((t - 0.5) / T) * w, this.overlayState, theme,
      `${theme.fontSize}px ${theme.fontFamily || 'sans-serif'}`, t => MARGIN.left + (t / T) * w);
  }

  applyTheme(theme: Theme): void {
    this.theme = theme;
    this.paintImage();
    this.draw();
  }

  private range(): HeatmapRange {
    return heatmapRange(this.heatmap!);
  }

  private colorAt(v: number, bg: number[], pos: number[], neg: number[], range: HeatmapRange): number[] {
    const s = scalePosition(v, range);
    const target = s >= 0 ? pos : neg;
    return [0, 1, 2].map(c => bg[c] + (target[c] - bg[c]) * Math.abs(s));
  }

  private paintImage(): void {
    const hm = this.heatmap;
    if (!hm) return;
    this.image.width = hm.cols;
    this.image.height = hm.rows;
    const ctx = this.image.getContext('2d');
    if (!ctx) return;
    const img = ctx.createImageData(hm.cols, hm.rows);
    const bg = toRgba(this.theme.background);
    const range = this.range();
    const pos = toRgba(range.sequential ? this.theme.blue : this.theme.red);
    const neg = toRgba(this.theme.blue);
    // NaN or ±Inf in the bucket
    const missing = toRgba(this.theme.error);
    for (let r = 0; r < hm.rows; r++) {
      for (let c = 0; c < hm.cols; c++) {
        const v = hm.values[r * hm.cols + c];
        const o = (r * hm.cols + c) * 4;
        const rgb = v === null ? missing : this.colorAt(v, bg, pos, neg, range);
        img.data[o] = rgb[0]; img.data[o + 1] = rgb[1]; img.data[o + 2] = rgb[2]; img.data[o + 3] = 255;
      }
    }
    ctx.putImageData(img, 0, 0);
  }

  draw(): void {
    const canvas = this.canvas;
    const box = canvas.parentElement;
    const cssW = box?.clientWidth ?? canvas.clientWidth;
    const cssH = box?.clientHeight ?? canvas.clientHeight;
    this.drawnSize = { cssW, cssH };
    if (cssW === 0 || cssH === 0) return;
    const dpr = window.devicePixelRatio || 1;
    if (canvas.width !== Math.round(cssW * dpr) || canvas.height !== Math.round(cssH * dpr)) {
      canvas.width = Math.round(cssW * dpr);
      canvas.height = Math.round(cssH * dpr);
    }
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    const theme = this.theme;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, cssW, cssH);
    const hm = this.heatmap;
    if (!hm) return;
    const w = cssW - MARGIN.left - MARGIN.right;
    const h = cssH - MARGIN.top - MARGIN.bottom;
    const font = (bold = false): string => `${bold ? 'bold ' : ''}${theme.fontSize}px ${theme.fontFamily || 'sans-serif'}`;
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(this.image, MARGIN.left, MARGIN.top, w, h);
    ctx.strokeStyle = theme.grid || theme.muted;
    ctx.strokeRect(MARGIN.left, MARGIN.top, w, h);
    // title
    ctx.fillStyle = theme.foreground;
    ctx.font = font(true);
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    ctx.fillText(this.title, MARGIN.left + w / 2, 6);
    // axes
    ctx.font = font();
    ctx.fillStyle = theme.muted || theme.foreground;
    ctx.textBaseline = 'top';
    const xTicks = niceTicks(1, this.T, Math.max(2, Math.floor(w / 80)));
    for (const t of xTicks) {
      const px = MARGIN.left + ((t - 0.5) / this.T) * w;
      ctx.fillText(String(t), px, MARGIN.top + h + 4);
    }
    ctx.fillStyle = theme.foreground;
    ctx.fillText('time step t', MARGIN.left + w / 2, MARGIN.top + h + 4 + theme.fontSize + 4);
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    ctx.fillStyle = theme.muted || theme.foreground;
    const H = hm.rowStart[hm.rows];
    for (const u of niceTicks(0, H - 1, Math.max(2, Math.floor(h / 40)))) {
      const py = MARGIN.top + ((u + 0.5) / H) * h;
      ctx.fillText(String(u), MARGIN.left - 6, py);
    }
    ctx.save();
    ctx.translate(14, MARGIN.top + h / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textAlign = 'center';
    ctx.fillStyle = theme.foreground;
    ctx.fillText('unit', 0, 0);
    ctx.restore();
    // colour bar (the legend)
    const range = this.range();
    const { lo, hi } = range;
    const bg = toRgba(theme.background);
    const pos = toRgba(range.sequential ? theme.blue : theme.red);
    const neg = toRgba(theme.blue);
    const barX = MARGIN.left + w + 12;
    for (let y = 0; y < h; y++) {
      const v = hi - ((hi - lo) * y) / Math.max(1, h - 1);
      const rgb = this.colorAt(v, bg, pos, neg, range);
      ctx.fillStyle = `rgb(${rgb.map(Math.round).join(',')})`;
      ctx.fillRect(barX, MARGIN.top + y, 12, 1);
    }
    ctx.strokeStyle = theme.grid || theme.muted;
    ctx.strokeRect(barX, MARGIN.top, 12, h);
    ctx.fillStyle = theme.muted || theme.foreground;
    ctx.textAlign = 'left';
    const [top, middle, bottom] = scaleLabels(range);
    ctx.fillText(top, barX + 16, MARGIN.top + 4);
    ctx.fillText(middle, barX + 16, MARGIN.top + h / 2);
    ctx.fillText(bottom, barX + 16, MARGIN.top + h - 4);
    canvas.dataset.scale = `${top} ${middle} ${bottom}`;
    this.draws++;
    canvas.dataset.chartDraws = String(this.draws);
    this.paintOverlay();
  }
}

/** Up to `count` round tick values in [lo, hi]. */
function niceTicks(lo: number, hi: number, count: number): number[] {
  if (hi <= lo) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map(m => m * mag).find(s => s >= raw) ?? 10 * mag;
  const first = Math.ceil(lo / step) * step;
  const ticks: number[] = [];
  for (let v = first; v <= hi + 1e-9; v += step) ticks.push(Math.max(lo, Math.round(v)));
  if (ticks[0] !== lo && lo === 1) ticks.unshift(1);
  return [...new Set(ticks)];
}
