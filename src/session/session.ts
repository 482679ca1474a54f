// The one source of truth for a spec document: the parsed spec, its problems, the computed
// trace and the stepping cursor. Views (tree, hover, inline values, status bar, chart panel)
// only observe `onDidChange` and call the intent methods; none keeps its own copy of state.
// Parsing and the engine are pure (src/engine); how a trace is computed (on this thread or in
// a worker, with progress) is injected as a TraceComputer, so this class stays small.
// The trace shown may be older than the text (an invalid edit, a computation running, failed
// or cancelled): `stale` and `computeState` say so, and every view shows it.

import * as vscode from 'vscode';
import { parseSpec } from '../engine/specParse';
import type { Spec, SpecIssue, Trace } from '../engine/types';
import { Cursor, START, clampCursor, cursorAt, cursorIndex, lastIndex, sameCursor } from './cursor';

/** What changed in one `onDidChange`: views redraw only what they must. */
export interface SessionChange {
  readonly cursor: boolean;
  readonly trace: boolean;
  readonly issues: boolean;
  /** `stale`, `computeState` or `computeError` changed */
  readonly state?: boolean;
}

/** Where the trace computation of the current text stands. */
export type ComputeState = 'idle' | 'computing' | 'failed' | 'cancelled';

/**
 * Computes a trace; may run elsewhere (worker) and may be cancelled when a newer edit arrives.
 * Resolves undefined when cancelled; rejects when the computation failed.
 */
export type TraceComputer = (spec: Spec, token: vscode.CancellationToken) => Promise<Trace | undefined>;

/** Parses and validates a spec's text; may run in a worker for a large text. undefined = cancelled; throws = failed. */
export type SpecParser = (text: string, token: vscode.CancellationToken) => ParseResult | undefined | Promise<ParseResult | undefined>;
export type ParseResult = { spec?: Spec; issues: SpecIssue[] };

const parseInline: SpecParser = text => parseSpec(text);

export class Session implements vscode.Disposable {
  private readonly _onDidChange = new vscode.EventEmitter<SessionChange>();
  readonly onDidChange = this._onDidChange.event;

  private _spec: Spec | undefined;
  private _trace: Trace | undefined;
  private _issues: SpecIssue[] = [];
  private _cursor: Cursor = START;
  /** the text whose parse and trace are done or under way; cleared after a failure so the same text recomputes */
  private _text: string | undefined;
  /** the last text given to update(), kept for recompute() */
  private _latestText: string | undefined;
  private _computeState: ComputeState = 'idle';
  private _computeError: string | undefined;
  private _computation: vscode.CancellationTokenSource | undefined;
  /** the computation the user cancelled (as opposed to one superseded by a newer edit) */
  private _cancelledByUser: vscode.CancellationTokenSource | undefined;
  /** stale / computeState / computeError as last fired, to fire `state` only on a change */
  private _firedState = 'false|idle|';
  private _disposed = false;

  constructor(readonly uri: vscode.Uri, private readonly computeTrace: TraceComputer, private readonly parse: SpecParser = parseInline) {}

  get spec(): Spec | undefined { return this._spec; }
  get trace(): Trace | undefined { return this._trace; }
  get issues(): readonly SpecIssue[] { return this._issues; }
  get cursor(): Cursor { return this._cursor; }
  get T(): number { return this._trace?.T ?? 0; }

  /** Where the computation of the current text stands (idle = done, or nothing to compute). */
  get computeState(): ComputeState { return this._computeState; }
  /** Why the last computation failed (computeState 'failed'). */
  get computeError(): string | undefined { return this._computeError; }
  /**
   * True when a trace is shown that does not come from the current text: the text has parse
   * errors, or its computation is pending, failed or was cancelled.
   */
  get stale(): boolean {
    return this._trace !== undefined && (this._spec === undefined || this._computeState !== 'idle');
  }

  /**
   * Re-parses `text` and recomputes the trace. Problems are published as soon as the text is
   * parsed; the trace when its computation finishes. A newer update cancels both. The cursor keeps its phase
   * and step, clamped if T shrank. `force` recomputes even an unchanged text.
   */
  async update(text: string, force = false): Promise<void> {
    if (this._disposed || (text === this._text && !force)) return;
    this._text = text;
    this._latestText = text;
    this._computation?.cancel();
    const source = new vscode.CancellationTokenSource();
    this._computation = source;
    /** true when a newer update (or dispose) took over: it owns the state from now on */
    const superseded = () => this._disposed || (source.token.isCancellationRequested && this._cancelledByUser !== source);
    try {
      let parsed: ParseResult | undefined;
      try {
        parsed = await this.parse(text, source.token);
      } catch (error) {
        if (!superseded()) this.fail(error);
        return;
      }
      if (superseded()) return;
      if (!parsed) { this.cancelled(); return; }
      const issuesChanged = !sameIssues(this._issues, parsed.issues);
      this._issues = parsed.issues;
      this._spec = parsed.spec;
      this._computeState = parsed.spec ? 'computing' : 'idle';
      this._computeError = undefined;
      this.fire({ cursor: false, trace: false, issues: issuesChanged });
      if (!parsed.spec) return;
      let trace: Trace | undefined;
      try {
        trace = await this.computeTrace(parsed.spec, source.token);
      } catch (error) {
        if (!superseded()) this.fail(error);
        return;
      }
      if (superseded()) return;
      if (!trace || source.token.isCancellationRequested) { this.cancelled(); return; }
      this._trace = trace;
      this._computeState = 'idle';
      const clamped = clampCursor(this._cursor, trace.T);
      const cursorMoved = !sameCursor(clamped, this._cursor);
      this._cursor = clamped;
      this.fire({ cursor: cursorMoved, trace: true, issues: false });
    } finally {
      if (this._computation === source) this._computation = undefined;
      if (this._cancelledByUser === source) this._cancelledByUser = undefined;
      source.dispose();
    }
  }

  /** Parses and computes the last text again (after a failed or cancelled computation). */
  recompute(): Promise<void> {
    return this._latestText === undefined ? Promise.resolve() : this.update(this._latestText, true);
  }

  /** Cancels the running parse or computation; the session is then 'cancelled' (recompute() resumes). */
  cancel(): void {
    if (!this._computation) return;
    this._cancelledByUser = this._computation;
    this._computation.cancel();
  }

  private cancelled(): void {
    this._text = undefined; // the same text must compute again on the next update
    this._computeState = 'cancelled';
    this.fire({ cursor: false, trace: false, issues: false });
  }

  private fail(error: unknown): void {
    this._text = undefined;
    this._computeState = 'failed';
    this._computeError = error instanceof Error ? error.message : String(error);
    this.fire({ cursor: false, trace: false, issues: false });
  }

  step(): void { this.moveToIndex(cursorIndex(this._cursor, this.T) + 1); }
  stepBack(): void { this.moveToIndex(cursorIndex(this._cursor, this.T) - 1); }
  /** Forward phase done: t = T. */
  runToEnd(): void { this.goTo({ phase: 'forward', t: this.T }); }
  /** Through BPTT down to t = 1. */
  runBackward(): void { this.moveToIndex(lastIndex(this.T)); }
  reset(): void { this.goTo(START); }

  goTo(cursor: Cursor): void {
    if (!this._trace) return;
    this.setCursor(clampCursor(cursor, this._trace.T));
  }

  moveToIndex(index: number): void {
    if (!this._trace) return;
    this.setCursor(cursorAt(index, this._trace.T));
  }

  private setCursor(next: Cursor): void {
    if (sameCursor(next, this._cursor)) return;
    this._cursor = next;
    this.fire({ cursor: true, trace: false, issues: false });
  }

  /** Fires `change`, with `state` set when stale/computeState changed since the last event; nothing when nothing changed. */
  private fire(change: SessionChange): void {
    if (this._disposed) return;
    const state = `${this.stale}|${this._computeState}|${this._computeError ?? ''}`;
    const stateChanged = state !== this._firedState;
    this._firedState = state;
    if (!change.cursor && !change.trace && !change.issues && !stateChanged) return;
    this._onDidChange.fire({ ...change, state: stateChanged });
  }

  dispose(): void {
    this._disposed = true;
    this._computation?.cancel();
    this._onDidChange.dispose();
  }
}

function sameIssues(a: readonly SpecIssue[], b: readonly SpecIssue[]): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) {
    const x = a[k], y = b[k];
    if (x.severity !== y.severity || x.message !== y.message || x.path !== y.path
      || x.range.offset !== y.range.offset || x.range.length !== y.range.length
      || x.range.line !== y.range.line || x.range.column !== y.range.column
      || x.range.endLine !== y.range.endLine || x.range.endColumn !== y.range.endColumn) return false;
  }
  return true;
}
