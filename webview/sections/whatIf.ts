// The equation view's what-if (docs/panel.md#what-if): every weight, bias and input the host
// lists as an operand of the shown equations is a focusable number. A horizontal drag changes it
// proportionally (Shift: ten times finer) and sends `whatIfPreview` at most once per frame, the
// release `whatIfCommit`; a click or Enter opens a number box (Enter commits, Escape cancels);
// arrow keys commit ± one step. Intents only: the host recomputes and edits the spec. At the start
// of each change the series on screen become the ghost: drawn faint and dashed under the new
// ones (a Chart.js plugin of this file) until the next change, or hidden with the toggle.
// Every value is set as text (textContent, input.value), never parsed as HTML.

import type { Chart } from 'chart.js';
import type { EquationOperand, LineSeries, Snapshot, StepDetail, WebviewToHostMessage } from '../../src/protocol/messages';
import type { Theme } from '../theme';
import { withAlpha } from '../theme';
import { Chart as ChartJs } from '../charts/setup';

/** One time chart and which of the snapshot's line sets it draws. */
export interface GhostChart {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  chart: Chart<any>;
  lines: (snapshot: Snapshot) => LineSeries[] | undefined;
}

export interface WhatIfOptions {
  send: (message: WebviewToHostMessage) => void;
  /** the snapshot on screen now (the ghost is taken from it) */
  snapshot: () => Snapshot | undefined;
  charts: GhostChart[];
  colorOf: (field: string, theme: Theme) => string;
  theme: Theme;
}

/** What a chart's ghost plugin reads: the lines of the trace before the change, for a trace of T steps. */
interface GhostState { lines: LineSeries[]; T: number; color: (field: string) => string; visible: boolean }

const GHOST_KEY = '$whatIfGhost';
/** Pixels of horizontal movement before a press becomes a drag (a click opens the number box). */
const DRAG_THRESHOLD_PX = 3;
/** Pixels of drag per step (Shift: per tenth of a step). */
const PX_PER_STEP = 10;

/** The step of a value's arrows and drags: its order of magnitude (0.1 for |v| < 0.1), a tenth of that when fine. */
export function stepOf(value: number, fine: boolean): number {
  const step = 10 ** Math.floor(Math.log10(Math.max(Math.abs(value), 0.1)));
  return fine ? step / 10 : step;
}

/** `value` rounded to the decimals of `step` (0.30000000000000004 → 0.3). */
export function roundTo(value: number, step: number): number {
  const decimals = Math.max(0, Math.min(15, -Math.floor(Math.log10(step)) + 1));
  const rounded = Number(value.toFixed(decimals));
  return Object.is(rounded, -0) ? 0 : rounded;
}

/** The value after a horizontal drag of `dx` pixels from `start`: proportional to the value's magnitude. */
export function draggedValue(start: number, dx: number, fine: boolean): number {
  const step = stepOf(start, fine);
  return roundTo(start + (dx / PX_PER_STEP) * step, step / 10);
}

/** Draws each chart's ghost lines under its datasets, clipped to the plot area. */
const ghostPlugin = {
  id: 'whatIfGhost',
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  beforeDatasetsDraw(chart: Chart<any>): void {
    const ghost = (chart as unknown as Record<string, GhostState | undefined>)[GHOST_KEY];
    const canvas = chart.canvas;
    if (!ghost || !ghost.visible || ghost.lines.length === 0) { canvas.dataset.ghostLines = '0'; return; }
    const { ctx, chartArea: area, scales } = chart;
    const x = scales.x;
    const y = scales.y;
    if (!x || !y) return;
    ctx.save();
    ctx.beginPath();
    ctx.rect(area.left, area.top, area.right - area.left, area.bottom - area.top);
    ctx.clip();
    ctx.setLineDash([3, 3]);
    ctx.lineWidth = 1.5;
    let drawn = 0;
    for (const line of ghost.lines) {
      ctx.strokeStyle = ghost.color(line.field);
      ctx.beginPath();
      let open = false;
      line.series.t.forEach((t, k) => {
        const v = line.series.v[k];
        if (v === null) { open = false; return; }
        const px = x.getPixelForValue(t);
        const py = y.getPixelForValue(v);
        if (open) ctx.lineTo(px, py); else ctx.moveTo(px, py);
        open = true;
      });
      ctx.stroke();
      drawn++;
    }
    ctx.restore();
    // for the tests: how many ghost lines this chart drew last
    canvas.dataset.ghostLines = String(drawn);
  },
};
ChartJs.register(ghostPlugin);

/** A drag in progress: where it started and the value it shows now. */
interface Drag { operand: EquationOperand; key: string; startX: number; start: number; value: number; dragging: boolean; pointerId: number; sent?: number; frame?: number }

export class WhatIfSection {
  private theme: Theme;
  private ghost: { lines: LineSeries[][]; T: number } | undefined;
  private showGhost = true;
  private drag: Drag | undefined;
  /** the operand being typed into (its key), and the step detail that arrived meanwhile (drawn when the box closes) */
  private editing: string | undefined;
  private deferred: { container: HTMLElement; detail: StepDetail } | undefined;
  /** the equation lines drawn now (their spans, text nodes and operand elements) and their shape */
  private drawn: { container: HTMLElement; shape: string; lines: { span: HTMLSpanElement; texts: Text[]; operands: HTMLElement[] }[] } | undefined;
  /** the operand each element shows now: an element is kept across Steps, its listeners read this */
  private readonly operandOf = new WeakMap<HTMLElement, EquationOperand>();
  private readonly toggle: HTMLInputElement;
  private readonly toggleLabel: HTMLLabelElement;

  constructor(card: HTMLElement, private readonly options: WhatIfOptions) {
    this.theme = options.theme;
    const bar = document.createElement('div');
    bar.className = 'what-if-bar';
    const hint = document.createElement('span');
    hint.className = 'what-if-hint';
    hint.textContent = 'What-if: drag an underlined number sideways (Shift: finer), or Tab to it and press Enter to type a value, arrow keys ± a step. Each change is one edit of the spec (Ctrl+Z there undoes it).';
    this.toggleLabel = document.createElement('label');
    this.toggle = document.createElement('input');
    this.toggle.type = 'checkbox';
    this.toggle.id = 'what-if-ghost';
    this.toggle.checked = true;
    this.toggleLabel.append(this.toggle, document.createTextNode(' show the previous trace (dashed)'));
    this.toggleLabel.hidden = true;
    this.toggle.addEventListener('change', () => { this.showGhost = this.toggle.checked; this.applyGhost(); });
    bar.append(hint, this.toggleLabel);
    const title = card.querySelector('h2');
    if (title) title.after(bar); else card.prepend(bar);
    window.addEventListener('pointermove', event => this.onPointerMove(event));
    window.addEventListener('pointerup', event => this.onPointerUp(event));
    window.addEventListener('pointercancel', () => this.cancelDrag());
  }

  applyTheme(theme: Theme): void {
    this.theme = theme;
    this.applyGhost();
  }

  /**
   * The equation lines with their operands as editable numbers (text only). A Step usually
   * changes only the numbers: when the lines have the same shape as those drawn (as many lines,
   * the same operands in each), their text nodes and operand elements are updated in place (the
   * focused operand keeps the focus); otherwise the lines are built again.
   */
  renderEquations(container: HTMLElement, detail: StepDetail): void {
    if (this.editing) { this.deferred = { container, detail }; return; }
    const byLine = new Map<number, EquationOperand[]>();
    for (const operand of detail.operands ?? []) {
      const list = byLine.get(operand.line) ?? [];
      list.push(operand);
      byLine.set(operand.line, list);
    }
    // each line as its texts between the operands (one more text than operands) and the operands
    const lines = detail.equations.map((line, k) => {
      const texts: string[] = [];
      const operands: { operand: EquationOperand; printed: string }[] = [];
      let at = 0;
      for (const operand of (byLine.get(k) ?? []).sort((a, b) => a.start - b.start)) {
        if (operand.start < at || operand.start + operand.length > line.length) continue;
        texts.push(line.slice(at, operand.start));
        operands.push({ operand, printed: line.slice(operand.start, operand.start + operand.length) });
        at = operand.start + operand.length;
      }
      texts.push(`${line.slice(at)}\n`);
      return { texts, operands };
    });
    // what an element is made for: an editable or a refused operand (its label, x_t[0] at step t, may change)
    const shape = lines.map(line => line.operands.map(({ operand }) => (operand.refused === undefined ? 'e' : 'r')).join('')).join('\n');
    const drawn = this.drawn;
    if (drawn && drawn.container === container && drawn.shape === shape && drawn.lines.every(line => line.span.parentNode === container)) {
      lines.forEach((line, k) => {
        const shown = drawn.lines[k];
        const className = k === detail.currentEquation ? 'current-equation' : '';
        if (shown.span.className !== className) shown.span.className = className;
        line.texts.forEach((text, j) => { if (shown.texts[j].data !== text) shown.texts[j].data = text; });
        line.operands.forEach(({ operand, printed }, j) => this.fillOperand(shown.operands[j], operand, printed, k));
      });
      return;
    }
    const focusedKey = (document.activeElement as HTMLElement | null)?.dataset?.operandKey;
    const built = lines.map((line, k) => {
      const span = document.createElement('span');
      if (k === detail.currentEquation) span.className = 'current-equation';
      const texts = line.texts.map(text => document.createTextNode(text));
      const operands = line.operands.map(({ operand, printed }) => this.operandElement(operand, printed, k));
      texts.forEach((text, j) => { span.append(text); if (j < operands.length) span.append(operands[j]); });
      return { span, texts, operands };
    });
    container.replaceChildren(...built.map(line => line.span));
    this.drawn = { container, shape, lines: built };
    if (focusedKey) container.querySelector<HTMLElement>(`[data-operand-key="${CSS.escape(focusedKey)}"]`)?.focus();
  }

  /** A new operand element, its listeners reading the operand it shows at the time (operandOf, data-operand-key). */
  private operandElement(operand: EquationOperand, printed: string, line: number): HTMLElement {
    const el = document.createElement('span');
    if (operand.refused === undefined) {
      el.tabIndex = 0;
      el.setAttribute('role', 'spinbutton');
      el.addEventListener('pointerdown', event => {
        const shown = this.operandOf.get(el);
        if (event.button !== 0 || !shown) return;
        event.preventDefault();
        el.focus();
        this.drag = { operand: shown, key: el.dataset.operandKey ?? '', startX: event.clientX, start: shown.value, value: shown.value, dragging: false, pointerId: event.pointerId };
      });
      el.addEventListener('keydown', event => {
        const shown = this.operandOf.get(el);
        if (shown) this.onOperandKey(event, el, shown, el.dataset.operandKey ?? '');
      });
    }
    this.fillOperand(el, operand, printed, line);
    return el;
  }

  /** Shows `operand` (editable or refused, as the element was made for) in `el`. */
  private fillOperand(el: HTMLElement, operand: EquationOperand, printed: string, line: number): void {
    this.operandOf.set(el, operand);
    const key = `${line}:${operand.label}`;
    if (el.dataset.operandKey !== key) el.dataset.operandKey = key;
    if (el.dataset.operand !== operand.label) el.dataset.operand = operand.label;
    const set = (name: string, value: string): void => { if (el.getAttribute(name) !== value) el.setAttribute(name, value); };
    if (operand.refused !== undefined) {
      if (el.className !== 'operand refused') el.className = 'operand refused';
      if (el.textContent !== printed) el.textContent = printed;
      set('title', `${operand.label} = ${operand.value}: not editable here: ${operand.refused}`);
      return;
    }
    const dragged = this.drag?.key === key && this.drag.dragging ? this.drag : undefined;
    const className = dragged ? 'operand dragging' : 'operand';
    if (el.className !== className) el.className = className;
    const text = dragged ? String(dragged.value) : printed;
    if (el.textContent !== text) el.textContent = text;
    set('aria-valuenow', String(dragged ? dragged.value : operand.value));
    const where = operand.fill ? ' (written as a fill: a change writes the parameter out)' : '';
    set('aria-label', `${operand.label} = ${operand.value}${where}. Enter to type a value, arrows to change it by a step, or drag sideways`);
    set('title', `${operand.label} = ${operand.value}${where} — drag sideways (Shift: finer) or press Enter`);
  }

  private onOperandKey(event: KeyboardEvent, el: HTMLElement, operand: EquationOperand, key: string): void {
    const up = event.key === 'ArrowUp' || event.key === 'ArrowRight';
    const down = event.key === 'ArrowDown' || event.key === 'ArrowLeft';
    if (event.key === 'Enter' || event.key === ' ' || event.key === 'F2') {
      event.preventDefault();
      event.stopPropagation();
      this.openBox(el, operand, key);
    } else if (up || down) {
      event.preventDefault();
      event.stopPropagation();
      const step = stepOf(operand.value, event.shiftKey);
      const next = roundTo(operand.value + (up ? step : -step), step / 10);
      this.commit(operand, next);
      // a second press before the host's answer steps on from this value
      operand.value = next;
      el.textContent = String(next);
      el.setAttribute('aria-valuenow', String(next));
    } else if (event.key === 'Escape' && this.drag) {
      event.stopPropagation();
      this.cancelDrag();
    }
  }

  /** The number box in place of the operand: Enter (or leaving it changed) commits, Escape cancels. */
  private openBox(el: HTMLElement, operand: EquationOperand, key: string): void {
    const input = document.createElement('input');
    input.type = 'number';
    input.className = 'operand-input';
    input.value = String(operand.value);
    input.step = String(stepOf(operand.value, false));
    input.dataset.operandKey = key;
    input.setAttribute('aria-label', `new value of ${operand.label}`);
    input.size = Math.max(6, input.value.length + 1);
    this.editing = key;
    let closed = false;
    const close = (value: number | undefined): void => {
      if (closed) return;
      closed = true;
      this.editing = undefined;
      input.replaceWith(el);
      el.focus();
      if (value !== undefined && value !== operand.value) this.commit(operand, value);
      const deferred = this.deferred;
      this.deferred = undefined;
      if (deferred) this.renderEquations(deferred.container, deferred.detail);
    };
    const typed = (): number | undefined => {
      const value = input.valueAsNumber;
      return input.value.trim() !== '' && Number.isFinite(value) ? value : undefined;
    };
    input.addEventListener('keydown', event => {
      event.stopPropagation();
      if (event.key === 'Enter') { event.preventDefault(); close(typed()); }
      else if (event.key === 'Escape') { event.preventDefault(); close(undefined); }
    });
    input.addEventListener('blur', () => close(typed()));
    el.replaceWith(input);
    input.focus();
    input.select();
  }

  private onPointerMove(event: PointerEvent): void {
    const drag = this.drag;
    if (!drag || event.pointerId !== drag.pointerId) return;
    const dx = event.clientX - drag.startX;
    if (!drag.dragging && Math.abs(dx) < DRAG_THRESHOLD_PX) return;
    if (!drag.dragging) {
      drag.dragging = true;
      this.captureGhost();
      document.body.classList.add('what-if-dragging');
    }
    drag.value = draggedValue(drag.start, dx, event.shiftKey);
    const el = document.querySelector<HTMLElement>(`[data-operand-key="${CSS.escape(drag.key)}"]`);
    if (el) { el.textContent = String(drag.value); el.classList.add('dragging'); el.setAttribute('aria-valuenow', String(drag.value)); }
    // at most one preview per frame; the host keeps one computation in flight
    drag.frame ??= requestAnimationFrame(() => {
      drag.frame = undefined;
      if (this.drag !== drag || drag.sent === drag.value) return;
      drag.sent = drag.value;
      this.options.send({ type: 'whatIfPreview', target: drag.operand.target, value: drag.value });
    });
  }

  private onPointerUp(event: PointerEvent): void {
    const drag = this.drag;
    if (!drag || event.pointerId !== drag.pointerId) return;
    this.endDrag(drag);
    if (!drag.dragging) {
      // a click: the number box
      const el = document.querySelector<HTMLElement>(`[data-operand-key="${CSS.escape(drag.key)}"]`);
      if (el) this.openBox(el, drag.operand, drag.key);
      return;
    }
    if (drag.value === drag.start) this.options.send({ type: 'whatIfCancel' });
    else this.options.send({ type: 'whatIfCommit', target: drag.operand.target, value: drag.value });
  }

  private cancelDrag(): void {
    const drag = this.drag;
    if (!drag) return;
    this.endDrag(drag);
    if (drag.dragging) this.options.send({ type: 'whatIfCancel' });
  }

  private endDrag(drag: Drag): void {
    if (drag.frame !== undefined) cancelAnimationFrame(drag.frame);
    this.drag = undefined;
    document.body.classList.remove('what-if-dragging');
  }

  /** A change from the box or the arrows: the ghost first, then the edit. */
  private commit(operand: EquationOperand, value: number): void {
    this.captureGhost();
    this.options.send({ type: 'whatIfCommit', target: operand.target, value });
  }

  /** The series on screen become the ghost (the next change replaces it). */
  private captureGhost(): void {
    const snapshot = this.options.snapshot();
    if (!snapshot) return;
    this.ghost = { lines: this.options.charts.map(c => c.lines(snapshot) ?? []), T: snapshot.T };
    this.toggleLabel.hidden = false;
    this.applyGhost();
  }

  /** Hands each chart its ghost (or none) and redraws it. */
  private applyGhost(): void {
    const snapshot = this.options.snapshot();
    const theme = this.theme;
    this.options.charts.forEach((entry, k) => {
      const lines = this.ghost && snapshot && snapshot.T === this.ghost.T ? this.ghost.lines[k] : [];
      const state: GhostState = {
        lines, T: this.ghost?.T ?? 0, visible: this.showGhost,
        color: field => withAlpha(this.options.colorOf(field, theme) || theme.foreground, theme.highContrast ? 0.7 : 0.4),
      };
      (entry.chart as unknown as Record<string, GhostState>)[GHOST_KEY] = state;
      entry.chart.update('none');
    });
  }

  /** A new snapshot was drawn: a ghost of another length of sequence is dropped. */
  onSnapshot(snapshot: Snapshot | undefined): void {
    if (this.ghost && (!snapshot || snapshot.T !== this.ghost.T)) {
      this.ghost = undefined;
      this.toggleLabel.hidden = true;
      this.applyGhost();
    }
  }
}
