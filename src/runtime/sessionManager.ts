// Keeps one Session per open spec document and knows which one is active. No vscode here: a
// thin adapter (src/views/documentSessions.ts in the extension, later the debug adapter) feeds it
// documents as they open, change and close, and says which one the user is looking at. Edits are
// debounced (the text is read only when the timer fires, so a burst of keystrokes reads it once),
// and the cursor survives them (Session clamps it). An edit marks its session stale at once,
// before the debounce. The debounce grows with the text's size (editDebounceMs): a small spec
// is recomputed almost at once (its parse and trace take a few ms), a large one waits for the
// typing to pause, up to EDIT_DEBOUNCE_MS. Views subscribe to `onDidChangeActive` for
// the active session, or to `onDidChangeSession` for every session (diagnostics).
// The clock is injected (`Scheduler`), so the debounce is unit tested without waiting.

import { Emitter } from './emitter';
import { DocumentRef, Session, SessionChange, SpecParser, TraceComputer } from './session';

/** The longest edit debounce (texts of about 1 MB and more). */
export const EDIT_DEBOUNCE_MS = 150;
/** The shortest (a small spec): still coalesces a key held down (its repeats come ~30 ms apart). */
export const EDIT_DEBOUNCE_MIN_MS = 20;

/** The debounce of an edit to a text of `chars` UTF-16 units: 20 ms plus 1 ms per 8 KB, at most 150 ms. */
export function editDebounceMs(chars: number): number {
  return Math.min(EDIT_DEBOUNCE_MS, EDIT_DEBOUNCE_MIN_MS + Math.floor(chars / 8192));
}

/** A document's text at one version, read when an update actually runs. */
export interface DocumentText { readonly text: string; readonly version?: number }

/** setTimeout/clearTimeout, injectable so the debounce can be tested without a clock. */
export interface Scheduler {
  schedule(run: () => void, ms: number): unknown;
  cancel(handle: unknown): void;
}

export const timerScheduler: Scheduler = {
  schedule: (run, ms) => setTimeout(run, ms),
  cancel: handle => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface SessionManagerOptions {
  computeTrace: TraceComputer;
  parse?: SpecParser;
  /** a fixed debounce instead of editDebounceMs (tests) */
  debounceMs?: number;
  scheduler?: Scheduler;
  /** an update that threw (not a failed computation, which the session records): report it */
  onUpdateError?: (session: Session, error: unknown) => void;
}

const EVERYTHING: SessionChange = { cursor: true, trace: true, issues: true, state: true, parsed: true };

interface Entry<Ref extends DocumentRef> {
  session: Session<Ref>;
  subscription: { dispose(): void };
  /** the pending debounced edit: its timer and how to read the text when it fires */
  timer?: unknown;
  pending?: () => DocumentText;
}

export class SessionManager<Ref extends DocumentRef = DocumentRef> {
  private readonly _sessions = new Map<string, Entry<Ref>>();
  private _active: Session<Ref> | undefined;
  private readonly scheduler: Scheduler;
  /** a fixed debounce overriding editDebounceMs; mutable for tests that hold edits back (undefined = the rule) */
  debounceMs: number | undefined;

  private readonly _onDidChangeActiveSession = new Emitter<Session<Ref> | undefined>();
  /** the active session switched (or went away) */
  readonly onDidChangeActiveSession = this._onDidChangeActiveSession.event;

  private readonly _onDidChangeActive = new Emitter<SessionChange>();
  /** the active session's changes, plus everything-changed when the active session switches */
  readonly onDidChangeActive = this._onDidChangeActive.event;

  private readonly _onDidChangeSession = new Emitter<{ session: Session<Ref>; change: SessionChange }>();
  /** any session's change, for views that cover every spec (diagnostics) */
  readonly onDidChangeSession = this._onDidChangeSession.event;

  private readonly _onDidCloseSession = new Emitter<Session<Ref>>();
  readonly onDidCloseSession = this._onDidCloseSession.event;

  constructor(private readonly options: SessionManagerOptions) {
    this.scheduler = options.scheduler ?? timerScheduler;
    this.debounceMs = options.debounceMs;
  }

  /** the session the user is looking at (the active spec editor's, else the last one used) */
  get activeSession(): Session<Ref> | undefined { return this._active; }

  getSession(ref: Ref | string): Session<Ref> | undefined { return this._sessions.get(ref.toString())?.session; }

  get sessions(): Session<Ref>[] { return [...this._sessions.values()].map(entry => entry.session); }

  /** The session of `ref`, created and parsed at once with `read()` if not seen yet. */
  open(ref: Ref, read: () => DocumentText): Session<Ref> {
    const key = ref.toString();
    const existing = this._sessions.get(key);
    if (existing) return existing.session;
    const session = new Session<Ref>(ref, this.options.computeTrace, this.options.parse);
    const subscription = session.onDidChange(change => {
      this._onDidChangeSession.fire({ session, change });
      if (session === this._active) this._onDidChangeActive.fire(change);
    });
    this._sessions.set(key, { session, subscription });
    void this.run(session, read());
    return session;
  }

  /** The document of `ref` changed: updates its session after the debounce, reading the text then. */
  edit(ref: Ref | string, read: () => DocumentText): void {
    const entry = this._sessions.get(ref.toString());
    if (!entry) return;
    if (entry.timer !== undefined) this.scheduler.cancel(entry.timer);
    entry.pending = read;
    // the views show the old values as stale from this keystroke on
    entry.session.markEdited();
    // sized by the last text seen: reading the document now would cost O(text) per keystroke
    const delay = this.debounceMs ?? editDebounceMs(entry.session.textLength);
    entry.timer = this.scheduler.schedule(() => {
      entry.timer = undefined;
      const pending = entry.pending;
      entry.pending = undefined;
      if (pending) void this.run(entry.session, pending());
    }, delay);
  }

  /** Makes `session` the active one (the user looked at it, or a command used it). */
  setActive(session: Session<Ref> | undefined): void {
    if (session === this._active) return;
    this._active = session;
    this._onDidChangeActiveSession.fire(session);
    this._onDidChangeActive.fire(EVERYTHING);
  }

  /** Applies every pending debounced edit now; resolves when their traces are computed (tests, commands). */
  async flush(): Promise<void> {
    const running: Promise<void>[] = [];
    for (const entry of this._sessions.values()) {
      const pending = this.takePending(entry);
      if (pending) running.push(this.run(entry.session, pending()));
    }
    await Promise.all(running);
  }

  /**
   * Parses and computes `session`'s document again, even if its text did not change (after a
   * failed or cancelled computation); a pending debounced edit is applied at the same time.
   */
  recompute(session: Session<Ref>): Promise<void> {
    const entry = this._sessions.get(session.uri.toString());
    const pending = entry && this.takePending(entry);
    return pending ? this.run(session, pending(), true) : this.guard(session, session.recompute());
  }

  /** The document of `ref` closed: its session goes away (and the active one falls back to nothing). */
  close(ref: Ref | string): Session<Ref> | undefined {
    const key = ref.toString();
    const entry = this._sessions.get(key);
    if (!entry) return undefined;
    this.takePending(entry);
    this._sessions.delete(key);
    this._onDidCloseSession.fire(entry.session);
    entry.subscription.dispose();
    entry.session.dispose();
    if (this._active === entry.session) this.setActive(undefined);
    return entry.session;
  }

  private takePending(entry: Entry<Ref>): (() => DocumentText) | undefined {
    if (entry.timer !== undefined) this.scheduler.cancel(entry.timer);
    entry.timer = undefined;
    const pending = entry.pending;
    entry.pending = undefined;
    return pending;
  }

  private run(session: Session<Ref>, document: DocumentText, force = false): Promise<void> {
    return this.guard(session, session.update(document.text, { force, version: document.version }));
  }

  private guard(session: Session<Ref>, running: Promise<void>): Promise<void> {
    return running.catch(error => this.options.onUpdateError?.(session, error));
  }

  dispose(): void {
    for (const entry of this._sessions.values()) {
      this.takePending(entry);
      entry.subscription.dispose();
      entry.session.dispose();
    }
    this._sessions.clear();
    this._active = undefined;
    this._onDidChangeActiveSession.dispose();
    this._onDidChangeActive.dispose();
    this._onDidChangeSession.dispose();
    this._onDidCloseSession.dispose();
  }
}
