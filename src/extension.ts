// The extension's one composition point. activate() builds the runtime's sessions behind their
// VS Code adapter (DocumentSessions: one Session per spec document, traces computed inline or in
// a worker) and wires every view to it: commands, status bar, States tree, diagnostics, hover,
// the spec language's schema features (specLanguage.ts), inline values and the chart panel.
// Everything registered goes into context.subscriptions.
// Activation does no parsing beyond the spec documents already open, and no engine work for
// large specs (those go to the worker). activate() returns a small API object for the
// integration tests.

import * as vscode from 'vscode';
import { registerErrorReporter, reportError, reportMessage } from './errorReporter';
import { Emitter } from './runtime/emitter';
import { registerChartPanel } from './views/chartPanel';
import { lastStatusMessage, registerCommands } from './views/commandHost';
import { registerDebugger } from './views/debugger';
import { DependencyWatcher, registerDependencyWatcher } from './views/dependencyWatcher';
import { registerDiagnostics } from './views/diagnostics';
import { DocumentSessions } from './views/documentSessions';
import { registerHover } from './views/hover';
import { registerSpecLanguage } from './views/specLanguage';
import { registerInlineValues } from './views/inlineValues';
import { modelEditorPosts, registerModelEditor } from './views/modelEditor';
import { lastModelError } from './views/newSpecFromModel';
import type { ModelHostMessage } from './protocol/modelEditorMessages';
import { StatesTreeProvider, registerStatesTree } from './views/statesTree';
import { registerStatusBar } from './views/statusBar';
import { registerTraining } from './views/trainCommands';
import { WORKER_THRESHOLD_MS, createSpecParser, createTraceComputer, workerPathFor } from './views/traceWorkerHost';

/** What activate() returns: for integration tests and benchmarks only, not a public API. */
export interface LstmStepperApi {
  readonly sessions: DocumentSessions;
  readonly statesTree: StatesTreeProvider;
  readonly statusBar: vscode.StatusBarItem;
  /** recomputes a spec when its model or inputs file changes on disk */
  readonly dependencyWatcher: DependencyWatcher;
  readonly inlineValues: { rowsDecorated: (editor: vscode.TextEditor) => string[] };
  /** the schema features' language service (how often each feature parsed a spec) */
  readonly specLanguage: { readonly parseCounts: Readonly<Record<string, number>>; readonly perChangeTextMax: number };
  /** the last transient status bar message a command showed ("LSTM: already at the last step …") */
  lastStatusMessage(): string | undefined;
  /** the last error "New Spec from Model File…" showed (a file that could not be read) */
  lastModelError(): string | undefined;
  /** the last message the model editor of `uri` posted to its webview (loading, model, error) */
  modelEditorPost(uri: vscode.Uri): ModelHostMessage | undefined;
  /** milliseconds activate() took */
  readonly activationMs: number;
  /** forces every trace through the worker (threshold 0 ms) or restores the default */
  setWorkerThresholdMs(ms: number | undefined): void;
  /** holds edits back for `ms` (a test then applies them with sessions.flush()), or restores the default */
  setEditDebounceMs(ms: number | undefined): void;
}

export function activate(context: vscode.ExtensionContext): LstmStepperApi {
  const start = performance.now();
  let thresholdOverride: number | undefined;
  registerErrorReporter(context);
  // a view whose listener throws is reported, and the other views still get the event
  Emitter.onListenerError = error => reportError('view update', error);
  const workerOptions = {
    workerPath: workerPathFor(context.extensionPath),
    thresholdMs: () => thresholdOverride ?? Number(process.env.LSTM_WORKER_THRESHOLD_MS ?? WORKER_THRESHOLD_MS),
    // the same failure on every keystroke is shown once (and logged each time)
    onError: reportMessage,
  };
  const sessions = new DocumentSessions({
    computeTrace: createTraceComputer(workerOptions),
    parse: createSpecParser(workerOptions),
    // reported once per distinct message (and logged), not on every keystroke
    onUpdateError: (session, error) => reportMessage(`LSTM: could not update ${session.uri.toString().split('/').pop()}: ${error instanceof Error ? error.message : String(error)}`),
  });
  context.subscriptions.push(sessions);

  registerCommands(context, sessions);
  const statusBar = registerStatusBar(context, sessions);
  const statesTree = registerStatesTree(context, sessions);
  registerDiagnostics(context, sessions);
  registerHover(context, sessions);
  const specLanguage = registerSpecLanguage(context);
  const inlineValues = registerInlineValues(context, sessions);
  // before the chart panel, whose Training section follows it
  registerTraining(context, sessions);
  registerChartPanel(context, sessions);
  registerDebugger(context, sessions);
  registerModelEditor(context);
  const dependencyWatcher = registerDependencyWatcher(context, sessions);

  return {
    sessions, statesTree, statusBar, inlineValues, dependencyWatcher, specLanguage,
    lastStatusMessage: () => lastStatusMessage,
    lastModelError: () => lastModelError,
    modelEditorPost: uri => modelEditorPosts.get(uri.toString()),
    activationMs: performance.now() - start,
    setWorkerThresholdMs: ms => { thresholdOverride = ms; },
    setEditDebounceMs: ms => { sessions.manager.debounceMs = ms; },
  };
}

export function deactivate(): void {
  Emitter.onListenerError = () => undefined;
  // everything else is disposed through context.subscriptions
}
