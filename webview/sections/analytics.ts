// The chart panel's Analytics section (docs/analytics.md): the findings of the engine's
// saturation and growth analytics, each with its steps, units and equation; a table of every
// sigmoid gate and unit (share of steps < 0.1 and > 0.9, mean slope g(1−g)); ‖dL/dh_t‖ on a log
// axis with a sentence giving its peak and its non-finite steps (drawn as gaps, said in words);
// and the seeds' idealised constant-factor curves w^k beside the spec's ungated RNN and path
// decay. It arrives once per trace (an `analytics` message), not per step. Everything is set
// with textContent or drawn by chart.js; colours come from the theme (--vscode-* variables).

import type { AnalyticsPayload, LineSeries, Phase } from '../../src/protocol/messages';
import { TimeChart } from '../charts/timeChart';
import { Theme, readTheme, watchTheme } from '../theme';

const COLORS: Record<string, keyof Theme> = { dL_dh: 'red', 'w0.5': 'orange', 'w0.95': 'blue', rnn: 'red', path: 'green' };

function element<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (text !== undefined) el.textContent = text;
  if (className) el.className = className;
  return el;
}

function chartBox(label: string): { box: HTMLDivElement; canvas: HTMLCanvasElement } {
  const box = element('div', undefined, 'canvas-box');
  const canvas = element('canvas');
  canvas.setAttribute('aria-label', label);
  box.append(canvas);
  return { box, canvas };
}

const percent = (share: number): string => `${(100 * share).toFixed(0)}%`;

/** Builds the section inside `card` and returns the function that applies each `analytics` message. */
export function mountAnalyticsSection(card: HTMLElement, pick: (phase: Phase, t: number) => void): (payload: AnalyticsPayload | undefined) => void {
  let theme = readTheme();
  const title = element('h2', 'Analytics');
  const findings = element('ul', undefined, 'findings');
  findings.id = 'analytics-findings';
  const gradient = chartBox('‖dL/dh_t‖ over time, log scale');
  gradient.canvas.id = 'analytics-gradient-chart';
  const gradientNote = element('p', '', 'summary');
  gradientNote.id = 'analytics-gradient-note';
  const idealised = chartBox('Idealised decay w^k against the spec, log scale');
  idealised.canvas.id = 'analytics-idealised-chart';
  const idealisedNotes = element('div', undefined, 'summary');
  idealisedNotes.id = 'analytics-idealised-notes';
  const tableTitle = element('h3', 'Saturation per gate and unit');
  const table = element('table', undefined, 'saturation');
  table.id = 'analytics-saturation';
  const tableNote = element('p', '', 'field-note');
  card.append(title, findings, gradient.box, gradientNote, idealised.box, idealisedNotes, tableTitle, table, tableNote);

  const colorOf = (field: string, th: Theme): string => (th[COLORS[field] ?? 'blue'] as string) || th.foreground;
  const fieldLabel = (field: string, lines: LineSeries[]): string => lines.find(l => l.field === field)?.label ?? field;
  const options = { clickPhase: (): Phase => 'backward', onPick: pick, colorOf, fieldLabel, tokenAt: () => '' };
  const gradientChart = new TimeChart(gradient.canvas, theme, options);
  const idealisedChart = new TimeChart(idealised.canvas, theme, options);
  watchTheme(next => {
    theme = next;
    gradientChart.applyTheme(next);
    idealisedChart.applyTheme(next);
  });

  return payload => {
    card.hidden = !payload;
    if (!payload) return;
    const T = Math.max(1, ...payload.idealised.lines.map(l => l.series.t[l.series.t.length - 1] ?? 1));
    title.textContent = payload.title;
    card.dataset.findings = String(payload.findings.length);
    findings.replaceChildren(...(payload.findings.length === 0
      ? [element('li', 'No finding: no gate saturated on most steps, no cell-state growth with f ≈ 1, no vanishing or exploding gradient.')]
      : payload.findings.map(finding => {
        const item = element('li');
        item.dataset.kind = finding.kind;
        item.append(element('strong', `${finding.kind}: `), element('span', finding.message));
        const where = `steps t = ${finding.steps}; ${finding.units.length === 1 ? 'unit' : 'units'} ${finding.units.join(', ')}`;
        item.append(element('div', where, 'finding-detail'), element('div', `equation: ${finding.equation}`, 'finding-detail'));
        return item;
      })));
    gradient.box.hidden = !payload.gradient;
    if (payload.gradient) gradientChart.setData(payload.gradient, T);
    gradientNote.textContent = payload.gradientNote;
    idealisedChart.setData(payload.idealised, T);
    idealisedNotes.replaceChildren(...payload.idealisedNotes.map(note => element('p', note)));
    const head = element('tr');
    for (const name of ['gate', 'unit', '< 0.1', '> 0.9', 'mean g(1−g)']) head.append(element('th', name));
    const rows = payload.saturation.map(row => {
      const tr = element('tr');
      tr.append(element('td', row.gate), element('td', String(row.unit)), element('td', percent(row.lowShare)),
        element('td', percent(row.highShare)), element('td', row.meanSlope.toPrecision(2)));
      return tr;
    });
    const thead = element('thead');
    thead.append(head);
    const tbody = element('tbody');
    tbody.append(...rows);
    table.replaceChildren(thead, tbody);
    table.hidden = rows.length === 0;
    tableTitle.hidden = rows.length === 0;
    tableNote.textContent = payload.saturationNote;
  };
}
