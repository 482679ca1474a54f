// The chart panel's Compare section (docs/analytics.md, "Compare cells"): after "LSTM: Compare
// Cells" the spec's inputs run through lstm, gru and rnn of the same hidden size, and this section
// overlays their hidden states (colour per cell, dash per unit) and their gradient decay
// ‖dL/dh_t‖ with the gated path decay (log axis), with one summary line per cell. It arrives once
// per command (a `compare` message); a later message without a payload clears it and says why.
// Text is set with textContent only; colours come from the theme (--vscode-* variables).

import type { ComparePayload, LineSeries, Phase } from '../../src/protocol/messages';
import { TimeChart } from '../charts/timeChart';
import { Theme, readTheme, watchTheme } from '../theme';

/** One colour per cell kind (its path-decay line shares it). */
const CELL_COLORS: Record<string, keyof Theme> = { lstm: 'blue', gru: 'green', rnn: 'orange', lstm_peephole: 'purple' };

function chartBox(id: string, label: string): { box: HTMLDivElement; canvas: HTMLCanvasElement } {
  const box = document.createElement('div');
  box.className = 'canvas-box';
  const canvas = document.createElement('canvas');
  canvas.id = id;
  canvas.setAttribute('aria-label', label);
  box.append(canvas);
  return { box, canvas };
}

/** Builds the section inside `card` and returns the function that applies each `compare` message. */
export function mountCompareSection(card: HTMLElement, pick: (phase: Phase, t: number) => void): (compare: ComparePayload | undefined, status: string) => void {
  let theme = readTheme();
  const title = document.createElement('h2');
  title.textContent = 'Compare cells';
  const status = document.createElement('p');
  status.className = 'field-note';
  const states = chartBox('compare-states-chart', 'Hidden state per cell over time');
  const decay = chartBox('compare-decay-chart', 'Gradient decay per cell, log scale');
  const summary = document.createElement('div');
  summary.className = 'summary';
  summary.id = 'compare-summary';
  card.append(title, status, states.box, decay.box, summary);

  const colorOf = (field: string, th: Theme): string => (th[CELL_COLORS[field.split(':')[0]] ?? 'foreground'] as string) || th.foreground;
  const fieldLabel = (field: string, lines: LineSeries[]): string => {
    const first = lines.find(l => l.field === field);
    return first ? (first.unit >= 0 ? `${field} h_t` : first.label) : field;
  };
  const statesChart = new TimeChart(states.canvas, theme, { clickPhase: () => 'forward', onPick: pick, colorOf, fieldLabel, tokenAt: () => '' });
  const decayChart = new TimeChart(decay.canvas, theme, { clickPhase: () => 'backward', onPick: pick, colorOf, fieldLabel, tokenAt: () => '' });
  watchTheme(next => {
    theme = next;
    statesChart.applyTheme(next);
    decayChart.applyTheme(next);
  });

  return (compare, text) => {
    status.textContent = text;
    status.hidden = !text;
    card.hidden = !compare && !text;
    states.box.hidden = !compare;
    decay.box.hidden = !compare;
    if (!compare) {
      summary.replaceChildren();
      card.dataset.cells = '';
      return;
    }
    const T = Math.max(1, ...compare.states.lines.map(l => l.series.t[l.series.t.length - 1] ?? 1));
    title.textContent = compare.title;
    // for the tests: which cells are overlaid, and how many lines each chart carries
    card.dataset.cells = compare.cells.map(c => c.cell).join(',');
    card.dataset.stateLines = String(compare.states.lines.length);
    card.dataset.decayLines = String(compare.decay.lines.length);
    statesChart.setData(compare.states, T);
    decayChart.setData(compare.decay, T);
    summary.replaceChildren(...compare.summary.map(line => {
      const p = document.createElement('p');
      p.textContent = line;
      return p;
    }));
    if (compare) card.scrollIntoView({ block: 'nearest' });
  };
}
