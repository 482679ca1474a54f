// The chart panel's browser side. It says `ready` (with the view choices kept in setState),
// draws the snapshot the host answers with, and from then on only applies small updates: a
// `cursor` message (the step's detail only, never the trace) moves the overlays that hold the
// step markers and the veil over the steps not reached yet (progressive reveal), and refreshes the
// equations and the belt; a `trace` message replaces the series in place. Messages are coalesced
// to one render per animation frame; charts are created once and updated with chart.update('none')
// only by a snapshot or a theme change, never by a Step. Every piece of user data (spec
// name, tokens) is set with textContent or drawn by chart.js, never parsed as HTML. Buttons and
// keys send intents; the host owns the cursor. A banner says when the charts show an older trace
// than the spec (errors, a computation running, failed or cancelled) and dims them.

import type { CursorState, Freshness, HostToWebviewMessage, LineSeries, Phase, Snapshot, StepDetail, ViewOptions } from '../src/protocol/messages';
import { FRESH, assertNever, freshnessBanner, isHostMessage } from '../src/protocol/messages';
import { formatUnitList, parseUnitsField } from '../src/protocol/unitsField';
import { BeltChart } from './charts/beltChart';
import { HeatmapChart } from './charts/heatmap';
import { TimeChart } from './charts/timeChart';
import { FAINT_VEIL_ALPHA } from './charts/overlay';
import { flushPendingDraws } from './charts/screenGate';
import { revealFor } from './charts/overlayGeometry';
import { renderPng } from './png';
import { Theme, readTheme, watchTheme } from './theme';
import { send, vscode } from './vscodeApi';
import { syncLayerPicker, watchLayerPicker } from './layerPicker';
import { mountAnalyticsSection } from './sections/analytics';
import { mountCompareSection } from './sections/compare';
import { WhatIfSection } from './sections/whatIf';
import { createTrainingSection } from './sections/training';

const byId = <T extends HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`missing #${id}`);
  return el as T;
};

const FIELD_NAMES: Record<string, string> = {
  f: 'f forget', i: 'i input', o: 'o output', g: 'g candidate c̃',
  r: 'r reset', z: 'z update', n: 'n candidate', c: 'c_t cell', h: 'h_t hidden', a: 'a pre-activation',
};
const FIELD_COLORS: Record<string, keyof Theme> = {
  f: 'blue', i: 'green', o: 'orange', g: 'purple', r: 'orange', z: 'blue', n: 'purple', c: 'red', h: 'yellow', a: 'green',
  dL_dc: 'red', dL_dh: 'red', forgetProduct: 'blue', zProduct: 'blue', rnn: 'orange',
};

let theme = readTheme();
let snapshot: Snapshot | undefined;
let step: StepDetail | undefined;

const tokenAt = (t: number): string => snapshot?.tokens[t - 1] ?? '';
const pick = (phase: Phase, t: number): void => send({ type: 'goTo', phase, t });
const colorOf = (field: string, th: Theme): string => (th[FIELD_COLORS[field] ?? 'blue'] as string) || th.foreground;
const fieldLabel = (field: string, lines: LineSeries[]): string => {
  const sample = lines.find(l => l.field === field);
  return sample && sample.unit < 0 ? sample.label : (FIELD_NAMES[field] ?? field);
};
/** "units 0-3 (dash = unit)" for chart titles. */
const unitsNote = (units: number[]): string => (units.length > 1 ? `, units ${formatUnits(units)} (dash: unit)` : units.length === 1 ? `, unit ${units[0]}` : '');

/** Forward-time charts (gates, states, heatmap) show both phases: a click keeps the cursor's phase. */
const currentPhase = (): Phase => step?.cursor.phase ?? 'forward';
const gatesChart = new TimeChart(byId('gates-chart'), theme, { clickPhase: currentPhase, onPick: pick, colorOf, fieldLabel, tokenAt });
const statesChart = new TimeChart(byId('states-chart'), theme, { clickPhase: currentPhase, onPick: pick, colorOf, fieldLabel, tokenAt });
const decayChart = new TimeChart(byId('decay-chart'), theme, { clickPhase: () => 'backward', onPick: pick, colorOf, fieldLabel: (f, lines) => lines.find(l => l.field === f)?.label ?? f, tokenAt });
const chooseEquationUnit = (unit: number): void => {
  send({ type: 'chooseEquationUnit', unit });
  const kept = vscode.getState()?.view ?? {};
  vscode.setState({ view: { ...kept, equationUnit: unit } });
};
const beltChart = new BeltChart(byId('belt-chart'), theme, chooseEquationUnit);
// the Analytics and Compare sections (webview/sections/), each fed by its own message
const analyticsSection = mountAnalyticsSection(byId('analytics-card'), pick);
const compareSection = mountCompareSection(byId('compare-card'), pick);
const heatmapChart = new HeatmapChart(byId('gates-heatmap'), theme, t => pick(currentPhase(), t), byId('heatmap-readout'), () => snapshot?.tokens ?? []);
const whatIf = new WhatIfSection(byId('equations-card'), {
  send, snapshot: () => snapshot, colorOf, theme,
  charts: [{ chart: gatesChart.chart, lines: s => s.gates?.lines }, { chart: statesChart.chart, lines: s => s.states.lines }, { chart: decayChart.chart, lines: s => s.decay.lines }],
});

const trainingSection = createTrainingSection(byId('training-section'), theme);

const ui = {
  specName: byId<HTMLHeadingElement>('spec-name'),
  cursorLabel: byId<HTMLSpanElement>('cursor-label'),
  cursorToken: byId<HTMLSpanElement>('cursor-token'),
  status: byId<HTMLDivElement>('status'),
  stale: byId<HTMLDivElement>('stale'),
  warning: byId<HTMLDivElement>('warning'),
  charts: byId<HTMLElement>('charts'),
  units: byId<HTMLInputElement>('units-input'),
  unitsFieldNote: byId<HTMLDivElement>('units-note'),
  gateView: byId<HTMLSelectElement>('gate-view'),
  heatmapField: byId<HTMLSelectElement>('heatmap-field'),
  equationUnit: byId<HTMLInputElement>('equation-unit'),
  equationsTitle: byId<HTMLHeadingElement>('equations-title'),
  equations: byId<HTMLPreElement>('equations'),
  decaySummary: byId<HTMLParagraphElement>('decay-summary'),
  gatesBox: byId<HTMLCanvasElement>('gates-chart').parentElement!,
  heatmapBox: byId<HTMLCanvasElement>('gates-heatmap').parentElement!,
  beltCard: byId<HTMLElement>('belt-card'),
};

/** A computation shorter than this shows no banner: small specs recompute on every keystroke. */
const COMPUTING_BANNER_DELAY_MS = 400;
let bannerTimer: ReturnType<typeof setTimeout> | undefined;

/** Shows (or hides) the banner over an older trace; rendered as text, the charts dimmed under it. */
function applyFreshness(freshness: Freshness): void {
  clearTimeout(bannerTimer);
  bannerTimer = undefined;
  const text = freshnessBanner(freshness);
  const show = (): void => {
    ui.stale.textContent = text;
    ui.stale.hidden = !text;
    ui.stale.dataset.computeState = freshness.computeState;
    ui.charts.classList.toggle('stale', !!text);
  };
  if (text && freshness.computeState === 'computing' && ui.stale.hidden) bannerTimer = setTimeout(show, COMPUTING_BANNER_DELAY_MS);
  else show();
}

// ---- rendering ---------------------------------------------------------------------------------

function applySnapshot(next: Snapshot | undefined, status: string, freshness: Freshness): void {
  snapshot = next;
  ui.status.textContent = status;
  ui.status.hidden = !status;
  ui.charts.hidden = !next;
  // without charts the status line already says why
  applyFreshness(next ? freshness : FRESH);
  if (!next) {
    ui.specName.textContent = 'LSTM Charts';
    ui.cursorLabel.textContent = '';
    ui.cursorToken.textContent = '';
    return;
  }
  ui.specName.textContent = `${next.specName} — ${next.cell}, H=${next.H}, I=${next.I}, T=${next.T}, L=${next.loss.L.toPrecision(4)} (${next.loss.kind})`;
  ui.warning.textContent = next.warning ?? '';
  ui.warning.hidden = !next.warning;
  ui.beltCard.hidden = !next.hasBelt;
  const showHeatmap = !!next.heatmap && !next.gates;
  ui.gatesBox.hidden = showHeatmap || !next.gates;
  ui.heatmapBox.hidden = !showHeatmap;
  if (next.gates) gatesChart.setData({ ...next.gates, title: next.gates.title + unitsNote(next.view.units) }, next.T);
  if (next.heatmap && showHeatmap) {
    // the states (c, h) and an rnn's fields are no gates
    const what = !next.hasGates || next.heatmap.field === 'c' || next.heatmap.field === 'h' ? 'Over time' : 'Gates over time';
    heatmapChart.setData(next.heatmap, next.T, `${what}: ${FIELD_NAMES[next.heatmap.field] ?? next.heatmap.field}, units × time (bucket means)`);
  }
  statesChart.setData({ ...next.states, title: next.states.title + unitsNote(next.view.units) }, next.T);
  decayChart.setData(next.decay, next.T);
  ui.decaySummary.textContent = next.decaySummary;
  syncControls(next);
  vscode.setState({ view: next.view });
  whatIf.onSnapshot(next);
  applyStep(next.step);
}

function applyStep(detail: StepDetail): void {
  step = detail;
  const cursor: CursorState = detail.cursor;
  ui.cursorLabel.textContent = detail.label;
  ui.cursorToken.textContent = detail.token;
  ui.cursorToken.hidden = !detail.token;
  const forwardMarker = cursor.t >= 1 ? cursor.t : undefined;
  // the future drawn faintly (a translucent veil) or hidden (lstmStepper.chart.showFuture off)
  const veilAlpha = snapshot?.showFuture === false ? 1 : FAINT_VEIL_ALPHA;
  const forward = { markerT: forwardMarker, dashed: cursor.phase === 'backward', reveal: revealFor('forward', cursor), veilAlpha };
  gatesChart.setCursor(forward);
  statesChart.setCursor(forward);
  heatmapChart.setCursor(forward);
  decayChart.setCursor({ markerT: cursor.phase === 'backward' ? cursor.t : undefined, dashed: false, reveal: revealFor('backward', cursor), veilAlpha });
  if (snapshot?.belt) beltChart.setStep(detail, snapshot.belt);
  ui.equationsTitle.textContent = `Equations at ${detail.label}${detail.token ? ` (${detail.token})` : ''}, unit ${detail.equationUnit}`;
  // one span per line, the debugger's current equation marked, the what-if operands editable (text only)
  whatIf.renderEquations(ui.equations, detail);
  if (document.activeElement !== ui.equationUnit) ui.equationUnit.value = String(detail.equationUnit);
}

/** The spec (name and H) the Units note was written for: another spec clears it. */
let unitsNoteSpec = '';

function syncControls(next: Snapshot): void {
  syncLayerPicker(byId('layer-label'), byId<HTMLSelectElement>('layer-select'), next.layers);
  if (unitsNoteSpec && unitsNoteSpec !== `${next.specName}\u0000${next.H}`) {
    ui.unitsFieldNote.textContent = '';
    unitsNoteSpec = '';
  }
  if (document.activeElement !== ui.units) ui.units.value = formatUnits(next.view.units);
  ui.units.max = String(next.H - 1);
  ui.gateView.value = next.view.gateView;
  ui.gateView.disabled = !next.hasGates;
  ui.equationUnit.max = String(next.H - 1);
  const options = [...ui.heatmapField.options].map(o => o.value).join(',');
  if (options !== next.heatmapFields.join(',')) {
    ui.heatmapField.replaceChildren(...next.heatmapFields.map(f => {
      const option = document.createElement('option');
      option.value = f;
      option.textContent = f;
      return option;
    }));
  }
  ui.heatmapField.value = next.view.heatmapField;
  ui.heatmapField.disabled = next.view.gateView !== 'heatmap' && next.hasGates;
}

/** "0-3,5" for the Units field and chart titles. */
const formatUnits = (units: number[]): string => formatUnitList(units, '-');

// ---- messages: coalesced to one render per frame -------------------------------------------------

let pendingSnapshot: { message: Extract<HostToWebviewMessage, { type: 'snapshot' | 'trace' }>; at: number } | undefined;
let pendingStep: { message: Extract<HostToWebviewMessage, { type: 'cursor' }>; at: number } | undefined;
let frameRequested = false;

function scheduleRender(): void {
  if (frameRequested) return;
  frameRequested = true;
  requestAnimationFrame(render);
}

function render(): void {
  frameRequested = false;
  try {
    const drawn: HostToWebviewMessage['type'][] = [];
    if (pendingSnapshot) {
      const { message, at } = pendingSnapshot;
      pendingSnapshot = undefined;
      applySnapshot(message.snapshot, message.status, message.freshness);
      reportRendered(message.type, at, drawn);
    }
    if (pendingStep) {
      const { message, at } = pendingStep;
      pendingStep = undefined;
      if (snapshot) applyStep(message.step);
      reportRendered('cursor', at, drawn);
    }
  } catch (error) {
    send({ type: 'error', message: error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error) });
  }
}

/**
 * The time from a message's receipt to its drawing, for the benchmark only: sent to the host
 * (`rendered`) and kept in the body's data-rendered-kind / data-rendered-ms, never shown. The kind
 * lists every message drawn in this frame ("trace,cursor"), so an observer that sees the
 * attributes once per frame misses none.
 */
function reportRendered(kind: HostToWebviewMessage['type'], at: number, drawnThisFrame: HostToWebviewMessage['type'][]): void {
  const ms = performance.now() - at;
  drawnThisFrame.push(kind);
  document.body.dataset.renderedKind = drawnThisFrame.join(',');
  document.body.dataset.renderedMs = ms.toFixed(2);
  send({ type: 'rendered', kind, ms });
}

window.addEventListener('message', event => {
  const message: unknown = event.data;
  if (!isHostMessage(message)) return;
  const at = performance.now();
  switch (message.type) {
    case 'snapshot':
    case 'trace':
      pendingSnapshot = { message, at };
      pendingStep = undefined;
      scheduleRender();
      return;
    case 'cursor':
      pendingStep = { message, at };
      scheduleRender();
      return;
    case 'freshness':
      // no drawing involved: applied at once, or to the snapshot still waiting for its frame
      if (pendingSnapshot) pendingSnapshot = { ...pendingSnapshot, message: { ...pendingSnapshot.message, freshness: message.freshness } };
      else if (snapshot) applyFreshness(message.freshness);
      return;
    case 'training':
    case 'trainingDelta':
    case 'trainingStep':
      trainingSection.onMessage(message);
      return;
    case 'requestPng':
      // a snapshot that arrived just before is drawn first
      if (pendingSnapshot || pendingStep) render();
      // the charts out of view draw their latest data first: the export copies every canvas
      flushPendingDraws();
      try {
        send({ type: 'exportPng', requestId: message.requestId, dataUrl: renderPng(theme, ui.specName.textContent ?? '', step?.equations ?? []) });
      } catch (error) {
        send({ type: 'exportPng', requestId: message.requestId, error: error instanceof Error ? error.message : String(error) });
      }
      return;
    case 'analytics': analyticsSection(message.analytics); return;
    case 'compare': compareSection(message.compare, message.status); return;
    default:
      assertNever(message);
  }
});

// ---- intents: buttons, keys, controls ---------------------------------------------------------------

type Intent = 'step' | 'stepBack' | 'runToEnd' | 'runBackward' | 'reset';
const INTENTS: readonly Intent[] = ['step', 'stepBack', 'runToEnd', 'runBackward', 'reset'];

for (const button of document.querySelectorAll<HTMLButtonElement>('button[data-intent]')) {
  const intent = button.dataset.intent as Intent;
  if (INTENTS.includes(intent)) button.addEventListener('click', () => send({ type: intent }));
}

window.addEventListener('keydown', event => {
  const target = event.target as HTMLElement | null;
  if (target && (target.tagName === 'INPUT' || target.tagName === 'SELECT' || target.tagName === 'TEXTAREA')) return;
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  let intent: Intent | undefined;
  if (event.key === 'ArrowRight') intent = 'step';
  else if (event.key === 'ArrowLeft') intent = 'stepBack';
  else if (event.key === 'Home') intent = 'reset';
  else if (event.key === 'End') intent = event.shiftKey ? 'runBackward' : 'runToEnd';
  if (!intent) return;
  event.preventDefault();
  send({ type: intent });
});

ui.units.addEventListener('change', () => {
  const { units, note } = parseUnitsField(ui.units.value, snapshot?.H ?? Number.MAX_SAFE_INTEGER);
  // what was taken and why, under the field; the note stays in the page (empty when there is
  // nothing to say) so that screen readers announce each new text (aria-live)
  ui.unitsFieldNote.textContent = note;
  unitsNoteSpec = snapshot ? `${snapshot.specName}\u0000${snapshot.H}` : '';
  if (units.length > 0) send({ type: 'selectUnits', units });
});
ui.equationUnit.addEventListener('change', () => {
  const unit = Number(ui.equationUnit.value);
  if (Number.isInteger(unit) && unit >= 0) chooseEquationUnit(unit);
});
watchLayerPicker(byId<HTMLSelectElement>('layer-select'), send);
ui.gateView.addEventListener('change', () => {
  send({ type: 'setGateView', gateView: ui.gateView.value === 'heatmap' ? 'heatmap' : 'lines', heatmapField: ui.heatmapField.value || undefined });
});
ui.heatmapField.addEventListener('change', () => {
  send({ type: 'setGateView', gateView: 'heatmap', heatmapField: ui.heatmapField.value });
});

watchTheme(next => {
  theme = next;
  gatesChart.applyTheme(next);
  statesChart.applyTheme(next);
  decayChart.applyTheme(next);
  beltChart.applyTheme(next);
  heatmapChart.applyTheme(next);
  whatIf.applyTheme(next);
  trainingSection.applyTheme(next);
});

window.addEventListener('error', event => send({ type: 'error', message: String(event.message) }));

const kept: Partial<ViewOptions> | undefined = vscode.getState()?.view;
ui.charts.hidden = true;
send({ type: 'ready', view: kept });
