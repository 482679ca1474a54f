// The extension's one composition point. activate() builds the SessionManager (one Session per
// spec document, traces computed inline or in a worker) and wires every view to it: commands,
// status bar, States tree, diagnostics, hover, inline values and the chart panel. Everything
// registered goes into context.subscriptions. Activation does no parsing beyond the spec
// documents already open, and no engine work for large specs (those go to the worker).
// activate() returns a small API object for the integration tests.

import * as vscode from 'vscode';
import { registerCommands } from './commands';
import { WORKER_THRESHOLD_MS, createSpecParser, createTraceComputer, workerPathFor } from './session/traceComputer';
import { SessionManager } from './session/sessionManager';
import { registerChartPanel } from './views/chartPanel';
import { registerDiagnostics } from './views/diagnostics';
import { registerErrorReporter, reportMessage } from './errorReporter';
import { registerHover } from './views/hover';
import { registerInlineValues } from './views/inlineValues';
import { StatesTreeProvider, registerStatesTree } from './views/statesTree';
import { registerStatusBar } from './views/statusBar';

/** What activate() returns: for integration tests and benchmarks only, not a public API. */
export interface LstmStepperApi {
  readonly sessions: SessionManager;
  readonly statesTree: StatesTreeProvider;
  readonly statusBar: vscode.StatusBarItem;
  readonly inlineValues: { rowsDecorated: (editor: vscode.TextEditor) => string[] };
  /** milliseconds activate() took */
  readonly activationMs: number;
  /** forces every trace through the worker (threshold 0 ms) or restores the default */
  setWorkerThresholdMs(ms: number | undefined): void;
}

export function activate(context: vscode.ExtensionContext): LstmStepperApi {
  const start = performance.now();
  let thresholdOverride: number | undefined;
  registerErrorReporter(context);
  const workerOptions = {
    workerPath: workerPathFor(context.extensionPath),
    thresholdMs: () => thresholdOverride ?? Number(process.env.LSTM_WORKER_THRESHOLD_MS ?? WORKER_THRESHOLD_MS),
    // the same failure on every keystroke is shown once (and logged each time)
    onError: reportMessage,
  };
  const sessions = new SessionManager(createTraceComputer(workerOptions), createSpecParser(workerOptions));
  context.subscriptions.push(sessions);

  registerCommands(context, sessions);
  const statusBar = registerStatusBar(context, sessions);
  const statesTree = registerStatesTree(context, sessions);
  registerDiagnostics(context, sessions);
  registerHover(context, sessions);
  const inlineValues = registerInlineValues(context, sessions);
  registerChartPanel(context, sessions);
  void ensureJsonLanguageFeatures();

  return {
    sessions, statesTree, statusBar, inlineValues,
    activationMs: performance.now() - start,
    setWorkerThresholdMs: ms => { thresholdOverride = ms; },
  };
}

/**
 * The built-in JSON language server gives schema validation and completion to `lstm-spec`
 * documents (package.json declares it a jsonLanguageParticipant), but it only activates on
 * json/jsonc; a workspace whose only JSON is a spec would otherwise never start it.
 */
async function ensureJsonLanguageFeatures(): Promise<void> {
  try {
    await vscode.extensions.getExtension('vscode.json-language-features')?.activate();
  } catch {
    // not fatal: only schema completion is missing
  }
}

export function deactivate(): void {
  // everything is disposed through context.subscriptions
}
