// Keeps one Session per open spec document and knows which one is active: the active spec
// editor's, else the last one used (so the sidebar keeps showing a spec while the user clicks
// into the panel or another file). Document edits re-parse and recompute, debounced, and the
// cursor survives them (Session clamps it). Views subscribe to `onDidChangeActive` for the active
// session, or to `onDidChangeSession` for every session (diagnostics).

import * as vscode from 'vscode';
import { reportMessage } from '../errorReporter';
import { Session, SessionChange, SpecParser, TraceComputer } from './session';
import { isSpecDocument } from './specDocument';

export const EDIT_DEBOUNCE_MS = 150;

const EVERYTHING: SessionChange = { cursor: true, trace: true, issues: true };

export class SessionManager implements vscode.Disposable {
  private readonly _sessions = new Map<string, { session: Session; subscription: vscode.Disposable; timer?: ReturnType<typeof setTimeout> }>();
  private readonly _disposables: vscode.Disposable[] = [];
  private _active: Session | undefined;

  private readonly _onDidChangeActiveSession = new vscode.EventEmitter<Session | undefined>();
  /** the active session switched (or went away) */
  readonly onDidChangeActiveSession = this._onDidChangeActiveSession.event;

  private readonly _onDidChangeActive = new vscode.EventEmitter<SessionChange>();
  /** the active session's changes, plus {cursor,trace,issues: true} when the active session switches */
  readonly onDidChangeActive = this._onDidChangeActive.event;

  private readonly _onDidChangeSession = new vscode.EventEmitter<{ session: Session; change: SessionChange }>();
  /** any session's change, for views that cover every spec (diagnostics) */
  readonly onDidChangeSession = this._onDidChangeSession.event;

  private readonly _onDidCloseSession = new vscode.EventEmitter<Session>();
  readonly onDidCloseSession = this._onDidCloseSession.event;

  constructor(private readonly computeTrace: TraceComputer, private readonly parse?: SpecParser, private readonly debounceMs = EDIT_DEBOUNCE_MS) {
    this._disposables.push(
      this._onDidChangeActiveSession, this._onDidChangeActive, this._onDidChangeSession, this._onDidCloseSession,
      vscode.workspace.onDidOpenTextDocument(document => this.open(document)),
      vscode.workspace.onDidCloseTextDocument(document => this.close(document.uri)),
      vscode.workspace.onDidChangeTextDocument(event => this.scheduleUpdate(event.document)),
      vscode.window.onDidChangeActiveTextEditor(() => this.followActiveEditor()),
    );
    // The documents already open are parsed just after activation, not during it (activation stays
    // fast); anything that needs a session before then starts them synchronously.
    this._startTimer = setTimeout(() => this.start(), 0);
  }

  private _startTimer: ReturnType<typeof setTimeout> | undefined;

  /** Opens sessions for the spec documents that were open at activation (once); commands call it so they never miss one. */
  ensureStarted(): void { this.start(); }

  private start(): void {
    if (this._startTimer === undefined) return;
    clearTimeout(this._startTimer);
    this._startTimer = undefined;
    for (const document of vscode.workspace.textDocuments) this.open(document);
    this.followActiveEditor();
  }

  /** active *.lstm.json editor's session, else the last one used */
  get activeSession(): Session | undefined { return this._active; }

  getSession(uri: vscode.Uri): Session | undefined { return this._sessions.get(uri.toString())?.session; }

  get sessions(): Session[] { return [...this._sessions.values()].map(entry => entry.session); }

  /** The session of `document`, created (and parsed at once) if it is a spec not seen yet. */
  open(document: vscode.TextDocument): Session | undefined {
    if (!isSpecDocument(document)) return undefined;
    const key = document.uri.toString();
    const existing = this._sessions.get(key);
    if (existing) return existing.session;
    const session = new Session(document.uri, this.computeTrace, this.parse);
    const subscription = session.onDidChange(change => {
      this._onDidChangeSession.fire({ session, change });
      if (session === this._active) this._onDidChangeActive.fire(change);
    });
    this._sessions.set(key, { session, subscription });
    this.runUpdate(session, document.getText());
    return session;
  }

  /** Makes `session` the active one (a command or view used it explicitly). */
  setActive(session: Session | undefined): void {
    if (session === this._active) return;
    this._active = session;
    this._onDidChangeActiveSession.fire(session);
    this._onDidChangeActive.fire(EVERYTHING);
  }

  /** Resolves when every pending debounced edit has been applied and its trace computed (tests). */
  async flush(): Promise<void> {
    const pending: Promise<void>[] = [];
    for (const [key, entry] of this._sessions) {
      if (entry.timer === undefined) continue;
      clearTimeout(entry.timer);
      entry.timer = undefined;
      const document = vscode.workspace.textDocuments.find(d => d.uri.toString() === key);
      if (document) pending.push(this.runUpdate(entry.session, document.getText()));
    }
    await Promise.all(pending);
  }

  private followActiveEditor(): void {
    if (this._startTimer !== undefined) return; // start() follows the active editor
    const editor = vscode.window.activeTextEditor;
    const session = editor && this.open(editor.document);
    if (session) this.setActive(session);
    else if (!this._active) this.followVisibleSpec();
  }

  /**
   * With no active session (say a restored chart panel has focus after a window reload, so no
   * editor is active), follows the first visible spec editor. True if a session is active after.
   */
  followVisibleSpec(): boolean {
    this.start();
    if (!this._active) {
      const visible = vscode.window.visibleTextEditors.map(editor => this.open(editor.document)).find(s => s);
      if (visible) this.setActive(visible);
    }
    return this._active !== undefined;
  }

  private scheduleUpdate(document: vscode.TextDocument): void {
    const entry = this._sessions.get(document.uri.toString());
    if (!entry) {
      // a document whose language was just switched to lstm-spec arrives as close + open; nothing to do here
      return;
    }
    if (entry.timer !== undefined) clearTimeout(entry.timer);
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      void this.runUpdate(entry.session, document.getText());
    }, this.debounceMs);
  }

  /**
   * Parses and computes `session`'s document again, even if its text did not change (after a
   * failed or cancelled computation); a pending debounced edit is applied at the same time.
   */
  recompute(session: Session): Promise<void> {
    const entry = this._sessions.get(session.uri.toString());
    if (entry?.timer !== undefined) { clearTimeout(entry.timer); entry.timer = undefined; }
    const document = vscode.workspace.textDocuments.find(d => d.uri.toString() === session.uri.toString());
    return this.runUpdate(session, document?.getText(), true);
  }

  private runUpdate(session: Session, text: string | undefined, force = false): Promise<void> {
    const run = text === undefined ? session.recompute() : session.update(text, force);
    // reported once per distinct message (and logged), not on every keystroke
    return run.catch(error => reportMessage(`LSTM: could not update ${session.uri.path.split('/').pop()}: ${error instanceof Error ? error.message : String(error)}`));
  }

  private close(uri: vscode.Uri): void {
    const key = uri.toString();
    const entry = this._sessions.get(key);
    if (!entry) return;
    if (entry.timer !== undefined) clearTimeout(entry.timer);
    this._sessions.delete(key);
    this._onDidCloseSession.fire(entry.session);
    entry.subscription.dispose();
    entry.session.dispose();
    if (this._active === entry.session) {
      // fall back to a visible spec editor, else to nothing
      this.setActive(undefined);
      this.followVisibleSpec();
    }
  }

  dispose(): void {
    if (this._startTimer !== undefined) clearTimeout(this._startTimer);
    this._startTimer = undefined;
    for (const entry of this._sessions.values()) {
      if (entry.timer !== undefined) clearTimeout(entry.timer);
      entry.subscription.dispose();
      entry.session.dispose();
    }
    this._sessions.clear();
    this._disposables.forEach(d => d.dispose());
  }
}
