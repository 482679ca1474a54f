// The webview's handle on its host: postMessage for intents, getState/setState for the view
// choices that survive hide/show and a window reload. Typed with the shared protocol.

import type { PersistedState, WebviewToHostMessage } from '../src/protocol/messages';

interface VsCodeApi {
  postMessage(message: WebviewToHostMessage): void;
  getState(): PersistedState | undefined;
  setState(state: PersistedState): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** acquireVsCodeApi may be called once per page load. */
export const vscode: VsCodeApi = acquireVsCodeApi();

export function send(message: WebviewToHostMessage): void {
  vscode.postMessage(message);
}
