// One line chart over time steps (gates, states, gradient decay): created once, then its
// datasets are updated in place with chart.update('none') on a snapshot or a theme change. A Step
// never redraws the chart: the step marker and the veil over the steps not reached yet are on an
// overlay layer above it (overlay.ts), placed from the chart's own x scale. Each chart draw
// counts itself in the canvas's data-chart-draws (the end-to-end test checks that a Step adds
// none) and publishes where steps sit on screen (data-x-first / data-x-last / data-plot-y).
// Lines are coloured by field (theme --vscode-charts-*) and told apart by dash per unit; the
// legend shows one entry per field and toggles all its units. A click anywhere in the plot area
// asks the host to go to that step.

import type { ChartData as ProtocolChart, LineSeries, Phase } from '../../src/protocol/messages';
import type { Theme } from '../theme';
import { withAlpha } from '../theme';
import { Chart, applyChartChrome } from './setup';
import { ChartOverlay, NO_OVERLAY, OverlayState } from './overlay';
import { linearTick, logTick } from './tickFormat';
import { ScreenGate } from './screenGate';

type Point = { x: number; y: number | null };

const DASHES: number[][] = [[], [6, 3], [2, 2], [8, 3, 2, 3]];

export interface TimeChartOptions {
  /** the phase a click goes to, asked at click time (the cursor's phase for forward-time charts) */
  clickPhase: () => Phase;
  onPick: (phase: Phase, t: number) => void;
  /** field → theme colour name */
  colorOf: (field: string, theme: Theme) => string;
  /** long legend names per field: f → "f (forget)" */
  fieldLabel: (field: string, lines: LineSeries[]) => string;
  tokenAt: (t: number) => string;
}

export class TimeChart {
  readonly chart: Chart<'line', Point[]>;
  private keys = '';
  private lines: LineSeries[] = [];
  private T = 1;
  private theme: Theme;
  private overlayState: OverlayState = NO_OVERLAY;
  private readonly overlay: ChartOverlay;
  private draws = 0;
  /** new data for a chart out of view waits until it is in view (screenGate.ts) */
  private readonly gate: ScreenGate;

  constructor(readonly canvas: HTMLCanvasElement, theme: Theme, private readonly options: TimeChartOptions) {
    this.theme = theme;
    this.overlay = new ChartOverlay(canvas);
    this.chart = new Chart<'line', Point[]>(canvas, {
      type: 'line',
      data: { datasets: [] },
      // after every chart draw (data, theme, resize, legend): the overlay follows the new scales
      plugins: [{ id: 'cursorLayer', afterDraw: () => this.afterChartDraw() }],
      options: {
        parsing: false,
        normalized: true,
        animation: false,
        spanGaps: false,
        interaction: { mode: 'nearest', axis: 'x', intersect: false },
        elements: { point: { radius: 0, hoverRadius: 4, hitRadius: 6 }, line: { borderWidth: 1.5, tension: 0 } },
        scales: {
          x: {
            type: 'linear', title: { display: true, text: 'time step t' }, ticks: { precision: 0 },
            afterBuildTicks: scale => { scale.ticks = stepTicks(this.T, scale.width).map(value => ({ value })); },
          },
          y: { type: 'linear', title: { display: true, text: '' } },
        },
        plugins: {
          title: { display: true, text: '' },
          legend: {
            display: true,
            labels: {
              boxWidth: 14,
              boxHeight: 3,
              filter: (item, data) => {
                // one legend entry per field: its first unit
                const ds = data.datasets[item.datasetIndex ?? 0] as unknown as { field: string };
                const first = data.datasets.findIndex(d => (d as unknown as { field: string }).field === ds.field);
                return first === item.datasetIndex;
              },
              generateLabels: (chart) => {
                const labels = Chart.defaults.plugins.legend.labels.generateLabels(chart);
                for (const label of labels) {
                  const ds = chart.data.datasets[label.datasetIndex ?? 0] as unknown as { field: string };
                  label.text = this.options.fieldLabel(ds.field, this.lines);
                  label.lineDash = [];
                }
                return labels;
              },
            },
            onClick: (_event, item, legend) => {
              const chart = legend.chart;
              const field = (chart.data.datasets[item.datasetIndex ?? 0] as unknown as { field: string }).field;
              const visible = chart.isDatasetVisible(item.datasetIndex ?? 0);
              chart.data.datasets.forEach((d, i) => {
                if ((d as unknown as { field: string }).field === field) chart.setDatasetVisibility(i, !visible);
              });
              chart.update('none');
            },
          },
          tooltip: {
            callbacks: {
              title: (items) => {
                const t = Math.round(items[0]?.parsed.x ?? 0);
                const token = this.options.tokenAt(t);
                return token ? `t=${t}  ${token}` : `t=${t}`;
              },
              label: (item) => `${(item.dataset as unknown as { label: string }).label} = ${formatValue(item.parsed.y)}`,
            },
          },
        },
        onClick: (event, _elements, chart) => {
          const area = chart.chartArea;
          // a few pixels of slack: the first and last steps sit exactly on the plot's edges
          const slack = 8;
          if (event.x === null || event.y === null || event.x < area.left - slack || event.x > area.right + slack || event.y < area.top - slack || event.y > area.bottom + slack) return;
          const value = chart.scales.x.getValueForPixel(event.x);
          if (value === undefined) return;
          const t = Math.max(1, Math.min(this.T, Math.round(value)));
          this.options.onPick(this.options.clickPhase(), t);
        },
      },
    });
    this.applyTheme(theme, false);
    this.gate = new ScreenGate(canvas);
  }

  /**
   * Replaces the data in place: datasets are rebuilt only when the set of lines changed. A chart
   * out of view keeps the latest data and draws it when it comes into view.
   */
  setData(data: ProtocolChart, T: number): void {
    this.gate.run(() => this.applyData(data, T));
  }

  private applyData(data: ProtocolChart, T: number): void {
    this.T = Math.max(1, T);
    this.lines = data.lines;
    const keys = data.lines.map(l => l.key).join('|');
    const opts = this.chart.options;
    opts.plugins!.title!.text = data.title;
    const y = opts.scales!.y!;
    (y as { type: string }).type = data.logScale ? 'logarithmic' : 'linear';
    (y as { ticks: { callback?: unknown } }).ticks.callback = data.logScale ? logTick : linearTick;
    (y as { min?: number }).min = data.yMin;
    (y as { max?: number }).max = data.yMax;
    (y as { title: { text: string } }).title.text = data.yLabel;
    // a little room around the first and last step for short sequences; ticks stay on whole steps
    const pad = this.T <= 30 ? 0.2 : 0;
    const x = opts.scales!.x! as { min?: number; max?: number };
    x.min = 1 - pad;
    x.max = this.T + pad;
    const points = (line: LineSeries): Point[] => line.series.t.map((t, k) => ({ x: t, y: line.series.v[k] }));
    if (keys === this.keys) {
      data.lines.forEach((line, i) => { this.chart.data.datasets[i].data = points(line); });
    } else {
      this.keys = keys;
      const fields = [...new Set(data.lines.map(l => l.field))];
      this.chart.data.datasets = data.lines.map(line => {
        const unitIndex = data.lines.filter(l => l.field === line.field).indexOf(line);
        return {
          label: line.label,
          field: line.field,
          fieldIndex: fields.indexOf(line.field),
          unitIndex,
          data: points(line),
          borderDash: DASHES[unitIndex % DASHES.length],
        } as unknown as Chart<'line', Point[]>['data']['datasets'][number];
      });
      this.colorDatasets();
    }
    this.chart.update('none');
  }

  /**
   * Moves the step marker (t undefined hides it) and the veil over the steps not reached yet:
   * moves the overlay only, never redraws the chart.
   */
  setCursor(state: OverlayState): void {
    this.overlayState = { ...state, label: state.markerT === undefined ? undefined : `t=${state.markerT}` };
    this.paintOverlay();
  }

  private afterChartDraw(): void {
    const chart = this.chart;
    const canvas = this.canvas;
    this.draws++;
    canvas.dataset.chartDraws = String(this.draws);
    const x = chart?.scales.x;
    if (x) {
      // where steps sit on screen (CSS px): lets a test click the point of a given step
      canvas.dataset.xFirst = `${x.min}:${x.getPixelForValue(x.min).toFixed(1)}`;
      canvas.dataset.xLast = `${x.max}:${x.getPixelForValue(x.max).toFixed(1)}`;
      canvas.dataset.plotY = ((chart.chartArea.top + chart.chartArea.bottom) / 2).toFixed(1);
    }
    this.paintOverlay();
  }

  private paintOverlay(): void {
    const chart = this.chart;
    // the first draw runs inside the constructor, before this.chart is set
    const x = chart?.scales.x;
    if (!x || !chart.chartArea) return;
    const font = `${Math.round((chart.options.font?.size as number | undefined) ?? 12)}px ${chart.options.font?.family ?? 'sans-serif'}`;
    this.overlay.paint(chart.chartArea, t => x.getPixelForValue(t), this.overlayState, this.theme, font);
  }

  /** Colours per field from the theme; new dataset objects, since Chart.js caches resolved options per dataset object. */
  private colorDatasets(): void {
    this.chart.data.datasets = this.chart.data.datasets.map(ds => {
      const meta = ds as unknown as { field: string; unitIndex: number };
      const color = this.options.colorOf(meta.field, this.theme) || this.theme.foreground;
      // later units fade a little so many lines stay readable
      const alpha = this.theme.highContrast ? 1 : Math.max(0.55, 1 - meta.unitIndex * 0.07);
      return { ...ds, borderColor: alpha < 1 ? withAlpha(color, alpha) : color, backgroundColor: color, borderWidth: this.theme.highContrast ? 2.5 : 1.5 };
    });
  }

  applyTheme(theme: Theme, update = true): void {
    this.theme = theme;
    applyChartChrome(this.chart, theme);
    this.colorDatasets();
    // a full update (animation is off): 'none' keeps the points' shared resolved options
    if (update) this.chart.update();
  }
}

export function formatValue(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return String(v);
  const abs = Math.abs(v);
  return abs !== 0 && (abs < 1e-3 || abs >= 1e5) ? v.toExponential(3) : v.toFixed(4);
}


/** Whole-step ticks: 1, then multiples of a round step (1, 2, 5, 10, …) up to T, about one per 60 px. */
export function stepTicks(T: number, widthPx: number): number[] {
  const wanted = Math.max(2, Math.floor((widthPx || 300) / 60));
  const raw = Math.max(1, (T - 1) / wanted);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map(m => m * magnitude).find(s => s >= raw) ?? 10 * magnitude;
  const ticks = [1];
  for (let v = step; v <= T; v += step) if (v > 1) ticks.push(v);
  // the last step is labelled too when it is not too close to the previous tick
  if (ticks[ticks.length - 1] !== T && T - ticks[ticks.length - 1] >= step / 2) ticks.push(T);
  return ticks;
}
