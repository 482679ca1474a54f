// The "States" view: the debugger's Variables view for the active spec. One root per time step
// (`t=1 "This"`), the current one marked and revealed; a reached step expands to its gates and
// states (and, once the gradients have flowed back to it, dL/dh, dL/dc, ∏f); each vector expands
// to its units, whose tooltips give the equation with the numbers substituted. A Model root
// gives sizes, parameter count, loss and warnings; a Problems root lists spec errors.
// Nodes are cached objects with stable ids, and a Step refreshes only the steps whose state
// changed (the Model lines, which scan every gate, are rebuilt only with the trace or issues), so
// nothing flickers and nothing the user expanded collapses. A jump (Go to Step) refreshes the
// changed rows near the new step at once and those out of view once the cursor rests (NEAR_ROWS).
// Tree item ids carry the spec's uri, so what is expanded in one spec stays with it. The current
// step is revealed only when the cursor moves (or the view is shown), not on every edit. A stale
// trace (spec errors, or a computation pending, failed or cancelled) is said in the view's message
// and description.
// A stack (numLayers > 1 or bidirectional) shows one (layer, direction) at a time, the session's
// selected one: a "Layer 2 · reverse" root opens "LSTM: Select Layer…", and every step, vector and
// unit below is that layer's. A "Gradients" root lists the weight gradients under the framework's
// names (`encoder.lstm.weight_ih_l1.grad[7][2]`), each entry's tooltip giving its textbook name too.

import * as vscode from 'vscode';
import type { Trace } from '../engine/types';
import { FrameworkGrad, frameworkGradsFor, gradEntryName, textbookGradient } from './frameworkGrads';
import { Cursor } from '../runtime/cursor';
import type { SessionChange } from '../runtime/session';
import type { DocumentSessions, SpecSession as Session } from './documentSessions';
import { reportError } from '../errorReporter';
import { analyticsLines } from './analyticsTree';
import { PROGRESS_DELAY_MS } from './traceWorkerHost';
import {
  FORWARD_FIELDS, backwardFields, backwardReached, fieldRow, formatNumber, formatVector, forwardReached,
  gateSaturation, hasCellState, labelOf, parameterCount, pathDecayLabel, readPrecision, stepLabel, unitEquation,
} from './traceFields';

export type StatesNode =
  | { readonly kind: 'problems'; readonly id: string }
  | { readonly kind: 'issue'; readonly id: string; readonly index: number }
  | { readonly kind: 'model'; readonly id: string }
  | { readonly kind: 'info'; readonly id: string; readonly index: number }
  | { readonly kind: 'step'; readonly id: string; readonly t: number }
  | { readonly kind: 'vector'; readonly id: string; readonly t: number; readonly key: string }
  | { readonly kind: 'unit'; readonly id: string; readonly t: number; readonly key: string; readonly j: number }
  | { readonly kind: 'layer'; readonly id: string }
  | { readonly kind: 'grads'; readonly id: string }
  | { readonly kind: 'grad'; readonly id: string; readonly name: string }
  | { readonly kind: 'gradRow'; readonly id: string; readonly name: string; readonly row: number }
  | { readonly kind: 'gradEntry'; readonly id: string; readonly name: string; readonly row: number; readonly col?: number };

interface InfoLine { label: string; description?: string; tooltip?: string; icon?: vscode.ThemeIcon }

type StepState = string;
/**
 * The largest T·H whose analytics lines are drawn with the trace (a few ms: they read every gate
 * value); a larger trace gets them in a task of their own (recomputeModel).
 */
const ANALYTICS_AT_ONCE_MAX = 64 * 1024;
/** the row state of a step the cursor has not reached, forward or backward (stepState) */
const UNREACHED: StepState = '--';
/**
 * A cursor move refreshes at once the changed rows within this many steps of the new current
 * step: what the view shows once it has revealed that step (a screenful is about 35 rows, on
 * either side depending on the direction it scrolled). The workbench spends about half a
 * millisecond of its main thread per refreshed row, so a Go to Step across 600 steps of a
 * T = 1000 trace refreshed 600 rows before the status bar and the panel were drawn.
 */
export const NEAR_ROWS = 40;
/**
 * The other changed rows (out of view) are refreshed once the cursor has rested this long. VS Code
 * holds back a tree event that comes within 200 ms of another, so a Step just after this refresh
 * waits for that: a second keeps it away from a run of Steps or of clicks along a chart.
 */
export const FAR_ROWS_DELAY_MS = 1000;

export class StatesTreeProvider implements vscode.TreeDataProvider<StatesNode>, vscode.Disposable {
  private readonly _onDidChangeTreeData = new vscode.EventEmitter<StatesNode | StatesNode[] | undefined>();
  readonly onDidChangeTreeData = this._onDidChangeTreeData.event;

  /** node objects by id: the tree view identifies elements by object, so they must be reused */
  private readonly nodes = new Map<string, StatesNode>();
  /** per step t (0..T), what its row shows; a step is refreshed only when this changes */
  private stepStates: StepState[] = [];
  /** the root's rows as last drawn (their ids and the spec's uri: refreshAll) */
  private rootShape: string | undefined;
  private infoLines: InfoLine[] = [];
  private precision = 4;
  private isStack = false;
  private view: vscode.TreeView<StatesNode> | undefined;
  /** a deferred "being computed" message (setViewText) */
  private messageTimer: ReturnType<typeof setTimeout> | undefined;
  /** the Model lines still lack the analytics (recomputeModel) */
  private analyticsPending = false;
  private analyticsTimer: ReturnType<typeof setTimeout> | undefined;
  /** steps whose rows changed out of view and are not refreshed yet (NEAR_ROWS), and their timer */
  private farRows = new Set<number>();
  private farRowsTimer: ReturnType<typeof setTimeout> | undefined;
  /** how many times the out-of-view rows were refreshed (integration tests) */
  farRowRefreshes = 0;
  /** the Problems root's description ("showing the last valid trace (stale)") as last drawn */
  private problemsShowsStale = false;
  /** how many times a session event asked to reveal the current step (integration tests) */
  revealRequests = 0;
  /** how many times the view's message was set (integration tests: an edit must not set it) */
  messageSets = 0;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly sessions: DocumentSessions) {
    this.precision = readPrecision(vscode.workspace.getConfiguration('lstmStepper'));
    this.disposables.push(
      this._onDidChangeTreeData,
      sessions.onDidChangeActive(change => this.onSessionChange(change)),
      vscode.workspace.onDidChangeConfiguration(event => {
        if (!event.affectsConfiguration('lstmStepper.precision')) return;
        this.precision = readPrecision(vscode.workspace.getConfiguration('lstmStepper'));
        this.refreshAll();
      }),
    );
    this.recomputeSteps();
    this.recomputeModel();
  }

  /** The view created for this provider, used to reveal the current step. */
  attach(view: vscode.TreeView<StatesNode>): void {
    this.view = view;
    this.updateViewMessage();
  }

  private get session(): Session | undefined { return this.sessions.activeSession; }

  private node<N extends StatesNode>(node: N): N {
    const existing = this.nodes.get(node.id);
    if (existing) return existing as N;
    this.nodes.set(node.id, node);
    return node;
  }

  stepNode(t: number): StatesNode { return this.node({ kind: 'step', id: `step/${t}`, t }); }

  private onSessionChange(change: SessionChange): void {
    try {
      if (change.trace || change.issues) {
        this.refreshAll();
      } else if (change.cursor) {
        // the reveal first: VS Code's TreeView.reveal waits for the refresh before it (a round trip to
        // the workbench and back) before it sends its own, so a reveal after the refresh cost a Step a
        // second round trip and frame. Sent first, both go in one batch; the row's handle is the same.
        this.revealRequests++;
        this.revealCurrent();
        // a cursor move: refresh exactly the steps whose row changed (the Model lines stay), those
        // near the new current step now and the others (out of view) once the cursor rests
        const previous = this.stepStates;
        this.recomputeSteps();
        const current = this.session?.cursor.t ?? 0;
        const changed: StatesNode[] = [];
        for (let t = 0; t < this.stepStates.length; t++) {
          if (previous[t] === this.stepStates[t] && !this.farRows.has(t)) continue;
          if (Math.abs(t - current) <= NEAR_ROWS) { changed.push(this.stepNode(t)); this.farRows.delete(t); } else this.farRows.add(t);
        }
        // one event for all of them: VS Code batches further events for 200 ms after the first
        if (changed.length > 0) this._onDidChangeTreeData.fire(changed);
        this.scheduleFarRows();
        this.updateViewMessage();
      } else if (change.state) {
        // stale or compute state: the description at once, the message (maybe later, see
        // setViewText), and the Problems root's "showing the last valid trace", which only a spec
        // with errors shows: firing it for a mere edit would take the debounce's leading edge
        this.updateViewMessage();
        const problems = this.nodes.get('problems');
        if (problems && this.problemsDescriptionChanged()) this._onDidChangeTreeData.fire(problems);
      }
      // only a cursor move (or a switch to another spec) brings the current step into view; a move
      // alone revealed it above
      if (change.cursor && (change.trace || change.issues)) { this.revealRequests++; this.revealCurrent(); }
    } catch (error) {
      reportError('States view', error);
    }
  }

  /**
   * A new trace or new issues. When the root's rows stay the same ones (the same spec, T, cell,
   * layers, Problems and Gradients roots: an edit of a number, the usual case), the rows are
   * refreshed in place: VS Code sends the new items of the fired elements along with the refresh,
   * where a whole-tree refresh makes the workbench ask for the root's children again (a second
   * round trip, with every step row in it: 45 KB at T = 100, ten times that at T = 1000), and a
   * step ahead of the cursor ("not reached yet" before and after) is not sent at all.
   */
  private refreshAll(): void {
    const previousStates = this.stepStates;
    const previousShape = this.rootShape;
    // the root's rows as children() gives them (cached node objects), keyed with the spec's uri
    // (tree item ids carry it); the rows below them are asked for again under every fired row
    const session = this.session;
    const roots = session?.view ? this.children(undefined) : [];
    this.rootShape = session && roots.length ? [session.uri.toString(), ...roots.map(node => node.id)].join('\u0000') : undefined;
    this.problemsDescriptionChanged();
    this.recomputeSteps();
    this.recomputeModel();
    this.updateViewMessage();
    // the rows still out of date are sent now with the rest (a new trace redraws every reached row)
    const farRows = this.dropFarRows();
    if (this.rootShape === undefined || this.rootShape !== previousShape) {
      this.nodes.clear();
      this._onDidChangeTreeData.fire(undefined);
      return;
    }
    const changed: StatesNode[] = roots.filter(node => node.kind !== 'step');
    for (let t = 0; t < this.stepStates.length; t++) {
      if (this.stepStates[t] !== UNREACHED || previousStates[t] !== UNREACHED || farRows.has(t)) changed.push(this.stepNode(t));
    }
    this._onDidChangeTreeData.fire(changed);
  }

  /**
   * Refreshes the out-of-view rows a cursor move changed, FAR_ROWS_DELAY_MS after the last move:
   * one event for all of them, while the user reads, so a run of Steps or jumps never waits for
   * them (VS Code holds a tree event back while another came within 200 ms).
   */
  private scheduleFarRows(): void {
    clearTimeout(this.farRowsTimer);
    this.farRowsTimer = undefined;
    if (this.farRows.size === 0) return;
    this.farRowsTimer = setTimeout(() => {
      const rows = [...this.dropFarRows()].filter(t => t < this.stepStates.length).map(t => this.stepNode(t));
      if (rows.length === 0) return;
      this.farRowRefreshes++;
      this._onDidChangeTreeData.fire(rows);
    }, FAR_ROWS_DELAY_MS);
  }

  /** Forgets the pending out-of-view rows: a refresh that sends every row has them. */
  private dropFarRows(): Set<number> {
    const rows = this.farRows;
    this.farRows = new Set();
    clearTimeout(this.farRowsTimer);
    this.farRowsTimer = undefined;
    return rows;
  }

  /** Per-step row states: O(T), on every cursor move. */
  private recomputeSteps(): void {
    const session = this.session;
    const trace = session?.view;
    this.stepStates = [];
    if (!session || !trace) return;
    for (let t = 0; t <= trace.T; t++) this.stepStates.push(this.stepState(session.cursor, t));
  }

  /**
   * The Model lines: only when the trace, issues or precision change. The analytics lines read
   * every gate value (a tenth of a second at (512, 256, 1000)), so a large trace first gets the
   * lines without them, and they follow in a task of their own (or at once when the Model node is
   * expanded): the status bar, the step rows and the inline values do not wait for them. A small
   * trace gets them at once: a follow-up event within VS Code's 200 ms tree debounce would be
   * drawn at its trailing edge, a fifth of a second after the rows.
   */
  private recomputeModel(): void {
    const session = this.session;
    const trace = session?.view;
    clearTimeout(this.analyticsTimer);
    this.analyticsTimer = undefined;
    this.analyticsPending = false;
    if (!session || !trace) { this.infoLines = []; return; }
    if (trace.T * trace.hiddenSize <= ANALYTICS_AT_ONCE_MAX) { this.infoLines = this.modelLines(session, trace, true); return; }
    this.infoLines = this.modelLines(session, trace, false);
    this.analyticsPending = true;
    const drawn = this.modelDescription();
    this.analyticsTimer = setTimeout(() => {
      this.analyticsTimer = undefined;
      try {
        // the lines may be complete already (the Model node was expanded, which drew them); the
        // node is redrawn only when its count of warnings changed
        this.completeModelLines();
        const model = this.nodes.get('model');
        if (model && this.modelDescription() !== drawn) this._onDidChangeTreeData.fire(model);
      } catch (error) {
        reportError('States view', error);
      }
    }, 0);
  }

  /** The Model node's description: the cell, its sizes and how many warnings its lines hold. */
  private modelDescription(): string {
    const trace = this.session?.view;
    if (!trace) return '';
    const warnings = this.infoLines.filter(line => line.icon?.id === 'warning').length;
    return `${trace.cell} H=${trace.hiddenSize} I=${trace.inputSize} T=${trace.T}${warnings ? `, ${warnings} warning${warnings === 1 ? '' : 's'}` : ''}`;
  }

  /** Adds the analytics lines to the Model lines if they are still missing. */
  private completeModelLines(): void {
    if (!this.analyticsPending) return;
    this.analyticsPending = false;
    const session = this.session;
    const trace = session?.view;
    if (session && trace) this.infoLines = this.modelLines(session, trace, true);
  }

  private stepState(cursor: Cursor, t: number): StepState {
    const current = cursor.t === t ? 'current' : '';
    return `${forwardReached(cursor, t) ? 'F' : '-'}${backwardReached(cursor, t) || (t === 0 && cursor.phase === 'backward' && cursor.t === 1) ? 'B' : '-'}${current}`;
  }

  private updateViewMessage(): void {
    const session = this.session;
    // "LSTM: Select Layer…" is offered (view title, palette) only for a stack
    const isStack = (session?.layerCount ?? 1) > 1;
    if (isStack !== this.isStack) { this.isStack = isStack; void vscode.commands.executeCommand('setContext', 'lstm.activeIsStack', isStack); }
    if (!this.view) return;
    if (!session) { this.setViewText(undefined, undefined); return; }
    const freshness = session.freshness();
    const layer = session.layerLabel;
    const trained = session.modelOverride ? ` · ${session.modelOverride.label}` : '';
    // not the cursor: the status bar says it, and the tree marks its row ("← forward"). A title that
    // changed on every Step made the workbench lay out the view's header in the Step's frame
    // (10-25 ms of a Step at (64, 32, 100), bench:ui)
    const description = session.view ? `${layer ? `${layer} ` : ''}${freshness.fresh ? '' : '(stale)'}${trained}`.trim() || undefined : undefined;
    const name = session.spec?.name ?? session.uri.path.split('/').pop();
    const message = session.view ? (freshness.fresh ? undefined : `${name}: stale: ${freshness.message}.`)
      : `${name}: ${freshness.fresh ? 'computing…' : `${freshness.message}.`}`;
    // an edit's "being computed" waits: most traces arrive well within the delay, and a message set
    // at once would take VS Code's 200 ms tree debounce's leading edge, holding the new values back
    // to its trailing edge. The description's " (stale)" (not debounced) marks the values at once.
    const computing = !freshness.fresh && freshness.reason === 'computing' && !!session.view;
    this.setViewText(description, message, computing);
  }

  /**
   * Sets the view's description and message only when they change: VS Code sends a message change
   * through the same 200 ms debounce as the tree's data events, so an unchanged message set on every
   * Step held the States view's refresh back until the debounce's trailing edge.
   */
  private setViewText(description: string | undefined, message: string | undefined, deferMessage = false): void {
    if (!this.view) return;
    if (this.view.description !== description) this.view.description = description;
    clearTimeout(this.messageTimer);
    this.messageTimer = undefined;
    if (this.view.message === message) return;
    if (!deferMessage) { this.messageSets++; this.view.message = message; return; }
    const view = this.view;
    // said after the same delay as a long computation's progress notification
    this.messageTimer = setTimeout(() => { this.messageTimer = undefined; this.messageSets++; view.message = message; }, PROGRESS_DELAY_MS);
  }

  /** True (once) when the Problems root's description must be redrawn. */
  private problemsDescriptionChanged(): boolean {
    const session = this.session;
    const shows = !!session?.view && session.issues.some(i => i.severity === 'error') && !session.freshness().fresh;
    if (shows === this.problemsShowsStale) return false;
    this.problemsShowsStale = shows;
    return true;
  }

  revealCurrent(): void {
    const session = this.session;
    if (!this.view?.visible || !session?.view) return;
    const t = session.cursor.t;
    void Promise.resolve(this.view.reveal(this.stepNode(t), { select: false, focus: false, expand: false })).catch(() => undefined);
  }

  getChildren(element?: StatesNode): StatesNode[] {
    try {
      return this.children(element);
    } catch (error) {
      reportError('States view', error);
      return [];
    }
  }

  private children(element?: StatesNode): StatesNode[] {
    const session = this.session;
    if (!session) return [];
    const trace = session.view;
    if (!element) {
      const roots: StatesNode[] = [];
      if (session.issues.length > 0) roots.push(this.node({ kind: 'problems', id: 'problems' }));
      if (!trace) return roots;
      if (session.layerCount > 1) roots.push(this.node({ kind: 'layer', id: 'layer' }));
      roots.push(this.node({ kind: 'model', id: 'model' }));
      if (this.shownGrads().length > 0) roots.push(this.node({ kind: 'grads', id: 'grads' }));
      for (let t = 0; t <= trace.T; t++) roots.push(this.stepNode(t));
      return roots;
    }
    switch (element.kind) {
      case 'problems':
        return session.issues.map((_issue, index) => this.node({ kind: 'issue', id: `issue/${index}`, index }));
      case 'model':
        this.completeModelLines(); // expanded: its lines are wanted now
        return this.infoLines.map((_line, index) => this.node({ kind: 'info', id: `info/${index}`, index }));
      case 'grads':
        return this.shownGrads().map(g => this.node({ kind: 'grad', id: `grad/${g.name}`, name: g.name }));
      case 'grad': {
        const grad = this.grad(element.name);
        if (!grad) return [];
        const [rows, cols] = grad.tensor.shape;
        const nodes: StatesNode[] = [];
        for (let row = 0; row < (rows ?? 0); row++) {
          nodes.push(cols === undefined
            ? this.node({ kind: 'gradEntry', id: `grad/${grad.name}/${row}`, name: grad.name, row })
            : this.node({ kind: 'gradRow', id: `grad/${grad.name}/${row}`, name: grad.name, row }));
        }
        return nodes;
      }
      case 'gradRow': {
        const cols = this.grad(element.name)?.tensor.shape[1] ?? 0;
        const nodes: StatesNode[] = [];
        for (let col = 0; col < cols; col++) nodes.push(this.node({ kind: 'gradEntry', id: `grad/${element.name}/${element.row}/${col}`, name: element.name, row: element.row, col }));
        return nodes;
      }
      case 'step': {
        if (!trace) return [];
        return this.stepFields(trace, session.cursor, element.t)
          .map(key => this.node({ kind: 'vector', id: `step/${element.t}/${key}`, t: element.t, key }));
      }
      case 'vector': {
        if (!trace) return [];
        const width = this.vectorValues(element.t, element.key)?.length ?? 0;
        const units: StatesNode[] = [];
        for (let j = 0; j < width; j++) units.push(this.node({ kind: 'unit', id: `step/${element.t}/${element.key}/${j}`, t: element.t, key: element.key, j }));
        return units;
      }
      default:
        return [];
    }
  }

  /** The vectors step t shows at this cursor. t = 0 is the initial state (and dL/dh0, dL/dc0 at the end). */
  private stepFields(trace: Trace, cursor: Cursor, t: number): string[] {
    const lstmLike = hasCellState(trace.cell);
    if (t === 0) {
      const keys = lstmLike ? ['h0', 'c0'] : ['h0'];
      if (cursor.phase === 'backward' && cursor.t === 1) keys.push(...(lstmLike ? ['dL_dh0', 'dL_dc0'] : ['dL_dh0']));
      return keys;
    }
    const keys: string[] = [];
    if (forwardReached(cursor, t)) keys.push(...FORWARD_FIELDS[trace.cell].map(f => f.key));
    if (backwardReached(cursor, t)) keys.push(...backwardFields(trace.cell).map(f => f.key).filter(key => fieldRow(trace, key, t)));
    return keys;
  }

  private vectorValues(t: number, key: string): Float64Array | undefined {
    const session = this.session;
    const trace = session?.view;
    if (!trace) return undefined;
    if (t === 0) {
      // the initial state the trace was computed from, not a newer spec's
      if (key === 'h0') return trace.source.h0;
      if (key === 'c0') return trace.source.c0;
      if (key === 'dL_dh0') return trace.backward.dL_dh0;
      if (key === 'dL_dc0') return trace.backward.dL_dc0;
      return undefined;
    }
    return fieldRow(trace, key, t);
  }

  getParent(element: StatesNode): StatesNode | undefined {
    switch (element.kind) {
      case 'issue': return this.node({ kind: 'problems', id: 'problems' });
      case 'info': return this.node({ kind: 'model', id: 'model' });
      case 'vector': return this.stepNode(element.t);
      case 'unit': return this.node({ kind: 'vector', id: `step/${element.t}/${element.key}`, t: element.t, key: element.key });
      case 'grad': return this.node({ kind: 'grads', id: 'grads' });
      case 'gradRow': return this.node({ kind: 'grad', id: `grad/${element.name}`, name: element.name });
      case 'gradEntry': return element.col === undefined
        ? this.node({ kind: 'grad', id: `grad/${element.name}`, name: element.name })
        : this.node({ kind: 'gradRow', id: `grad/${element.name}/${element.row}`, name: element.name, row: element.row });
      default: return undefined;
    }
  }

  getTreeItem(element: StatesNode): vscode.TreeItem {
    try {
      const item = this.treeItem(element);
      // per spec: VS Code keeps expansion by id, so one spec's expanded steps never open in another
      item.id = `${this.session?.uri.toString() ?? ''}#${element.id}`;
      return item;
    } catch (error) {
      reportError('States view', error);
      return new vscode.TreeItem('(error)');
    }
  }

  private treeItem(element: StatesNode): vscode.TreeItem {
    const session = this.session;
    const trace = session?.view;
    const p = this.precision;
    const None = vscode.TreeItemCollapsibleState.None, Collapsed = vscode.TreeItemCollapsibleState.Collapsed;
    switch (element.kind) {
      case 'problems': {
        const errors = session?.issues.filter(i => i.severity === 'error').length ?? 0;
        const warnings = (session?.issues.length ?? 0) - errors;
        const item = new vscode.TreeItem(errors > 0 ? `Spec has ${errors} error${errors === 1 ? '' : 's'}` : `Spec has ${warnings} warning${warnings === 1 ? '' : 's'}`, vscode.TreeItemCollapsibleState.Expanded);
        item.iconPath = new vscode.ThemeIcon(errors > 0 ? 'error' : 'warning', new vscode.ThemeColor(errors > 0 ? 'problemsErrorIcon.foreground' : 'problemsWarningIcon.foreground'));
        if (errors > 0 && trace && session && !session.freshness().fresh) item.description = 'showing the last valid trace (stale)';
        return item;
      }
      case 'issue': {
        const issue = session?.issues[element.index];
        if (!issue || !session) return new vscode.TreeItem('');
        const item = new vscode.TreeItem(issue.message, None);
        item.description = `${issue.range.line}:${issue.range.column}`;
        item.tooltip = issue.message; // messages already start with their JSON path
        item.iconPath = new vscode.ThemeIcon(issue.severity === 'error' ? 'error' : 'warning');
        const start = new vscode.Position(issue.range.line - 1, issue.range.column - 1);
        const end = new vscode.Position(issue.range.endLine - 1, issue.range.endColumn - 1);
        item.command = { command: 'vscode.open', title: 'Show', arguments: [session.uri, { selection: new vscode.Range(start, end) }] };
        return item;
      }
      case 'model': {
        const item = new vscode.TreeItem('Model', Collapsed);
        item.description = this.modelDescription();
        item.iconPath = new vscode.ThemeIcon('symbol-class');
        return item;
      }
      case 'info': {
        const line = this.infoLines[element.index];
        const item = new vscode.TreeItem(line?.label ?? '', None);
        item.description = line?.description;
        item.tooltip = line?.tooltip;
        item.iconPath = line?.icon;
        return item;
      }
      case 'step': {
        if (!trace || !session) return new vscode.TreeItem('');
        const t = element.t, cursor = session.cursor;
        const label = t === 0 ? 't=0 initial state' : stepLabel(trace, t);
        const children = this.stepFields(trace, cursor, t);
        const current = cursor.t === t;
        // the current step's label is highlighted, like the debugger's current stack frame
        const item = new vscode.TreeItem(current ? { label, highlights: [[0, label.length]] } : label, children.length ? Collapsed : None);
        const reachedBack = t > 0 && backwardReached(cursor, t);
        if (t === 0) item.description = current ? '← start' : '';
        else if (reachedBack) item.description = `${current ? '← backward  ' : ''}dL/dh=${formatVector(fieldRow(trace, 'dL_dh', t) ?? [], p, 3)}`;
        else if (forwardReached(cursor, t)) item.description = `${current ? '← forward  ' : ''}h=${formatVector(fieldRow(trace, 'h', t) ?? [], p, 3)}`;
        else item.description = 'not reached yet';
        item.iconPath = current
          ? new vscode.ThemeIcon('debug-stackframe', new vscode.ThemeColor('debugIcon.stepOverForeground'))
          : new vscode.ThemeIcon(reachedBack ? 'arrow-left' : forwardReached(cursor, t) ? 'circle-filled' : 'circle-outline');
        item.tooltip = t === 0 ? 'the initial state h_0, c_0' : `step t=${t}${trace.tokens?.[t - 1] !== undefined ? ` (token ${JSON.stringify(trace.tokens[t - 1])})` : ''}: click to move the cursor here`;
        item.contextValue = current ? 'lstmStep.current' : 'lstmStep';
        const target: Cursor = cursor.phase === 'backward' && t > 0 ? { phase: 'backward', t } : { phase: 'forward', t };
        item.command = { command: 'lstm.goToStep', title: 'Go to Step', arguments: [target] };
        return item;
      }
      case 'vector': {
        const values = this.vectorValues(element.t, element.key);
        const item = new vscode.TreeItem(vectorLabel(element.key, trace?.cell), values && values.length > 0 ? Collapsed : None);
        item.description = values ? formatVector(values, p) : '';
        item.tooltip = trace ? fieldTitle(trace, element.key) : undefined;
        item.iconPath = new vscode.ThemeIcon(element.key.startsWith('dL') ? 'arrow-left' : element.key === 'pathDecay' ? 'graph-line' : 'symbol-array');
        return item;
      }
      case 'layer': {
        const entry = session?.trace?.stack?.layers[session.layer];
        if (!entry || !session) return new vscode.TreeItem('');
        const item = new vscode.TreeItem(`Layer ${entry.layer + 1} · ${entry.direction}`, None);
        item.description = `${entry.label}  (${session.layer + 1} of ${session.layerCount}: click to show another)`;
        item.tooltip = `The States view, hovers, inline values and the chart panel show layer ${entry.layer + 1}, ${entry.direction} direction${entry.direction === 'reverse' ? ' (it runs t=T..1; rows are in time order)' : ''}, which reads ${entry.layer === 0 ? 'x_t' : `layer ${entry.layer}'s output [h_fwd, h_rev]`}.`;
        item.iconPath = new vscode.ThemeIcon('layers');
        item.command = { command: 'lstm.selectLayer', title: 'Select Layer…' };
        return item;
      }
      case 'grads': {
        const item = new vscode.TreeItem('Gradients', Collapsed);
        const label = session?.layerLabel;
        item.description = `framework names${label ? `, ${label}` : ''}; totals after BPTT`;
        item.tooltip = 'dL/dθ under the model file\'s own tensor names, as autograd\'s param.grad gives them; each entry\'s tooltip names the textbook gradient of this layer too';
        item.iconPath = new vscode.ThemeIcon('arrow-left');
        return item;
      }
      case 'grad': {
        const grad = this.grad(element.name);
        const item = new vscode.TreeItem(gradEntryName(element.name), grad && grad.tensor.shape.length > 0 ? Collapsed : None);
        item.description = grad ? `(${grad.tensor.shape.join(', ')})  ‖·‖=${formatNumber(norm(grad.tensor.data), p)}` : '';
        item.iconPath = new vscode.ThemeIcon('symbol-array');
        return item;
      }
      case 'gradRow': {
        const grad = this.grad(element.name);
        const cols = grad?.tensor.shape[1] ?? 0;
        // indices only, like the debugger's Variables view; the full name is in the tensor's row and the tooltip
        const item = new vscode.TreeItem(`[${element.row}]`, Collapsed);
        item.tooltip = gradEntryName(element.name, element.row);
        item.description = grad ? formatVector(grad.tensor.data.subarray(element.row * cols, (element.row + 1) * cols), p) : '';
        item.iconPath = new vscode.ThemeIcon('symbol-array');
        return item;
      }
      case 'gradEntry': {
        const grad = this.grad(element.name);
        const cols = grad?.tensor.shape[1];
        const value = grad?.tensor.data[element.col === undefined ? element.row : element.row * (cols ?? 0) + element.col];
        const name = gradEntryName(element.name, element.row, element.col);
        const item = new vscode.TreeItem(`[${element.row}]${element.col === undefined ? '' : `[${element.col}]`}`, None);
        item.description = value === undefined ? '' : formatNumber(value, p);
        const textbook = grad && trace ? textbookGradient(trace, grad, element.row, element.col) : undefined;
        item.tooltip = `${name} = ${value === undefined ? '' : formatNumber(value, p)}${textbook ? `\n= ${textbook.label} of ${session?.layerLabel || 'the layer'} (${textbook.role})` : ''}`;
        item.iconPath = new vscode.ThemeIcon('symbol-number');
        return item;
      }
      case 'unit': {
        const values = this.vectorValues(element.t, element.key);
        const value = values?.[element.j];
        const item = new vscode.TreeItem(`${vectorLabel(element.key, trace?.cell)}[${element.j}]`, None);
        item.description = value === undefined ? '' : formatNumber(value, p);
        if (trace && element.t > 0) item.tooltip = unitEquation(trace, element.key, element.t, element.j, p);
        else item.tooltip = value === undefined ? undefined : `${vectorLabel(element.key, trace?.cell)}[${element.j}] = ${formatNumber(value, p)}`;
        item.iconPath = new vscode.ThemeIcon('symbol-number');
        return item;
      }
    }
  }

  /** The framework-named gradients of the selected (layer, direction), and the head's. */
  private shownGrads(): FrameworkGrad[] {
    const session = this.session;
    const full = session?.trace;
    if (!session || !full?.frameworkGrads) return [];
    const entry = full.stack?.layers[session.layer];
    return frameworkGradsFor(full, entry?.layer ?? 0, entry?.direction ?? 'forward', session.spec?.framework);
  }

  private grad(name: string): FrameworkGrad | undefined {
    return this.shownGrads().find(g => g.name === name);
  }

  private modelLines(session: Session, trace: Trace, withAnalytics: boolean): InfoLine[] {
    const p = this.precision;
    const { count, formula } = parameterCount(trace.cell, trace.hiddenSize, trace.inputSize);
    const lines: InfoLine[] = [
      { label: 'cell', description: trace.cell },
      { label: 'sizes', description: `H=${trace.hiddenSize}, I=${trace.inputSize}, T=${trace.T}` },
      { label: 'parameters', description: `${count} = ${formula}`, tooltip: `${formula} with H=${trace.hiddenSize}, I=${trace.inputSize}` },
      { label: 'loss', description: `${trace.loss.kind}, L = ${formatNumber(trace.loss.L, p)}`, tooltip: LOSS_TOOLTIPS[trace.loss.kind] },
    ];
    const stack = session.trace?.stack;
    if (stack) {
      // the sizes above are the shown layer's (its I is the layer below's D·H); the whole stack here
      lines.splice(1, 0, { label: 'stack', description: `${stack.numLayers} layer${stack.numLayers === 1 ? '' : 's'}, ${stack.bidirectional ? 'bidirectional' : 'one direction'}; showing ${session.layerLabel}`, tooltip: 'PyTorch order: l0 forward, l0 reverse, l1 forward, …; "LSTM: Select Layer…" shows another' });
    }
    const probs = session.trace?.loss.probs;
    if (probs && probs.length <= 32) lines.push({ label: 'softmax', description: formatVector(probs, p), tooltip: 'the head\'s class probabilities softmax(W y + b)' });
    const warning = new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
    if (trace.nonFinite) {
      const where = trace.nonFinite;
      lines.push({ label: 'NaN/Inf', description: `first at t=${where.t} (${where.phase}, ${where.field})`, icon: warning, tooltip: 'a value overflowed; later values are not meaningful' });
    }
    const saturation = gateSaturation(trace);
    if (saturation.saturated > 0 && saturation.first) {
      const share = (100 * saturation.saturated / Math.max(1, saturation.total)).toFixed(1);
      const first = saturation.first;
      lines.push({
        label: 'saturated gates', icon: warning,
        description: `${saturation.saturated} of ${saturation.total} (${share}%), first ${first.key}_${first.t}[${first.j}] = ${formatNumber(first.value, p)}`,
        tooltip: 'gate values within 0.01 of their limits: their local gradients nearly vanish',
      });
    }
    if (withAnalytics) lines.push(...analyticsLines(trace, warning)); // saturation and findings (analyticsTree.ts)
    const warnings = session.issues.filter(issue => issue.severity === 'warning').length;
    if (warnings > 0) lines.push({ label: 'spec warnings', description: String(warnings), icon: warning });
    return lines;
  }

  dispose(): void {
    clearTimeout(this.messageTimer);
    clearTimeout(this.analyticsTimer);
    clearTimeout(this.farRowsTimer);
    this.disposables.forEach(d => d.dispose());
  }
}

const LOSS_TOOLTIPS: Record<Trace['loss']['kind'], string> = {
  sum: 'L = Σ_j y_j',
  mse: 'L = ½ Σ_j (y_j − target_j)²',
  crossEntropy: 'L = −log softmax(W y + b)[target] (the linear head of the model file)',
  given: 'L = Σ_j g_j y_j with the upstream gradient g = dL/dy the spec gives',
};

function norm(values: Float64Array): number {
  let sum = 0;
  for (const v of values) sum += v * v;
  return Math.sqrt(sum);
}

function vectorLabel(key: string, cell?: string): string {
  if (key === 'pathDecay') return pathDecayLabel(cell);
  if (key === 'h0') return 'h_0';
  if (key === 'c0') return 'c_0';
  if (key === 'dL_dh0') return 'dL/dh_0';
  if (key === 'dL_dc0') return 'dL/dc_0';
  return labelOf(key);
}

function fieldTitle(trace: Trace, key: string): string | undefined {
  const field = [...FORWARD_FIELDS[trace.cell], ...backwardFields(trace.cell)].find(f => f.key === key);
  return field?.title;
}

export function registerStatesTree(context: vscode.ExtensionContext, sessions: DocumentSessions): StatesTreeProvider {
  const provider = new StatesTreeProvider(sessions);
  const view = vscode.window.createTreeView('lstm.states', { treeDataProvider: provider, showCollapseAll: true });
  provider.attach(view);
  context.subscriptions.push(provider, view, view.onDidChangeVisibility(event => {
    if (event.visible) provider.revealCurrent();
  }));
  return provider;
}
