// The chart panel's Training section (docs/training.md, "Training in VS Code"): a training run's
// loss over training steps, the gradient norm BEFORE clipping on a log axis with the clipping
// threshold drawn as a line, the per-gate summaries (each gate's mean over time and units, and
// the mean forget bias) over training steps, a scrubber that makes every view show the model
// after k updates (`scrubTraining`), and Apply Trained Weights. The host sends the run once
// (`training`), appended curve entries while it trains (`trainingDelta`) and the scrubbed step
// (`trainingStep`), never per cursor step. Built with createElement/textContent only; colours
// come from the theme (--vscode-* variables).

import type { HostToWebviewMessage, TrainingView } from '../../src/protocol/messages';
import { Chart, applyChartChrome } from '../charts/setup';
import { ChartOverlay, NO_OVERLAY, type OverlayState } from '../charts/overlay';
import { linearTick, logTick } from '../charts/tickFormat';
import type { Theme } from '../theme';
import { send } from '../vscodeApi';

type TrainingMessage = Extract<HostToWebviewMessage, { type: 'training' | 'trainingDelta' | 'trainingStep' }>;

const GATE_COLORS: Record<string, keyof Theme> = { f: 'blue', i: 'green', g: 'purple', o: 'orange', r: 'orange', z: 'blue', n: 'purple' };
/** how long the slider waits while dragged before it asks for a step (each one recomputes a trace) */
const SCRUB_DEBOUNCE_MS = 120;

function element<K extends keyof HTMLElementTagNameMap>(tag: K, parent: HTMLElement, text?: string, className?: string): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (text !== undefined) el.textContent = text;
  if (className) el.className = className;
  parent.appendChild(el);
  return el;
}

type LineChart = Chart<'line', { x: number; y: number }[]>;

/**
 * The scrubbed step's marker on each training chart: the panel's cursor layer (elements above the
 * chart, charts/overlay.ts), placed again after every chart draw with the state kept here.
 */
const markers = new WeakMap<HTMLCanvasElement, { overlay: ChartOverlay; state: OverlayState; theme: Theme }>();

function paintMarker(chart: LineChart): void {
  const marker = markers.get(chart.canvas);
  const x = chart.scales.x;
  if (!marker || !x || !chart.chartArea) return;
  const font = `${Math.round((chart.options.font?.size as number | undefined) ?? 12)}px ${chart.options.font?.family ?? 'sans-serif'}`;
  marker.overlay.paint(chart.chartArea, t => x.getPixelForValue(t), marker.state, marker.theme, font);
}

/** Marks training step `step` (undefined: none) on `chart`, and takes `theme`'s colours. */
function setTrainingMarker(chart: LineChart, step: number | undefined, theme: Theme): void {
  const marker = markers.get(chart.canvas);
  if (!marker) return;
  marker.state = { ...NO_OVERLAY, markerT: step, label: step === undefined ? undefined : `k=${step}` };
  marker.theme = theme;
}

function lineChart(canvas: HTMLCanvasElement, theme: Theme, title: string, yTitle: string, log: boolean, onPick: (step: number) => void): LineChart {
  markers.set(canvas, { overlay: new ChartOverlay(canvas), state: NO_OVERLAY, theme });
  const chart: LineChart = new Chart(canvas, {
    type: 'line',
    data: { datasets: [] },
    plugins: [{ id: 'trainingMarker', afterDraw: c => paintMarker(c as unknown as LineChart) }],
    options: {
      parsing: false, normalized: true, spanGaps: true,
      plugins: { title: { display: true, text: title }, legend: { display: true, labels: {} }, tooltip: { mode: 'nearest', intersect: false } },
      scales: {
        x: { type: 'linear', title: { display: true, text: 'training step k' }, ticks: { callback: linearTick }, grid: {}, border: {} },
        y: log
          ? { type: 'logarithmic', title: { display: true, text: yTitle }, ticks: { callback: logTick }, grid: {}, border: {} }
          : { type: 'linear', title: { display: true, text: yTitle }, ticks: { callback: linearTick }, grid: {}, border: {} },
      },
      onClick: (_event, _elements, c) => {
        const native = _event.native as MouseEvent | undefined;
        if (!native) return;
        const x = c.scales.x.getValueForPixel(native.offsetX);
        if (x !== undefined && Number.isFinite(x)) onPick(Math.max(0, Math.round(x)));
      },
    },
  });
  applyChartChrome(chart, theme);
  return chart;
}

const points = (values: readonly number[], offset = 0): { x: number; y: number }[] => values.map((y, k) => ({ x: k + offset, y }));

export interface TrainingSection {
  onMessage(message: TrainingMessage): void;
  applyTheme(theme: Theme): void;
}

export function createTrainingSection(container: HTMLElement, initialTheme: Theme): TrainingSection {
  let theme = initialTheme;
  let view: TrainingView | undefined;
  let scrubbed: number | undefined;
  let scrubTimer: ReturnType<typeof setTimeout> | undefined;
  let frame = false;

  container.replaceChildren();
  element('h2', container, 'Training');
  const summary = element('p', container, '', 'summary');
  summary.id = 'training-summary';
  const controls = element('div', container, undefined, 'toolbar');
  const label = element('label', controls, 'Training step ');
  const slider = element('input', label);
  slider.type = 'range';
  slider.id = 'training-scrubber';
  slider.min = '0';
  slider.step = '1';
  slider.setAttribute('aria-describedby', 'training-step-label');
  const stepLabel = element('span', controls, '', 'cursor-label');
  stepLabel.id = 'training-step-label';
  stepLabel.setAttribute('aria-live', 'polite');
  const own = element('button', controls, 'Spec\'s weights');
  own.type = 'button';
  own.title = 'Show the spec\'s own weights again (no training step)';
  const apply = element('button', controls, 'Apply Trained Weights');
  apply.type = 'button';
  apply.id = 'training-apply';
  apply.title = 'Write the shown training step\'s weights (else the last step\'s) into the spec, as one undoable edit';
  const note = element('p', container, '', 'field-note');
  note.id = 'training-note';
  const box = (aria: string): HTMLCanvasElement => {
    const div = element('div', container, undefined, 'canvas-box');
    const canvas = element('canvas', div);
    canvas.setAttribute('aria-label', aria);
    return canvas;
  };
  const pick = (step: number): void => scrubTo(step);
  const lossChart = lineChart(box('Loss over training steps'), theme, 'Loss L_k (before update k+1)', 'loss', false, pick);
  const normChart = lineChart(box('Gradient norm before clipping over training steps, log scale'), theme, 'Gradient norm ‖g_k‖ before clipping (log scale)', '‖g‖₂', true, pick);
  const gatesChart = lineChart(box('Gate means over training steps'), theme, 'Gate means over t and units, and the mean forget bias', 'mean', false, pick);
  normChart.canvas.id = 'training-grad-norm';
  lossChart.canvas.id = 'training-loss';
  gatesChart.canvas.id = 'training-gates';

  function scrubTo(step: number): void {
    if (!view || view.running) return;
    const stride = view.stride;
    const last = view.stepsTaken;
    const k = step >= last ? last : Math.round(step / stride) * stride;
    slider.value = String(k);
    send({ type: 'scrubTraining', step: k });
  }

  slider.addEventListener('input', () => {
    if (scrubTimer !== undefined) clearTimeout(scrubTimer);
    const value = Number(slider.value);
    stepLabel.textContent = `step ${value} of ${view?.stepsTaken ?? 0}…`;
    scrubTimer = setTimeout(() => { scrubTimer = undefined; scrubTo(value); }, SCRUB_DEBOUNCE_MS);
  });
  slider.addEventListener('change', () => {
    if (scrubTimer !== undefined) clearTimeout(scrubTimer);
    scrubTimer = undefined;
    scrubTo(Number(slider.value));
  });
  own.addEventListener('click', () => send({ type: 'scrubTraining' }));
  apply.addEventListener('click', () => send({ type: 'applyTrainedWeights' }));

  function color(key: keyof Theme | undefined): string {
    return ((key && (theme[key] as string)) || theme.foreground);
  }

  function draw(): void {
    frame = false;
    container.hidden = view === undefined;
    if (!view) return;
    const n = view.stepsTaken;
    summary.textContent = `${view.specName}: ${view.settingsLabel}${view.running ? ` — training, step ${view.stepsTaken} of ${view.steps}` : ` — ${view.stepsTaken} step${view.stepsTaken === 1 ? '' : 's'} taken`}`
      + (view.loss.length > 0 ? `; loss ${view.loss[0].toPrecision(4)} → ${view.loss[view.loss.length - 1].toPrecision(4)}` : '');
    note.textContent = view.note;
    slider.max = String(n);
    slider.step = String(view.stride);
    slider.disabled = view.running;
    apply.disabled = view.running;
    own.disabled = view.running || scrubbed === undefined;
    if (scrubbed !== undefined) slider.value = String(scrubbed);
    else if (!view.running) slider.value = String(n);
    stepLabel.textContent = view.running ? 'scrub once training is done'
      : scrubbed === undefined ? `the views show the spec's own weights (apply takes step ${n})`
        : `the views show training step ${scrubbed} of ${n} (not applied)`;
    container.dataset.scrubbed = scrubbed === undefined ? '' : String(scrubbed);
    container.dataset.stepsTaken = String(view.stepsTaken);
    container.dataset.running = String(view.running);

    lossChart.data.datasets = [{ label: 'loss', data: points(view.loss), borderColor: color('red'), backgroundColor: color('red'), pointRadius: 0, borderWidth: 1.5 }];
    const positive = view.gradNorm.map(g => (g > 0 && Number.isFinite(g) ? g : NaN));
    const norms = [{ label: '‖g‖ before clipping', data: points(positive), borderColor: color('orange'), backgroundColor: color('orange'), pointRadius: 0, borderWidth: 1.5 }];
    if (view.clipNorm !== undefined && view.gradNorm.length > 0) {
      norms.push({ label: `clip threshold C = ${view.clipNorm}`, data: [{ x: 0, y: view.clipNorm }, { x: Math.max(1, view.gradNorm.length - 1), y: view.clipNorm }], borderColor: color('muted'), backgroundColor: color('muted'), pointRadius: 0, borderWidth: 1 });
    }
    normChart.data.datasets = norms;
    // the threshold dashed, the norm solid
    if (normChart.data.datasets[1]) (normChart.data.datasets[1] as { borderDash?: number[] }).borderDash = [6, 4];
    const gates = view.gates.map(gate => ({
      label: `mean ${gate.role}`, data: points(gate.mean), borderColor: color(GATE_COLORS[gate.name]), backgroundColor: color(GATE_COLORS[gate.name]), pointRadius: 0, borderWidth: 1.5,
    }));
    if (view.forgetBias) gates.push({ label: `mean ${view.forgetBias.name}`, data: points(view.forgetBias.mean), borderColor: color('yellow'), backgroundColor: color('yellow'), pointRadius: 0, borderWidth: 1.5 });
    gatesChart.data.datasets = gates;
    for (const chart of [lossChart, normChart, gatesChart]) {
      setTrainingMarker(chart, scrubbed, theme);
      chart.update('none');
    }
  }

  function schedule(): void {
    if (frame) return;
    frame = true;
    requestAnimationFrame(draw);
  }

  return {
    onMessage(message) {
      switch (message.type) {
        case 'training':
          view = message.training && { ...message.training, loss: [...message.training.loss], gradNorm: [...message.training.gradNorm], gates: message.training.gates.map(g => ({ ...g, mean: [...g.mean] })), ...(message.training.forgetBias ? { forgetBias: { ...message.training.forgetBias, mean: [...message.training.forgetBias.mean] } } : {}) };
          scrubbed = view?.scrubbed;
          break;
        case 'trainingDelta':
          if (!view) return;
          view.loss.push(...message.delta.loss);
          view.gradNorm.push(...message.delta.gradNorm);
          message.delta.gates.forEach((values, g) => view?.gates[g]?.mean.push(...values));
          view.forgetBias?.mean.push(...message.delta.forgetBias);
          view.stepsTaken = message.stepsTaken;
          break;
        case 'trainingStep':
          scrubbed = message.step;
          if (view) view.scrubbed = message.step;
          break;
      }
      schedule();
    },
    applyTheme(next) {
      theme = next;
      for (const chart of [lossChart, normChart, gatesChart]) applyChartChrome(chart, next);
      schedule();
    },
  };
}
