// The conveyor belt at the cursor's step, as grouped bars per unit: how much of c_{t-1} was
// kept (f·c_{t-1}), how much was added (i·g) and the result c_t = kept + added (GRU: z·h_{t-1},
// (1−z)·n, h_t). One bar chart of at most 8 units × 3 bars: a Step replaces its few values in
// place and redraws it only when they changed, and only while it is on screen: a belt scrolled out
// of view keeps the latest step and draws it when it comes back (screenGate.ts; its draws are
// counted in data-chart-draws).

import type { StepDetail } from '../../src/protocol/messages';
import type { Theme } from '../theme';
import { formatValue } from './timeChart';
import { Chart, applyChartChrome } from './setup';
import { ScreenGate } from './screenGate';

export class BeltChart {
  readonly chart: Chart<'bar', number[], string>;
  private theme: Theme;

  private units: number[] = [];
  /** what the belt shows now (title, labels, values): a step that leaves it unchanged draws nothing */
  private shown = '';
  private draws = 0;
  /** a step that arrives while the canvas is out of view waits for it */
  private readonly gate: ScreenGate;

  /** `onPickUnit`: a click on a unit's bars shows that unit's equations. */
  constructor(readonly canvas: HTMLCanvasElement, theme: Theme, onPickUnit: (unit: number) => void) {
    this.theme = theme;
    this.chart = new Chart<'bar', number[], string>(canvas, {
      type: 'bar',
      data: { labels: [], datasets: [0, 1, 2].map(() => ({ label: '', data: [] as number[], borderWidth: 1 })) },
      plugins: [{ id: 'countDraws', afterDraw: () => { this.draws++; canvas.dataset.chartDraws = String(this.draws); } }],
      options: {
        animation: false,
        onClick: (event, _elements, chart) => {
          if (event.x === null) return;
          const index = chart.scales.x.getValueForPixel(event.x);
          if (index !== undefined && index >= 0 && index < this.units.length) onPickUnit(this.units[Math.round(index)]);
        },
        scales: {
          x: { type: 'category', title: { display: true, text: 'unit (click: its equations)' } },
          y: { type: 'linear', title: { display: true, text: 'cell state contribution' } },
        },
        plugins: {
          title: { display: true, text: 'Conveyor belt' },
          legend: { display: true },
          tooltip: { callbacks: { label: item => `${item.dataset.label} = ${formatValue(item.parsed.y)}` } },
        },
      },
    });
    this.applyTheme(theme, false);
    this.gate = new ScreenGate(canvas);
  }

  /** belt: the cell's update and its result state, from the snapshot (the cell table's entry) */
  setStep(step: StepDetail, belt: { equation: string; result: string }): void {
    this.gate.run(() => this.draw(step, belt));
  }

  private draw(step: StepDetail, belt: { equation: string; result: string }): void {
    const c = this.chart;
    const t = step.cursor.t;
    const result = belt.result;
    const shown = `${t}\u0000${belt.equation}\u0000${result}\u0000${step.beltLabels.join('\u0000')}\u0000${step.belt.map(b => `${b.unit}:${b.kept}:${b.added}:${b.result}`).join(',')}`;
    if (shown === this.shown) return;
    this.shown = shown;
    c.options.plugins!.title!.text = t >= 1
      ? `Conveyor belt at t=${t}: ${belt.equation}`
      : `Conveyor belt (step to t=1 to fill the belt)`;
    (c.options.scales!.y as { title: { text: string } }).title.text = `contribution to ${result}_t`;
    this.units = step.belt.map(b => b.unit);
    c.data.labels = step.belt.map(b => `unit ${b.unit}`);
    const keys = ['kept', 'added', 'result'] as const;
    keys.forEach((key, i) => {
      c.data.datasets[i].label = step.beltLabels[i];
      c.data.datasets[i].data = step.belt.map(b => b[key]);
    });
    c.update('none');
  }

  applyTheme(theme: Theme, update = true): void {
    this.theme = theme;
    applyChartChrome(this.chart, theme);
    const colors = [this.theme.blue, this.theme.green, this.theme.red];
    // new dataset objects: Chart.js caches resolved element options per dataset object
    this.chart.data.datasets = this.chart.data.datasets.map((ds, i) => ({ ...ds, backgroundColor: colors[i], borderColor: colors[i] }));
    // a full update (animation is off): 'none' keeps the bars' shared resolved options
    if (update) this.chart.update();
  }
}
