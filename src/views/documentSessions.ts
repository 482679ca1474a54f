// The VS Code edge of the runtime's SessionManager: watches spec documents open, change and
// close, and the active editor, and feeds their texts (with their document versions) into the
// manager. Everything stateful (sessions, debounce, recompute, cancellation) lives in
// src/runtime; this file only translates VS Code events. Views and commands take a
// DocumentSessions and read `SpecSession`s (a runtime Session keyed by the document's Uri).

import * as vscode from 'vscode';
import type { Session } from '../runtime/session';
import { SessionManager, SessionManagerOptions } from '../runtime/sessionManager';
import { timing } from '../runtime/timing';
import { isSpecDocument } from './specDocument';
import { seedInputRowEnds, seedTextShape } from './specTree';

/** A runtime session whose document is a VS Code text document. */
export type SpecSession = Session<vscode.Uri>;

const documentText = (document: vscode.TextDocument) => () => ({ text: document.getText(), version: document.version });

export class DocumentSessions implements vscode.Disposable {
  readonly manager: SessionManager<vscode.Uri>;
  private readonly disposables: vscode.Disposable[] = [];
  private _startTimer: ReturnType<typeof setTimeout> | undefined;
  /** the document object each session was opened for: an untitled name (Untitled-1) is reused by a new document */
  private readonly documents = new Map<string, vscode.TextDocument>();

  readonly onDidChangeActiveSession: SessionManager<vscode.Uri>['onDidChangeActiveSession'];
  readonly onDidChangeActive: SessionManager<vscode.Uri>['onDidChangeActive'];
  readonly onDidChangeSession: SessionManager<vscode.Uri>['onDidChangeSession'];
  readonly onDidCloseSession: SessionManager<vscode.Uri>['onDidCloseSession'];

  constructor(options: SessionManagerOptions) {
    // the opt-in timeline (LSTM_TIMING=1), read by the in-host benches
    if (process.env.LSTM_TIMING === '1') { timing.enabled = true; (globalThis as { __lstmTiming?: unknown }).__lstmTiming = timing; }
    this.manager = new SessionManager<vscode.Uri>(options);
    this.onDidChangeActiveSession = this.manager.onDidChangeActiveSession;
    this.onDidChangeActive = this.manager.onDidChangeActive;
    this.onDidChangeSession = this.manager.onDidChangeSession;
    this.onDidCloseSession = this.manager.onDidCloseSession;
    this.disposables.push(
      // first listener of every session event: a worker's parse brings the input rows' positions and the text's shape,
      // given to the views' cache before any view asks (no second scan of the text on this thread)
      this.manager.onDidChangeSession(({ session, change }) => {
        const document = this.documents.get(session.uri.toString());
        if (change.parsed && document && session.inputRowEnds) seedInputRowEnds(document, session.issuesVersion, session.inputRowEnds);
        if (change.parsed && document && session.textShape) seedTextShape(document, session.issuesVersion, session.textShape);
      }),
      vscode.workspace.onDidOpenTextDocument(document => { timing.mark(`host: document opened ${document.uri.path.split('/').pop()}`); this.open(document); }),
      vscode.workspace.onDidCloseTextDocument(document => this.close(document)),
      // a document whose language was just switched to lstm-spec arrives as close + open: edit() ignores unknown ones
      vscode.workspace.onDidChangeTextDocument(event => this.manager.edit(event.document.uri, documentText(event.document))),
      vscode.window.onDidChangeActiveTextEditor(() => this.followActiveEditor()),
    );
    // The documents already open are parsed just after activation, not during it (activation stays
    // fast); anything that needs a session before then starts them synchronously.
    this._startTimer = setTimeout(() => this.start(), 0);
  }

  /** Opens sessions for the spec documents that were open at activation (once); commands call it so they never miss one. */
  ensureStarted(): void { this.start(); }

  private start(): void {
    if (this._startTimer === undefined) return;
    clearTimeout(this._startTimer);
    this._startTimer = undefined;
    for (const document of vscode.workspace.textDocuments) this.open(document);
    this.followActiveEditor();
  }

  get activeSession(): SpecSession | undefined { return this.manager.activeSession; }
  getSession(uri: vscode.Uri): SpecSession | undefined { return this.manager.getSession(uri); }
  get sessions(): SpecSession[] { return this.manager.sessions; }
  setActive(session: SpecSession | undefined): void { this.manager.setActive(session); }
  flush(): Promise<void> { return this.manager.flush(); }
  recompute(session: SpecSession): Promise<void> { return this.manager.recompute(session); }

  /** The session of `document`, created (and parsed at once) if it is a spec not seen yet. */
  open(document: vscode.TextDocument): SpecSession | undefined {
    if (!isSpecDocument(document)) return undefined;
    const key = document.uri.toString();
    const known = this.documents.get(key);
    if (known && known !== document) this.close(known); // a new document under a reused name: a new session
    this.documents.set(key, document);
    return this.manager.open(document.uri, documentText(document));
  }

  /** The open text document of `session`, if any. */
  documentOf(session: SpecSession): vscode.TextDocument | undefined {
    const key = session.uri.toString();
    return vscode.workspace.textDocuments.find(d => d.uri.toString() === key);
  }

  private followActiveEditor(): void {
    if (this._startTimer !== undefined) return; // start() follows the active editor
    const editor = vscode.window.activeTextEditor;
    const session = editor && this.open(editor.document);
    if (session) this.setActive(session);
    else if (!this.activeSession) this.followVisibleSpec();
  }

  /**
   * With no active session (say a restored chart panel has focus after a window reload, so no
   * editor is active), follows the first visible spec editor. True if a session is active after.
   */
  followVisibleSpec(): boolean {
    this.start();
    if (!this.activeSession) {
      const visible = vscode.window.visibleTextEditors.map(editor => this.open(editor.document)).find(s => s);
      if (visible) this.setActive(visible);
    }
    return this.activeSession !== undefined;
  }

  private close(document: vscode.TextDocument): void {
    const key = document.uri.toString();
    // the close of an older document under a name a new one took over is not the new one's
    if (this.documents.get(key) !== document) return;
    this.documents.delete(key);
    const wasActive = this.activeSession?.uri.toString() === key;
    if (this.manager.close(document.uri) && wasActive) this.followVisibleSpec();
  }

  dispose(): void {
    if (this._startTimer !== undefined) clearTimeout(this._startTimer);
    this._startTimer = undefined;
    this.manager.dispose();
    this.documents.clear();
    this.disposables.forEach(d => d.dispose());
  }
}
