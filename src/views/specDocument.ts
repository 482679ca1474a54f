// Which documents are LSTM specs. A spec is a `*.lstm.json` file, or any document in the
// `lstm-spec` language that package.json contributes for that pattern (so untitled documents made
// by "New Spec from Example" are specs too). Shared by the session manager and every provider.

import * as vscode from 'vscode';

export const SPEC_LANGUAGE_ID = 'lstm-spec';

/** Document selector for providers: the contributed language, plus the file pattern in case a user association maps it to json. */
export const SPEC_SELECTOR: vscode.DocumentSelector = [
  { language: SPEC_LANGUAGE_ID },
  { pattern: '**/*.lstm.json' },
];

/** The range of `length` characters from `offset` (the offsets jsonc-parser, the engine's issues and text edits give). */
export function offsetRange(document: vscode.TextDocument, offset: number, length: number): vscode.Range {
  return new vscode.Range(document.positionAt(offset), document.positionAt(offset + length));
}

export function isSpecDocument(document: vscode.TextDocument): boolean {
  return document.languageId === SPEC_LANGUAGE_ID || /\.lstm\.json$/i.test(document.uri.path);
}
