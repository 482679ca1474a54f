// A Chart.js plugin that draws the current step as a vertical line with a "t=…" label, so the
// marker moves with the cursor through chart.update('none') without touching the data. The
// marker's step and pixel are mirrored on the canvas's data-marker-t / data-marker-x attributes
// for the end-to-end test.

import type { Chart, Plugin } from 'chart.js';

export interface StepMarkerOptions {
  /** the step to mark (x value); undefined hides the marker */
  t?: number;
  /** a theme colour (the editor cursor's) */
  color: string;
  dashed?: boolean;
  label?: string;
}

export const stepMarkerPlugin: Plugin = {
  id: 'stepMarker',
  afterDatasetsDraw(chart: Chart, _args: unknown, options: StepMarkerOptions) {
    const canvas = chart.canvas;
    const x = chart.scales.x;
    if (x) {
      // where steps sit on screen (CSS px): lets a test click the point of a given step
      canvas.dataset.xFirst = `${x.min}:${x.getPixelForValue(x.min).toFixed(1)}`;
      canvas.dataset.xLast = `${x.max}:${x.getPixelForValue(x.max).toFixed(1)}`;
      canvas.dataset.plotY = ((chart.chartArea.top + chart.chartArea.bottom) / 2).toFixed(1);
    }
    if (options.t === undefined || !x) {
      delete canvas.dataset.markerT;
      delete canvas.dataset.markerX;
      return;
    }
    const px = x.getPixelForValue(options.t);
    const { top, bottom, left, right } = chart.chartArea;
    canvas.dataset.markerT = String(options.t);
    canvas.dataset.markerX = px.toFixed(1);
    if (px < left - 0.5 || px > right + 0.5) return;
    const ctx = chart.ctx;
    ctx.save();
    ctx.strokeStyle = options.color;
    ctx.lineWidth = 2;
    if (options.dashed) ctx.setLineDash([5, 4]);
    ctx.beginPath();
    ctx.moveTo(px, top);
    ctx.lineTo(px, bottom);
    ctx.stroke();
    if (options.label) {
      ctx.setLineDash([]);
      ctx.fillStyle = options.color;
      ctx.font = `${Math.round((chart.options.font?.size as number | undefined) ?? 12)}px ${chart.options.font?.family ?? 'sans-serif'}`;
      ctx.textAlign = px > (left + right) / 2 ? 'right' : 'left';
      ctx.textBaseline = 'top';
      ctx.fillText(options.label, px + (ctx.textAlign === 'right' ? -4 : 4), top + 2);
    }
    ctx.restore();
  },
};

/** Sets the marker options (kept under options.plugins.stepMarker); call chart.update('none') after. */
export function setStepMarker(chart: Chart, options: StepMarkerOptions): void {
  const plugins = (chart.options.plugins ??= {}) as Record<string, unknown>;
  plugins.stepMarker = options;
}
