// Recomputes a spec's trace when a file it reads (its model file, an inputs .npy/CSV) is edited,
// replaced, created or deleted on disk. The session lists those files (`dependencies`, as written
// in the spec) each time its text is parsed; one FileSystemWatcher per file (a RelativePattern on
// the file's folder, so files outside the workspace are watched too) triggers
// `sessions.recompute(session)`: the same path as a spec edit, so the old trace stays on screen
// marked stale while the new one is computed (with the worker's progress notification when it is
// large), and a file that became unreadable shows up as a positioned problem on `model.file`.
// A burst of events (a save that truncates and then writes) recomputes once.

import * as vscode from 'vscode';
import { reportError } from '../errorReporter';
import type { DocumentSessions, SpecSession } from './documentSessions';
import { dependencyUri } from './traceWorkerHost';

/** Events within this many ms of each other recompute once. */
const SETTLE_MS = 100;

interface Watched {
  /** the resolved files, joined: the watchers are rebuilt only when this changes */
  key: string;
  disposables: vscode.Disposable[];
  timer?: ReturnType<typeof setTimeout>;
}

export class DependencyWatcher implements vscode.Disposable {
  private readonly watched = new Map<string, Watched>();
  private readonly disposables: vscode.Disposable[] = [];
  /** how many recomputes a file change caused (integration tests) */
  recomputes = 0;

  constructor(private readonly sessions: DocumentSessions) {
    this.disposables.push(
      sessions.onDidChangeSession(({ session, change }) => { if (change.parsed) this.follow(session); }),
      sessions.onDidCloseSession(session => this.unwatch(session.uri.toString())),
    );
  }

  /** the files watched for `session` (integration tests) */
  watchedFiles(session: SpecSession): string[] {
    const key = this.watched.get(session.uri.toString())?.key;
    return key ? key.split('\n') : [];
  }

  private follow(session: SpecSession): void {
    try {
      const files = session.dependencies.map(file => dependencyUri(session.uri, file)).filter((u): u is vscode.Uri => u !== undefined);
      const id = session.uri.toString();
      const key = files.map(u => u.toString()).join('\n');
      if ((this.watched.get(id)?.key ?? '') === key) return;
      this.unwatch(id);
      if (files.length === 0) return;
      const entry: Watched = { key, disposables: [] };
      const changed = () => {
        if (entry.timer !== undefined) clearTimeout(entry.timer);
        entry.timer = setTimeout(() => {
          entry.timer = undefined;
          if (this.sessions.getSession(session.uri) !== session) return; // closed meanwhile
          this.recomputes++;
          void this.sessions.recompute(session);
        }, SETTLE_MS);
      };
      for (const file of files) {
        const folder = vscode.Uri.joinPath(file, '..');
        const name = file.path.split('/').pop() ?? '';
        const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, name));
        entry.disposables.push(watcher, watcher.onDidChange(changed), watcher.onDidCreate(changed), watcher.onDidDelete(changed));
      }
      this.watched.set(id, entry);
    } catch (error) {
      reportError('model file watcher', error);
    }
  }

  private unwatch(id: string): void {
    const entry = this.watched.get(id);
    if (!entry) return;
    if (entry.timer !== undefined) clearTimeout(entry.timer);
    entry.disposables.forEach(d => d.dispose());
    this.watched.delete(id);
  }

  dispose(): void {
    for (const id of [...this.watched.keys()]) this.unwatch(id);
    this.disposables.forEach(d => d.dispose());
  }
}

export function registerDependencyWatcher(context: vscode.ExtensionContext, sessions: DocumentSessions): DependencyWatcher {
  const watcher = new DependencyWatcher(sessions);
  context.subscriptions.push(watcher);
  return watcher;
}
