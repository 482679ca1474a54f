// The one source of truth for a spec document: the parsed spec, its problems, the computed
// trace and the stepping cursor. Views (tree, hover, inline values, status bar, chart panel)
// only observe `onDidChange` and call the intent methods; none keeps its own copy of state.
// Parsing and the engine are pure (src/engine); how a trace is computed (on this thread or in
// a worker, with progress) is injected as a TraceComputer, so this class stays small.

import * as vscode from 'vscode';
import { parseSpec } from '../engine/specParse';
import type { Spec, SpecIssue, Trace } from '../engine/types';
import { Cursor, START, clampCursor, cursorAt, cursorIndex, lastIndex, sameCursor } from './cursor';

/** What changed in one `onDidChange`: views redraw only what they must. */
export interface SessionChange {
  readonly cursor: boolean;
  readonly trace: boolean;
  readonly issues: boolean;
}

/** Computes a trace; may run elsewhere (worker) and may be cancelled when a newer edit arrives. */
export type TraceComputer = (spec: Spec, token: vscode.CancellationToken) => Promise<Trace | undefined>;

/** Parses and validates a spec's text; may run in a worker for a large text. undefined = cancelled. */
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
  private _text: string | undefined;
  private _computation: vscode.CancellationTokenSource | undefined;
  private _disposed = false;

  constructor(readonly uri: vscode.Uri, private readonly computeTrace: TraceComputer, private readonly parse: SpecParser = parseInline) {}

  get spec(): Spec | undefined { return this._spec; }
  get trace(): Trace | undefined { return this._trace; }
  get issues(): readonly SpecIssue[] { return this._issues; }
  get cursor(): Cursor { return this._cursor; }
  get T(): number { return this._trace?.T ?? 0; }

  /**
   * Re-parses `text` and recomputes the trace. Problems are published as soon as the text is
   * parsed; the trace when its computation finishes. A newer update cancels both. The cursor keeps its phase
   * and step, clamped if T shrank.
   */
  async update(text: string): Promise<void> {
    if (text === this._text || this._disposed) return;
    this._text = text;
    this._computation?.cancel();
    const source = new vscode.CancellationTokenSource();
    this._computation = source;
    try {
      const parsed = await this.parse(text, source.token);
      if (source.token.isCancellationRequested || this._disposed || !parsed) return;
      this._issues = parsed.issues;
      this._spec = parsed.spec;
      this.fire({ cursor: false, trace: false, issues: true });
      if (!parsed.spec) return;
      const trace = await this.computeTrace(parsed.spec, source.token);
      if (source.token.isCancellationRequested || this._disposed || !trace) return;
      this._trace = trace;
      const clamped = clampCursor(this._cursor, trace.T);
      const cursorMoved = !sameCursor(clamped, this._cursor);
      this._cursor = clamped;
      this.fire({ cursor: cursorMoved, trace: true, issues: false });
    } finally {
      if (this._computation === source) this._computation = undefined;
      source.dispose();
    }
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

  private fire(change: SessionChange): void {
    if (!this._disposed) this._onDidChange.fire(change);
  }

  dispose(): void {
    this._disposed = true;
    this._computation?.cancel();
    this._onDidChange.dispose();
  }
}
