// The command table: every "LSTM: …" palette command and what it asks of the active session.
// Commands resolve the session through the SessionManager (the active spec editor, else the last
// one used); with no spec they offer to open an example instead of failing silently.

import * as vscode from 'vscode';
import { Cursor, cursorAt, cursorIndex, lastIndex } from './session/cursor';
import type { Session } from './session/session';
import type { SessionManager } from './session/sessionManager';
import { SPEC_LANGUAGE_ID } from './session/specDocument';
import { formatVector, stepLabel } from './views/traceFields';

export const COMMANDS = {
  step: 'lstm.step',
  stepBack: 'lstm.stepBack',
  runToEnd: 'lstm.runToEnd',
  runBackward: 'lstm.runBackward',
  reset: 'lstm.reset',
  goToStep: 'lstm.goToStep',
  newSpecFromExample: 'lstm.newSpecFromExample',
  toggleInlineValues: 'lstm.toggleInlineValues',
  recompute: 'lstm.recompute',
} as const;

const OPEN_EXAMPLE = 'Open an Example';

export function registerCommands(context: vscode.ExtensionContext, sessions: SessionManager): void {
  /** The session a command acts on; tells the user what to do when there is none. */
  const requireSession = async (): Promise<Session | undefined> => {
    sessions.ensureStarted();
    const session = sessions.activeSession;
    if (!session) {
      const choice = await vscode.window.showInformationMessage(
        'LSTM: no spec is open. Open a *.lstm.json file, or start from an example.', OPEN_EXAMPLE);
      if (choice === OPEN_EXAMPLE) await vscode.commands.executeCommand(COMMANDS.newSpecFromExample);
      return undefined;
    }
    if (!session.trace && !session.issues.some(issue => issue.severity === 'error')) {
      // a session started just now computes a small trace within the current tick
      await new Promise(resolve => setTimeout(resolve, 0));
    }
    if (!session.trace) {
      const hasErrors = session.issues.some(issue => issue.severity === 'error');
      const stopped = session.computeState === 'failed' || session.computeState === 'cancelled';
      void vscode.window.showWarningMessage(hasErrors
        ? 'LSTM: the spec has errors, so there is nothing to step through yet. See the Problems view.'
        : stopped ? `LSTM: the trace computation ${session.computeState === 'failed' ? 'failed' : 'was cancelled'}. Run "LSTM: Recompute Trace" to compute it.`
          : 'LSTM: the trace is still being computed.');
      return undefined;
    }
    return session;
  };

  const intent = (run: (session: Session) => void) => async () => {
    const session = await requireSession();
    if (session) run(session);
  };

  const register = (id: string, handler: (...args: unknown[]) => unknown) =>
    context.subscriptions.push(vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await handler(...args);
      } catch (error) {
        void vscode.window.showErrorMessage(`LSTM: ${error instanceof Error ? error.message : String(error)}`);
        return undefined;
      }
    }));

  register(COMMANDS.step, intent(s => s.step()));
  register(COMMANDS.stepBack, intent(s => s.stepBack()));
  register(COMMANDS.runToEnd, intent(s => s.runToEnd()));
  register(COMMANDS.runBackward, intent(s => s.runBackward()));
  register(COMMANDS.reset, intent(s => s.reset()));
  register(COMMANDS.goToStep, async (target?: unknown) => {
    const session = await requireSession();
    if (!session) return;
    if (isCursor(target)) { session.goTo(target); return; }
    if (typeof target === 'number') { session.moveToIndex(target); return; }
    await pickStep(session);
  });
  register(COMMANDS.newSpecFromExample, (name?: unknown) => newSpecFromExample(context, typeof name === 'string' ? name : undefined));
  register(COMMANDS.recompute, async () => {
    sessions.ensureStarted();
    const session = sessions.activeSession;
    if (!session) {
      void vscode.window.showInformationMessage('LSTM: no spec is open, so there is nothing to recompute.');
      return;
    }
    await sessions.recompute(session);
  });
  register(COMMANDS.toggleInlineValues, async () => {
    const configuration = vscode.workspace.getConfiguration('lstmStepper');
    const inspected = configuration.inspect<boolean>('inlineValues');
    const target = inspected?.workspaceFolderValue !== undefined ? vscode.ConfigurationTarget.WorkspaceFolder
      : inspected?.workspaceValue !== undefined ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
    await configuration.update('inlineValues', !configuration.get<boolean>('inlineValues', true), target);
  });
}

function isCursor(value: unknown): value is Cursor {
  if (!value || typeof value !== 'object') return false;
  const candidate = value as Partial<Cursor>;
  return (candidate.phase === 'forward' || candidate.phase === 'backward') && typeof candidate.t === 'number';
}

interface StepPick extends vscode.QuickPickItem { index: number }

/** A quick pick of all 2T+1 cursor positions, with their tokens and the current one preselected. */
async function pickStep(session: Session): Promise<void> {
  const trace = session.trace;
  if (!trace) return;
  const T = trace.T;
  const items: StepPick[] = [];
  for (let index = 0; index <= lastIndex(T); index++) {
    const cursor = cursorAt(index, T);
    const where = cursor.t === 0 ? 't=0 initial state' : stepLabel(trace, cursor.t);
    const h = cursor.t > 0 ? trace.forward.h.subarray((cursor.t - 1) * trace.hiddenSize, cursor.t * trace.hiddenSize) : undefined;
    const dh = cursor.phase === 'backward' ? trace.backward.perStep.dL_dh?.subarray((cursor.t - 1) * trace.hiddenSize, cursor.t * trace.hiddenSize) : undefined;
    items.push({
      index,
      label: `${cursor.phase === 'forward' ? '$(arrow-right)' : '$(arrow-left)'} ${cursor.phase} ${where}`,
      description: dh ? `dL/dh=${formatVector(dh, 4, 3)}` : h ? `h=${formatVector(h, 4, 3)}` : undefined,
    });
  }
  const quickPick = vscode.window.createQuickPick<StepPick>();
  quickPick.title = 'LSTM: Go to Step';
  quickPick.placeholder = 'forward t=0..T, then backward t=T..1 (gradients flowing back)';
  quickPick.items = items;
  quickPick.activeItems = [items[cursorIndex(session.cursor, T)]];
  const picked = await new Promise<StepPick | undefined>(resolve => {
    quickPick.onDidAccept(() => { resolve(quickPick.selectedItems[0] ?? quickPick.activeItems[0]); quickPick.hide(); });
    quickPick.onDidHide(() => resolve(undefined));
    quickPick.show();
  });
  quickPick.dispose();
  if (picked) session.moveToIndex(picked.index);
}

interface ExamplePick extends vscode.QuickPickItem { uri: vscode.Uri; fileName: string }

/** The examples shipped in dist/examples (copied from examples/ by scripts/build.mjs). */
export async function listExamples(extensionUri: vscode.Uri): Promise<ExamplePick[]> {
  const folder = vscode.Uri.joinPath(extensionUri, 'dist', 'examples');
  let entries: [string, vscode.FileType][] = [];
  try {
    entries = await vscode.workspace.fs.readDirectory(folder);
  } catch {
    return [];
  }
  const picks: ExamplePick[] = [];
  for (const [fileName] of entries.filter(([name]) => name.endsWith('.lstm.json')).sort()) {
    const uri = vscode.Uri.joinPath(folder, fileName);
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    const name = /"name"\s*:\s*"((?:[^"\\]|\\.)*)"/.exec(text)?.[1] ?? fileName;
    const cell = /"cell"\s*:\s*"(\w+)"/.exec(text)?.[1] ?? 'lstm';
    picks.push({ uri, fileName, label: name, description: `${cell} · ${fileName}` });
  }
  // the seed's worked example first
  picks.sort((a, b) => Number(b.fileName.startsWith('this-movie-is-good')) - Number(a.fileName.startsWith('this-movie-is-good')));
  return picks;
}

/** Opens an example as a new untitled `*.lstm.json` document (the user's files are never touched). */
async function newSpecFromExample(context: vscode.ExtensionContext, fileName?: string): Promise<vscode.TextEditor | undefined> {
  const examples = await listExamples(context.extensionUri);
  if (examples.length === 0) {
    void vscode.window.showErrorMessage('LSTM: no examples are bundled with this build of the extension.');
    return undefined;
  }
  const picked = fileName !== undefined
    ? examples.find(e => e.fileName === fileName || e.label === fileName)
    : await vscode.window.showQuickPick(examples, { title: 'LSTM: New Spec from Example', placeHolder: 'Pick an example spec to start from' });
  if (!picked) return undefined;
  const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(picked.uri));
  const base = picked.fileName.replace(/\.lstm\.json$/, '');
  const taken = new Set(vscode.workspace.textDocuments.map(d => d.uri.toString()));
  let uri = vscode.Uri.from({ scheme: 'untitled', path: `${base}.lstm.json` });
  for (let n = 2; taken.has(uri.toString()); n++) uri = vscode.Uri.from({ scheme: 'untitled', path: `${base}-${n}.lstm.json` });
  let document = await vscode.workspace.openTextDocument(uri);
  const edit = new vscode.WorkspaceEdit();
  edit.insert(uri, new vscode.Position(0, 0), text);
  await vscode.workspace.applyEdit(edit);
  if (document.languageId !== SPEC_LANGUAGE_ID) document = await vscode.languages.setTextDocumentLanguage(document, SPEC_LANGUAGE_ID);
  return vscode.window.showTextDocument(document);
}
