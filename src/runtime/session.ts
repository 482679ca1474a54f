// The one source of truth for a spec document: the parsed spec, its problems, the computed
// trace and the stepping cursor. No vscode here: the views (tree, hover, inline values, status
// bar, chart panel), the commands and a debug adapter observe `onDidChange` and call the intent
// methods, adapting this class at the edge; none keeps its own copy of state. Parsing and the
// engine are pure (src/engine); how a trace is computed (on this thread or in a worker, with
// progress) is injected as a TraceComputer / SpecParser taking an AbortSignal.
// The trace shown may be older than the text (an invalid edit, a computation running, failed or
// cancelled): `freshness()` says whether it is current and if not why, for every view.
// An edit marks the trace stale at once (`markEdited`, before its debounce and parse), and it
// stays stale through the parse, so no view shows old values unmarked while a large text is
// parsed; computeState turns 'computing' once the parse is done and the engine runs.
// A text whose spec gives the same computation as the trace shown (an edit of a comment or the
// name, Format Document) keeps that trace: the engine is not run again (sameComputation).
// Each update may carry the document version of its text; issues are tagged with the version
// they were parsed from (`issuesFor(version)`), so a view never positions problems of an older
// text against a newer document.

import { parseSpec, type TextShape } from '../engine/specParse';
import { layerCount, layerLabel, layerView } from '../engine/stackView';
import type { Spec, SpecIssue, Trace } from '../engine/types';
import { Cursor, START, clampCursor, cursorAt, cursorIndex, lastIndex, sameCursor } from './cursor';
import { Emitter } from './emitter';
import { timing } from './timing';

/** What changed in one `onDidChange`: views redraw only what they must. */
export interface SessionChange {
  readonly cursor: boolean;
  readonly trace: boolean;
  readonly issues: boolean;
  /** freshness (stale, computeState or computeError) changed */
  readonly state?: boolean;
  /** a parse result was applied (the issues now belong to `issuesVersion`), even if the issues are the same */
  readonly parsed?: boolean;
  /** the selected (layer, direction) of a stack changed: `view` is another layer's (also sets `trace`) */
  readonly layer?: boolean;
  /** a model override was set or dropped (also sets `trace`): `modelOverride` says which */
  readonly override?: boolean;
}

/**
 * A model shown in place of the spec's own (a training step's parameters, docs/training.md): the
 * trace is computed from `spec`, which has the text's structure and inputs and other weights.
 * `label` is what every view shows with the values ("training step 3 of 50 (not applied)").
 */
export interface ModelOverride {
  readonly spec: Spec;
  /** the training step k (0..steps): θ_k */
  readonly step: number;
  readonly steps: number;
  readonly label: string;
}

/** Where the trace computation of the current text stands. */
export type ComputeState = 'idle' | 'computing' | 'failed' | 'cancelled';

/**
 * Computes a trace; may run elsewhere (worker) and is aborted when a newer edit arrives or the
 * user cancels. Resolves undefined when cancelled; rejects (throws) when the computation failed.
 */
export type TraceComputer = (spec: Spec, signal: AbortSignal) => Trace | undefined | Promise<Trace | undefined>;

/** Parses and validates a spec's text; may run in a worker for a large text. undefined = cancelled; throws = failed. */
export type SpecParser = (text: string, signal: AbortSignal, ref?: DocumentRef) => ParseResult | undefined | Promise<ParseResult | undefined>;
/**
 * `inputRowEnds`: the offset just after each row of `inputs`, when the parser scanned them (a worker);
 * `textShape`: the text's keys and arrays without its numbers (spec/textShape.ts), when the parser gave it.
 */
export type ParseResult = { spec?: Spec; issues: SpecIssue[]; dependencies?: string[]; inputRowEnds?: number[]; textShape?: TextShape };

/** Why the trace shown is not the current text's. */
export type StaleReason = 'errors' | 'computing' | 'failed' | 'cancelled';

/**
 * Whether the trace shown (if any) comes from the current text. `message` says why not and
 * what to do, in words every view can show as is.
 */
export type Freshness =
  | { readonly fresh: true }
  | { readonly fresh: false; readonly reason: StaleReason; readonly message: string };

/** A what-if preview: the overriding spec (one value changed) and the trace computed from it. */
export interface WhatIfPreview {
  readonly spec: Spec;
  readonly trace: Trace;
}

/** What identifies a session's document: a vscode.Uri in the extension, a path in a debug adapter. */
export interface DocumentRef { toString(): string }

export interface UpdateOptions {
  /** recompute even an unchanged text (after a failure or a cancel) */
  readonly force?: boolean;
  /** the document version of `text`, tagged on the issues parsed from it */
  readonly version?: number;
}

/** What a stepping intent did: moved, or why not (for the status bar). */
export type StepOutcome = { readonly moved: true } | { readonly moved: false; readonly message: string };

const parseInline: SpecParser = text => parseSpec(text);

export class Session<Ref extends DocumentRef = DocumentRef> {
  private readonly _onDidChange = new Emitter<SessionChange>();
  readonly onDidChange = this._onDidChange.event;

  private _spec: Spec | undefined;
  private _trace: Trace | undefined;
  private _issues: SpecIssue[] = [];
  private _issuesVersion: number | undefined;
  private _cursor: Cursor = START;
  /** the stack entry (PyTorch order: l0 forward, l0 reverse, l1 forward, …) the views show */
  private _layer = 0;
  /** where each input row of the text of `issuesVersion` ends, when the parser said */
  private _inputRowEnds: number[] | undefined;
  /** the shape of the text of `issuesVersion`, when the parser gave it */
  private _textShape: TextShape | undefined;
  /** the files the current spec reads (model, inputs), as written in it */
  private _dependencies: readonly string[] = [];
  /** the text whose parse and trace are done or under way; cleared after a failure so the same text recomputes */
  private _text: string | undefined;
  /** the latest document version known to hold `_text` */
  private _textVersion: number | undefined;
  /** true while `_text` is being parsed (its issues are not in yet) */
  private _parsing = false;
  /** the last text given to update(), kept for recompute() */
  private _latestText: string | undefined;
  private _computeState: ComputeState = 'idle';
  /** an edit arrived whose text is not parsed yet (the manager's debounce, or the parse, is running) */
  private _editPending = false;
  private _computeError: string | undefined;
  private _computation: AbortController | undefined;
  /** the computation the user cancelled (as opposed to one superseded by a newer edit) */
  private _cancelledByUser: AbortController | undefined;
  /** freshness as last fired, to fire `state` only on a change */
  private _firedState = 'false|idle||false';
  private _disposed = false;
  /** what-if: the overriding spec and its trace, shown instead of the spec's own (see previewWhatIf) */
  private _whatIf: WhatIfPreview | undefined;
  /** what-if: the latest spec asked for while a computation is in flight (older ones are dropped) */
  private _whatIfPending: Spec | undefined;
  /** what-if: the running preview loop (one computation in flight), undefined when idle */
  private _whatIfLoop: Promise<void> | undefined;
  private _whatIfComputation: AbortController | undefined;
  /** what-if: bumped by endWhatIf, so a computation started before is not shown after */
  private _whatIfGeneration = 0;
  /** the model shown in place of the spec's (a training step), and the spec's own trace to go back to */
  private _override: ModelOverride | undefined;
  private _overrideBase: Trace | undefined;
  private _overrideJob: AbortController | undefined;
  /** the spec the spec's own trace (`_trace`, or `_overrideBase` under an override) was computed from */
  private _traceSpec: Spec | undefined;
  /** how many parsed texts kept the trace shown because their numbers were the same (tests) */
  tracesKept = 0;

  constructor(readonly uri: Ref, private readonly computeTrace: TraceComputer, private readonly parse: SpecParser = parseInline) {}

  get spec(): Spec | undefined { return this._spec; }
  /** the trace every view shows: a what-if preview's while there is one, else the spec's own */
  get trace(): Trace | undefined { return this._whatIf?.trace ?? this._trace; }
  get issues(): readonly SpecIssue[] { return this._issues; }
  /** the document version the issues were parsed from (undefined when updates carry no version) */
  get issuesVersion(): number | undefined { return this._issuesVersion; }
  /** the input rows' end offsets in the text of `issuesVersion`, when its parser gave them */
  get inputRowEnds(): number[] | undefined { return this._inputRowEnds; }
  /** the shape of the text of `issuesVersion` (its keys and arrays, no numbers), when its parser gave it */
  get textShape(): TextShape | undefined { return this._textShape; }
  get cursor(): Cursor { return this._cursor; }
  /** the selected stack entry (0 for a single layer): every view shows `view`, this entry's single-layer Trace */
  get layer(): number { return this._layer; }
  /** how many (layer, direction) entries the trace has: 1 for a single layer */
  get layerCount(): number { return this.trace ? layerCount(this.trace) : 1; }
  /** the selected entry's single-layer Trace (the trace itself for a single layer) */
  get view(): Trace | undefined { const trace = this.trace; return trace && layerView(trace, this._layer); }
  /** "L2 ←" for the selected entry of a stack, "" for a single layer */
  get layerLabel(): string { return this.trace ? layerLabel(this.trace, this._layer) : ''; }
  /** the files the spec reads (model, inputs), as written in it: watch them and recompute */
  get dependencies(): readonly string[] { return this._dependencies; }
  get T(): number { return this.trace?.T ?? 0; }
  /** the length of the last text given to update() (0 before any): sizes the edit debounce without reading the document */
  get textLength(): number { return this._latestText?.length ?? 0; }
  get hasErrors(): boolean { return this._issues.some(issue => issue.severity === 'error'); }

  /** Where the computation of the current text stands (idle = done, or nothing to compute). */
  get computeState(): ComputeState { return this._computeState; }
  /** Why the last computation failed (computeState 'failed'). */
  get computeError(): string | undefined { return this._computeError; }
  /**
   * True when a trace is shown that does not come from the current text: the text has parse
   * errors, or its computation is pending, failed or was cancelled.
   */
  get stale(): boolean {
    return this._trace !== undefined && (this._spec === undefined || this._computeState !== 'idle' || this._editPending);
  }

  /**
   * The document changed and an update will follow (after the debounce): the trace shown is
   * stale from now on. Cheap (no text is read), and fires only when freshness changes.
   */
  markEdited(): void {
    if (this._disposed || this._editPending) return;
    this._editPending = true;
    this.fire({ cursor: false, trace: false, issues: false });
  }

  /**
   * Is the trace fresh, and if not why: the one answer every view (status bar, tree, hover,
   * inline values, panel, debug adapter) shows. Not fresh also when there is no trace yet.
   */
  freshness(): Freshness {
    if (this._trace && !this.stale) return { fresh: true };
    const shown = this._trace ? '; the values shown are from the last valid spec' : '';
    if (this._spec === undefined && this.hasErrors) {
      return { fresh: false, reason: 'errors', message: `the spec has errors (see the Problems view)${shown}` };
    }
    switch (this._computeState) {
      case 'failed':
        return { fresh: false, reason: 'failed', message: `the trace could not be computed${this._computeError ? ` (${this._computeError})` : ''}; run "LSTM: Recompute Trace" to try again` };
      case 'cancelled':
        return { fresh: false, reason: 'cancelled', message: 'the computation was cancelled; run "LSTM: Recompute Trace" to compute it' };
      default:
        return { fresh: false, reason: 'computing', message: 'the trace of the current text is being computed' };
    }
  }

  /** The issues if they were parsed from document `version` (or updates carry no version), else undefined: not for this text. */
  issuesFor(version: number | undefined): readonly SpecIssue[] | undefined {
    if (version === undefined || this._issuesVersion === undefined || this._issuesVersion === version) return this._issues;
    return undefined;
  }

  /**
   * Re-parses `text` and recomputes the trace. Problems are published as soon as the text is
   * parsed; the trace when its computation finishes. A newer update aborts both. The cursor keeps
   * its phase and step, clamped if T shrank.
   */
  async update(text: string, options: UpdateOptions = {}): Promise<void> {
    if (this._disposed) return;
    if (text === this._text && !options.force) {
      // the same text under a newer version (an undo back to it): its issues hold for that version too
      // back to the text already shown or under way: stale only while that one is parsed or computed
      const wasPending = this._editPending && !this._parsing;
      if (wasPending) this._editPending = false;
      if (options.version !== undefined && options.version !== this._textVersion) {
        this._textVersion = options.version;
        if (!this._parsing) { this._issuesVersion = options.version; this.fire({ cursor: false, trace: false, issues: false, parsed: true }); return; }
      }
      if (wasPending) this.fire({ cursor: false, trace: false, issues: false });
      return;
    }
    this.dropModelOverride(); // a new text (or a recompute) shows the spec's own weights again
    this._text = text;
    this._textVersion = options.version;
    this._latestText = text;
    this._computation?.abort();
    const controller = new AbortController();
    this._computation = controller;
    const signal = controller.signal;
    /** true when a newer update (or dispose) took over: it owns the state from now on */
    const superseded = () => this._disposed || (signal.aborted && this._cancelledByUser !== controller);
    /** true when the user cancelled this computation */
    const cancelledByUser = () => this._cancelledByUser === controller;
    // stale from the start (not yet 'computing': that says the parse is done and the engine runs)
    this._editPending = true;
    this.fire({ cursor: false, trace: false, issues: false });
    try {
      let parsed: ParseResult | undefined;
      this._parsing = true;
      timing.mark(`session: parse ${text.length} chars`);
      try {
        parsed = signal.aborted ? undefined : await this.parse(text, signal, this.uri);
        timing.mark('session: parsed');
      } catch (error) {
        if (!superseded()) this.fail(error);
        return;
      } finally {
        if (this._computation === controller) this._parsing = false;
      }
      if (superseded()) return;
      if (!parsed) { this.cancelled(); return; }
      const issuesChanged = !sameIssues(this._issues, parsed.issues);
      // the same computation as the trace shown (a comment, the name, the layout: Format Document):
      // that trace is this text's trace, and the engine is not run again
      const keep = !options.force && parsed.spec !== undefined && this._trace !== undefined && !this._override
        && this._traceSpec !== undefined && sameComputation(this._traceSpec, parsed.spec);
      this._editPending = false;
      const previousName = this._traceSpec?.name;
      this._issues = parsed.issues;
      this._issuesVersion = this._textVersion;
      this._inputRowEnds = parsed.inputRowEnds;
      this._textShape = parsed.textShape;
      this._spec = parsed.spec;
      this._dependencies = parsed.dependencies ?? [];
      this._computeState = parsed.spec && !keep ? 'computing' : 'idle';
      this._computeError = undefined;
      if (keep) {
        this._traceSpec = parsed.spec;
        // a what-if preview gives way to the spec's own trace, as when a computed trace arrives
        const droppedPreview = this._whatIf !== undefined;
        this._whatIf = undefined;
        this.tracesKept++;
        timing.mark('session: the trace shown is kept (the same numbers)');
        // a renamed spec: the views that show the name (the panel's title line) take it with a trace event
        const renamed = previousName !== parsed.spec!.name;
        this.fire({ cursor: false, trace: renamed || droppedPreview, issues: issuesChanged, parsed: true });
        return;
      }
      this.fire({ cursor: false, trace: false, issues: issuesChanged, parsed: true });
      timing.mark('session: parse event delivered');
      if (!parsed.spec) return;
      // a cancel that came before the computation started (while parsing, or from a listener of
      // the event just fired) is honoured: nothing is computed
      if (cancelledByUser()) { this.cancelled(); return; }
      if (superseded()) return;
      let trace: Trace | undefined;
      try {
        trace = await this.computeTrace(parsed.spec, signal);
        timing.mark('session: trace computed');
      } catch (error) {
        if (!superseded()) this.fail(error);
        return;
      }
      if (superseded()) return;
      if (!trace || signal.aborted) { this.cancelled(); return; }
      this._trace = trace;
      this._traceSpec = parsed.spec;
      // the spec's own trace replaces a what-if preview (after a commit it holds the same values)
      this._whatIf = undefined;
      // the same entry if the new trace has it, else the last one (a stack that lost layers)
      this._layer = Math.min(this._layer, layerCount(trace) - 1);
      this._computeState = 'idle';
      const clamped = clampCursor(this._cursor, trace.T);
      const cursorMoved = !sameCursor(clamped, this._cursor);
      this._cursor = clamped;
      this.fire({ cursor: cursorMoved, trace: true, issues: false });
      timing.mark('session: trace event delivered');
    } finally {
      if (this._computation === controller) this._computation = undefined;
      if (this._cancelledByUser === controller) this._cancelledByUser = undefined;
    }
  }

  /** Parses and computes the last text again (after a failed or cancelled computation). */
  recompute(): Promise<void> {
    return this._latestText === undefined ? Promise.resolve() : this.update(this._latestText, { force: true, version: this._textVersion });
  }

  /** True while a parse or computation runs (cancel() would stop it). */
  get busy(): boolean { return this._computation !== undefined; }

  /** Cancels the running parse or computation; the session is then 'cancelled' (recompute() resumes). */
  cancel(): void {
    if (!this._computation) return;
    this._cancelledByUser = this._computation;
    this._computation.abort();
  }

  private cancelled(): void {
    this._editPending = false;
    this._text = undefined; // the same text must compute again on the next update
    this._computeState = 'cancelled';
    this.fire({ cursor: false, trace: false, issues: false });
  }

  private fail(error: unknown): void {
    this._editPending = false;
    this._text = undefined;
    this._computeState = 'failed';
    this._computeError = error instanceof Error ? error.message : String(error);
    this.fire({ cursor: false, trace: false, issues: false });
  }

  // ---- what-if: a transient override of the spec (the chart panel's equation view, docs/panel.md) ----

  /** The what-if preview shown instead of the spec's own trace, if any. */
  get whatIf(): WhatIfPreview | undefined { return this._whatIf; }

  /**
   * Shows the trace of `spec` (the session's spec with one value changed) in every view, without
   * touching the text. One computation is in flight at a time: a call while one runs only leaves
   * its spec as the next to compute, replacing (dropping) any spec left by an earlier call, so a
   * drag of 60 values a second computes the latest value as soon as the previous one is done.
   * Resolves when no preview is left to compute. A new trace of the text ends the preview.
   */
  previewWhatIf(spec: Spec): Promise<void> {
    if (this._disposed) return Promise.resolve();
    this._whatIfPending = spec;
    this._whatIfLoop ??= this.runWhatIf().finally(() => { this._whatIfLoop = undefined; });
    return this._whatIfLoop;
  }

  /**
   * Ends the what-if preview: nothing left to compute, a computation in flight dropped. With
   * `keepUntilNextTrace` (a commit: the text is being edited to the same values) the last preview
   * stays shown until the text's new trace arrives; otherwise the spec's own trace is shown again.
   */
  endWhatIf(keepUntilNextTrace = false): void {
    this._whatIfGeneration++;
    this._whatIfPending = undefined;
    this._whatIfComputation?.abort();
    if (keepUntilNextTrace || !this._whatIf) return;
    this._whatIf = undefined;
    this.clampAfterTraceChange();
  }

  private async runWhatIf(): Promise<void> {
    while (this._whatIfPending && !this._disposed) {
      const spec = this._whatIfPending;
      this._whatIfPending = undefined;
      const generation = this._whatIfGeneration;
      const controller = new AbortController();
      this._whatIfComputation = controller;
      let trace: Trace | undefined;
      try {
        trace = await this.computeTrace(spec, controller.signal);
      } catch {
        trace = undefined; // a value the engine cannot compute: the previous picture stays
      }
      if (this._whatIfComputation === controller) this._whatIfComputation = undefined;
      if (this._disposed || !trace || controller.signal.aborted || generation !== this._whatIfGeneration) continue;
      this._whatIf = { spec, trace };
      this.clampAfterTraceChange();
    }
  }

  /** The shown trace changed (a what-if preview came or went): the cursor clamped to its T, every view told. */
  private clampAfterTraceChange(): void {
    const trace = this.trace;
    if (trace) this._layer = Math.min(this._layer, layerCount(trace) - 1);
    const clamped = trace ? clampCursor(this._cursor, trace.T) : this._cursor;
    const cursorMoved = !sameCursor(clamped, this._cursor);
    this._cursor = clamped;
    this.fire({ cursor: cursorMoved, trace: true, issues: false });
  }

  /** The model shown in place of the spec's (a training step's parameters), if any. */
  get modelOverride(): ModelOverride | undefined { return this._override; }
  /** The spec the trace shown was computed from: the override's, else the text's. */
  get modelSpec(): Spec | undefined { return this._override?.spec ?? this._spec; }

  /**
   * Shows `override`'s model in every view: its trace is computed (with the session's trace
   * computer) and replaces the shown one; the cursor keeps its place. undefined goes back to the
   * spec's own trace at once. Refused while the text's own parse or computation runs (its result
   * would replace the override's). An edit of the text, or a recompute, drops the override.
   */
  async setModelOverride(override: ModelOverride | undefined): Promise<StepOutcome> {
    if (this._disposed) return { moved: false, message: 'LSTM: the spec was closed' };
    this._overrideJob?.abort();
    this._overrideJob = undefined;
    if (!override) {
      if (this.dropModelOverride()) return MOVED;
      return { moved: false, message: 'LSTM: the views already show the spec\'s own weights' };
    }
    if (this.busy) return { moved: false, message: 'LSTM: the trace of the spec is being computed; try again when it is done' };
    if (!this._trace || !this._spec) return NO_TRACE;
    const controller = new AbortController();
    this._overrideJob = controller;
    let trace: Trace | undefined;
    try {
      trace = await this.computeTrace(override.spec, controller.signal);
    } finally {
      if (this._overrideJob === controller) this._overrideJob = undefined;
    }
    if (controller.signal.aborted || this._disposed) return { moved: false, message: 'LSTM: superseded' };
    if (!trace) return { moved: false, message: 'LSTM: the computation of that training step was cancelled' };
    if (this.busy) return { moved: false, message: 'LSTM: the spec changed while that training step was computed' };
    if (!this._override) this._overrideBase = this._trace;
    this._override = override;
    this.showTrace(trace, true);
    return MOVED;
  }

  /** Drops the override (if any) and shows the spec's own trace again; true when there was one. */
  private dropModelOverride(): boolean {
    this._overrideJob?.abort();
    this._overrideJob = undefined;
    if (!this._override) return false;
    this._override = undefined;
    const base = this._overrideBase;
    this._overrideBase = undefined;
    if (base) this.showTrace(base, true);
    return true;
  }

  private showTrace(trace: Trace, override: boolean): void {
    this._trace = trace;
    this._layer = Math.min(this._layer, layerCount(trace) - 1);
    const clamped = clampCursor(this._cursor, trace.T);
    const cursorMoved = !sameCursor(clamped, this._cursor);
    this._cursor = clamped;
    this.fire({ cursor: cursorMoved, trace: true, issues: false, override });
  }

  step(): StepOutcome { return this.moveToIndex(cursorIndex(this._cursor, this.T) + 1); }
  stepBack(): StepOutcome { return this.moveToIndex(cursorIndex(this._cursor, this.T) - 1); }
  /** Forward phase done: t = T. */
  runToEnd(): StepOutcome { return this.goTo({ phase: 'forward', t: this.T }); }
  /** Through BPTT down to t = 1. */
  runBackward(): StepOutcome { return this.moveToIndex(lastIndex(this.T)); }
  reset(): StepOutcome { return this.goTo(START); }

  /** Shows stack entry `index` (PyTorch order) in every view; the cursor stays where it is. */
  selectLayer(index: number): StepOutcome {
    if (!this._trace) return NO_TRACE;
    const count = layerCount(this._trace);
    if (!Number.isInteger(index) || index < 0 || index >= count) {
      return { moved: false, message: `LSTM: there is no layer view ${index}; this spec has ${count === 1 ? 'a single layer' : `views 0..${count - 1}`}` };
    }
    if (index === this._layer) return { moved: false, message: `LSTM: already showing ${layerLabel(this._trace, index) || 'the only layer'}` };
    this._layer = index;
    this.fire({ cursor: false, trace: true, issues: false, layer: true });
    return MOVED;
  }

  goTo(cursor: Cursor): StepOutcome {
    if (!this.trace) return NO_TRACE;
    return this.setCursor(clampCursor(cursor, this.T));
  }

  moveToIndex(index: number): StepOutcome {
    if (!this.trace) return NO_TRACE;
    return this.setCursor(cursorAt(index, this.T));
  }

  private setCursor(next: Cursor): StepOutcome {
    if (sameCursor(next, this._cursor)) return { moved: false, message: notMovedMessage(this._cursor, this.T) };
    this._cursor = next;
    this.fire({ cursor: true, trace: false, issues: false });
    return MOVED;
  }

  /** Fires `change`, with `state` set when freshness changed since the last event; nothing when nothing changed. */
  private fire(change: SessionChange): void {
    if (this._disposed) return;
    // the pending edit is part of it: stale while parsing, then stale for errors, is a change of reason
    const state = `${this.stale}|${this._computeState}|${this._computeError ?? ''}|${this.stale && this._editPending}`;
    const stateChanged = state !== this._firedState;
    this._firedState = state;
    if (!change.cursor && !change.trace && !change.issues && !change.parsed && !change.layer && !stateChanged) return;
    this._onDidChange.fire({ ...change, state: stateChanged });
  }

  dispose(): void {
    this._disposed = true;
    this._computation?.abort();
    this._whatIfComputation?.abort();
    this._overrideJob?.abort();
    this._onDidChange.dispose();
  }
}

const MOVED: StepOutcome = { moved: true };
const NO_TRACE: StepOutcome = { moved: false, message: 'LSTM: there is no trace to step through yet' };

/** "LSTM: already at the last step (backward t=1)": why a stepping intent left the cursor where it was. */
export function notMovedMessage(cursor: Cursor, T: number): string {
  const index = cursorIndex(cursor, T);
  const where = index === 0 ? 'the start'
    : index === lastIndex(T) ? 'the last step'
      : cursor.phase === 'forward' && cursor.t === T ? 'the end of the forward pass' : 'that step';
  return `LSTM: already at ${where} (${cursor.phase} t=${cursor.t})`;
}

/**
 * Whether two specs give the same trace: equal in everything but the name, which no trace holds.
 * Plain data compared by value (numbers, strings, arrays, Float64Arrays, objects); anything else
 * only when it is the same object, so an unknown kind of field always recomputes.
 */
export function sameComputation(a: Spec, b: Spec): boolean {
  return sameData({ ...a, name: undefined }, { ...b, name: undefined });
}

function sameData(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (ArrayBuffer.isView(a) || ArrayBuffer.isView(b)) {
    if (!(a instanceof Float64Array) || !(b instanceof Float64Array) || a.length !== b.length) return false;
    for (let k = 0; k < a.length; k++) if (!Object.is(a[k], b[k])) return false;
    return true;
  }
  // plain objects and arrays only (an array and an object have different prototypes)
  const proto = Object.getPrototypeOf(a);
  if (proto !== Object.getPrototypeOf(b)) return false;
  if (proto !== Object.prototype && proto !== Array.prototype) return false;
  const keysA = Object.keys(a).filter(key => (a as Record<string, unknown>)[key] !== undefined);
  const keysB = Object.keys(b).filter(key => (b as Record<string, unknown>)[key] !== undefined);
  if (keysA.length !== keysB.length) return false;
  return keysA.every(key => sameData((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
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
