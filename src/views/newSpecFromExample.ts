// "LSTM: New Spec from Example": a quick pick of the examples bundled in dist/examples (copied
// from examples/ by scripts/build.mjs), each with its name, cell and what it shows (the example's
// own "description", src/views/newSpecExamples.ts), then the picked one as a new untitled spec in
// the lstm-spec language. The example is the document's initial content, not an edit, so undo
// cannot empty it, and the user's files are never touched. (VS Code names such a document
// "Untitled-N": an untitled document with a chosen `*.lstm.json` name cannot be given initial
// content through the API, only an edit that undo would take back; Save proposes the language's
// `.lstm.json` extension, and from then on the JSON schema applies.)

import * as vscode from 'vscode';
import { compareExamples, summarizeExample } from './newSpecExamples';
import { SPEC_LANGUAGE_ID } from './specDocument';

export interface ExamplePick extends vscode.QuickPickItem { uri: vscode.Uri; fileName: string }

/** The examples shipped in dist/examples, the seed's worked example first. */
export async function listExamples(extensionUri: vscode.Uri): Promise<ExamplePick[]> {
  const folder = vscode.Uri.joinPath(extensionUri, 'dist', 'examples');
  let entries: [string, vscode.FileType][] = [];
  try {
    entries = await vscode.workspace.fs.readDirectory(folder);
  } catch {
    return [];
  }
  const picks: ExamplePick[] = [];
  for (const [fileName] of entries.filter(([name]) => name.endsWith('.lstm.json'))) {
    const uri = vscode.Uri.joinPath(folder, fileName);
    const summary = summarizeExample(fileName, new TextDecoder().decode(await vscode.workspace.fs.readFile(uri)));
    picks.push({ uri, ...summary });
  }
  return picks.sort(compareExamples);
}

/**
 * Opens an example (by file name or label, else picked) as a new untitled spec. The example is
 * the document's initial content, not an edit, so undo cannot empty it.
 */
export async function newSpecFromExample(extensionUri: vscode.Uri, fileName?: string): Promise<vscode.TextEditor | undefined> {
  const examples = await listExamples(extensionUri);
  if (examples.length === 0) {
    void vscode.window.showErrorMessage('LSTM: no examples are bundled with this build of the extension.');
    return undefined;
  }
  const picked = fileName !== undefined
    ? examples.find(e => e.fileName === fileName || e.label === fileName)
    : await vscode.window.showQuickPick(examples, {
      title: 'LSTM: New Spec from Example', placeHolder: 'Pick an example spec to start from (each says what to look at)',
      matchOnDescription: true, matchOnDetail: true,
    });
  if (!picked) {
    if (fileName !== undefined) void vscode.window.showErrorMessage(`LSTM: there is no bundled example ${fileName}.`);
    return undefined;
  }
  const content = new TextDecoder().decode(await vscode.workspace.fs.readFile(picked.uri));
  const document = await vscode.workspace.openTextDocument({ language: SPEC_LANGUAGE_ID, content });
  return vscode.window.showTextDocument(document, { preview: false, viewColumn: exampleColumn() });
}

/**
 * Where the example opens: in the active group when that shows a text editor or nothing, beside it
 * when it shows something else (the walkthrough, whose steps should stay in view, or the chart panel).
 */
function exampleColumn(): vscode.ViewColumn {
  const activeTab = vscode.window.tabGroups.activeTabGroup.activeTab;
  return !activeTab || activeTab.input instanceof vscode.TabInputText ? vscode.ViewColumn.Active : vscode.ViewColumn.Beside;
}
