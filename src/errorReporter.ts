// The one way the extension reports an unexpected error (views, sessions): the full message goes to the 'LSTM Stepper'
// output channel every time, and an error message is shown at most once per distinct error, so
// a provider that fails on every keystroke or cursor move cannot flood the user.

import * as vscode from 'vscode';

let channel: vscode.OutputChannel | undefined;
const shown = new Set<string>();

/** Creates the output channel; activate() calls it once (the channel goes into context.subscriptions). */
export function registerErrorReporter(context: vscode.ExtensionContext): vscode.OutputChannel {
  channel = vscode.window.createOutputChannel('LSTM Stepper');
  shown.clear();
  context.subscriptions.push(channel, { dispose: () => { channel = undefined; shown.clear(); } });
  return channel;
}

/** Logs `error` from `where` ("States view", "inline values") and tells the user once per distinct message. */
export function reportError(where: string, error: unknown): void {
  const message = `LSTM ${where}: ${error instanceof Error ? error.message : String(error)}`;
  channel?.appendLine(`[${new Date().toISOString()}] ${message}${error instanceof Error && error.stack ? `\n${error.stack}` : ''}`);
  if (shown.has(message)) return;
  shown.add(message);
  void vscode.window.showErrorMessage(message, 'Show Log').then(choice => { if (choice) channel?.show(true); });
}

/** A message (not an exception) shown once per distinct text, and logged. */
export function reportMessage(message: string): void {
  channel?.appendLine(`[${new Date().toISOString()}] ${message}`);
  if (shown.has(message)) return;
  shown.add(message);
  void vscode.window.showErrorMessage(message);
}
