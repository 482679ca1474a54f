// Shared helpers for the extension's integration tests: the extension's test API, opening
// workspace specs, and waiting for asynchronous state (traces, diagnostics) without fixed sleeps.
import * as vscode from 'vscode';
import type { LstmStepperApi } from '../../src/extension';
import type { SpecSession as Session } from '../../src/views/documentSessions';

export const EXTENSION_ID = 'lstm-stepper.lstm-stepper';

export async function extensionApi(): Promise<LstmStepperApi> {
  const extension = vscode.extensions.getExtension<LstmStepperApi>(EXTENSION_ID);
  if (!extension) throw new Error(`${EXTENSION_ID} is not loaded`);
  return extension.isActive ? extension.exports : await extension.activate();
}

export async function waitFor<T>(probe: () => T | undefined | false, what: string, timeoutMs = 15000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 25));
  }
}

export async function workspaceFile(relative: string): Promise<vscode.Uri> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the tests need a workspace folder');
  return vscode.Uri.joinPath(folder.uri, relative);
}

/** Opens a workspace spec in an editor and waits until its session has a trace. */
export async function openSpec(relative: string): Promise<{ editor: vscode.TextEditor; api: LstmStepperApi }> {
  const uri = await workspaceFile(relative);
  const document = await vscode.workspace.openTextDocument(uri);
  const editor = await vscode.window.showTextDocument(document);
  const api = await extensionApi();
  await waitFor(() => api.sessions.getSession(uri)?.trace, `the trace of ${relative}`, 30000);
  await waitFor(() => api.sessions.activeSession === api.sessions.getSession(uri), `${relative} to become the active session`);
  return { editor, api };
}

/** Opens `text` as an untitled spec document (never a file of the repo or the workspace). */
export async function openUntitledSpec(text: string): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument({ language: 'lstm-spec', content: text });
  return vscode.window.showTextDocument(document);
}

/** Offset of the n-th (0-based) occurrence of `needle` in the document. */
/** A workspace spec copied into an untitled editor (the file is never modified), once its session has a trace. */
export async function openUntitledCopyWithTrace(relative: string): Promise<{ editor: vscode.TextEditor; api: LstmStepperApi; session: Session }> {
  const source = await vscode.workspace.openTextDocument(await workspaceFile(relative));
  const editor = await openUntitledSpec(source.getText());
  const api = await extensionApi();
  const session = await waitFor(() => { const s = api.sessions.getSession(editor.document.uri); return s?.trace && s; }, 'the untitled spec to get a trace');
  return { editor, api, session };
}

export function offsetOf(document: vscode.TextDocument, needle: string, occurrence = 0): number {
  const text = document.getText();
  let offset = -1;
  for (let k = 0; k <= occurrence; k++) {
    offset = text.indexOf(needle, offset + 1);
    if (offset < 0) throw new Error(`${JSON.stringify(needle)} (occurrence ${occurrence}) not in ${document.uri.toString()}`);
  }
  return offset;
}

export function hoverText(hovers: vscode.Hover[]): string {
  return hovers.flatMap(h => h.contents).map(c => (typeof c === 'string' ? c : c.value)).join('\n---\n');
}

export const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
