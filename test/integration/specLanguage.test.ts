// The spec language's schema features (src/views/specLanguage.ts) in the real extension host:
// completion of keys and values, the schema's documentation on hover, Format Document with its
// undo, the outline, folding and Expand Selection, and that folding and the outline stay off for a
// spec above PER_CHANGE_TEXT_MAX. What is expected comes from the schema file and the document's
// own JSON (JSON.parse), not from the language service.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { extensionApi, hoverText, offsetOf, openSpec, openUntitledSpec, waitFor } from './helpers';

const EXAMPLE = 'this-movie-is-good.lstm.json';

interface SchemaNode { properties?: Record<string, SchemaNode>; enum?: unknown[]; description?: string; markdownDescription?: string }

function schema(): SchemaNode {
  const extension = vscode.extensions.getExtension('lstm-stepper.lstm-stepper');
  assert.ok(extension, 'the extension is installed');
  return JSON.parse(fs.readFileSync(path.join(extension.extensionPath, 'dist', 'schemas', 'lstm-spec.schema.json'), 'utf8')) as SchemaNode;
}

/** The labels of the completion items that are not the editor's word-based ones (kind Text): those list words of every open document. */
async function completionLabels(document: vscode.TextDocument, position: vscode.Position): Promise<string[]> {
  const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', document.uri, position);
  return list.items.filter(item => item.kind !== vscode.CompletionItemKind.Text)
    .map(item => (typeof item.label === 'string' ? item.label : item.label.label));
}

async function closeAll(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

describe('the spec language (schema completion, hover, formatting, outline)', function () {
  this.timeout(60000);
  afterEach(closeAll);

  it('completes the schema’s keys and a key’s values in an untitled spec, and nothing while a number is typed', async () => {
    // untitled and not named *.lstm.json: the old jsonValidation fileMatch never reached such a document
    const editor = await openUntitledSpec('{\n  "cell": "",\n  \n  "inputs": [[1.5, 2]]\n}\n');
    const keys = await completionLabels(editor.document, new vscode.Position(2, 2));
    const expectedKeys = Object.keys(schema().properties ?? {}).filter(key => key !== 'cell' && key !== 'inputs');
    for (const key of expectedKeys) assert.ok(keys.some(label => label.includes(key)), `no completion for "${key}": ${JSON.stringify(keys)}`);
    // "cell" is already there: it is not offered twice
    assert.ok(!keys.some(label => label === '"cell"' || label === 'cell'), JSON.stringify(keys));

    const cellValues = await completionLabels(editor.document, new vscode.Position(1, 11));
    for (const value of schema().properties?.cell?.enum ?? []) assert.ok(cellValues.some(label => label.includes(String(value))), `no completion for cell "${value}": ${JSON.stringify(cellValues)}`);

    // right after the digit 5 of 1.5: typing a number asks on every digit, and no schema key belongs
    // there; the document is not parsed for it (that would be a large spec's whole text per digit)
    await editor.edit(builder => builder.insert(new vscode.Position(3, 16), '7'));
    const api = await extensionApi();
    const parsesBefore = api.specLanguage.parseCounts.completion;
    const inNumber = await completionLabels(editor.document, new vscode.Position(3, 17));
    assert.ok(!inNumber.some(label => label.includes('hiddenSize')), JSON.stringify(inNumber));
    assert.equal(api.specLanguage.parseCounts.completion, parsesBefore, 'completion inside a number parses nothing');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('shows the schema’s documentation of a key on hover', async () => {
    const { editor } = await openSpec(EXAMPLE);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri,
      editor.document.positionAt(offsetOf(editor.document, '"hiddenSize"') + 3));
    const keyHover = hoverText(hovers);
    const description = schema().properties?.hiddenSize?.markdownDescription ?? '';
    assert.ok(description.length > 0);
    assert.ok(keyHover.includes(description.slice(0, 40)), keyHover);
  });

  it('Format Document lays the spec out from its JSON, and one Undo brings the text back', async () => {
    const compact = '{"name":"compact","cell":"lstm","inputSize":1,"hiddenSize":1,"init":{"seed":3},"inputs":[[1],[2]],"loss":{"kind":"sum"}}';
    const editor = await openUntitledSpec(compact);
    const api = await extensionApi();
    const session = await waitFor(() => { const s = api.sessions.getSession(editor.document.uri); return s?.trace && s; }, 'the compact spec\'s trace');
    const trace = session.trace;
    const kept = session.tracesKept;
    editor.options = { tabSize: 2, insertSpaces: true };
    await vscode.commands.executeCommand('editor.action.formatDocument');
    assert.equal(editor.document.getText(), JSON.stringify(JSON.parse(compact), null, 2));
    // the layout changed no number: the trace shown is this text's, current, not computed again
    await api.sessions.flush();
    assert.equal(session.tracesKept, kept + 1);
    assert.equal(session.trace, trace);
    assert.deepEqual(session.freshness(), { fresh: true });
    await vscode.commands.executeCommand('undo');
    assert.equal(editor.document.getText(), compact);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('outlines, folds and expands selections of a spec', async () => {
    const { editor } = await openSpec(EXAMPLE);
    const document = editor.document;
    const symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', document.uri);
    assert.deepEqual(symbols.map(symbol => symbol.name), Object.keys(JSON.parse(document.getText())));
    const weights = symbols.find(symbol => symbol.name === 'weights');
    assert.deepEqual(weights?.children.map(symbol => symbol.name), Object.keys(JSON.parse(document.getText()).weights));
    // an array of numbers or of rows is one entry with its shape: the outline is not the spec's numbers
    const json = JSON.parse(document.getText()) as { inputs: number[][]; weights: { W_f: number[][] } };
    const inputs = symbols.find(symbol => symbol.name === 'inputs');
    assert.equal(inputs?.children.length, 0);
    assert.equal(inputs?.detail, `${json.inputs.length} × ${json.inputs[0].length}`);
    assert.equal(weights?.children.find(symbol => symbol.name === 'W_f')?.children.length, 0);

    const folds = await vscode.commands.executeCommand<vscode.FoldingRange[]>('vscode.executeFoldingRangeProvider', document.uri);
    const weightsLine = document.positionAt(offsetOf(document, '"weights"')).line;
    assert.ok(folds.some(range => range.start === weightsLine), `no folding range at "weights" (line ${weightsLine}): ${JSON.stringify(folds)}`);

    // inside the second input row's first number: the number, the row, the inputs array, ... the document
    const numberOffset = offsetOf(document, '0.3, 0.8') + 1;
    const [selection] = await vscode.commands.executeCommand<vscode.SelectionRange[]>('vscode.executeSelectionRangeProvider', document.uri, [document.positionAt(numberOffset)]);
    const texts: string[] = [];
    for (let range: vscode.SelectionRange | undefined = selection; range; range = range.parent) texts.push(document.getText(range.range));
    assert.ok(texts.includes('0.3'), JSON.stringify(texts));
    assert.ok(texts.includes('[0.3, 0.8]'), JSON.stringify(texts));
    assert.ok(texts.includes('[[0.5, -0.1], [0.3, 0.8], [-0.2, 0.1], [0.9, 0.7]]'), JSON.stringify(texts));
  });

  it('computes no outline and no folding on a change of a spec above PER_CHANGE_TEXT_MAX characters', async () => {
    const PER_CHANGE_TEXT_MAX = (await extensionApi()).specLanguage.perChangeTextMax;
    // "init"'s body is not indented, so only syntax folding (not the editor's indentation folding) folds it
    const specText = (rows: string[]) => `{\n  "cell": "rnn",\n  "inputSize": 1,\n  "hiddenSize": 1,\n  "init": {\n"seed": 1\n  },\n  "inputs": [\n    ${rows.join(',\n    ')}\n  ],\n  "loss": {"kind": "sum"}\n}\n`;
    const initLine = 4;
    const small = await openUntitledSpec(specText(['[1]', '[2]']));
    const smallFolds = await vscode.commands.executeCommand<vscode.FoldingRange[]>('vscode.executeFoldingRangeProvider', small.document.uri);
    assert.ok(smallFolds.some(range => range.start === initLine), `a small spec folds "init" by syntax: ${JSON.stringify(smallFolds)}`);
    const smallSymbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', small.document.uri);
    assert.ok(smallSymbols.length > 0);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');

    const large = await openUntitledSpec(specText(Array.from({ length: Math.ceil(PER_CHANGE_TEXT_MAX / 20) }, (_, k) => `[${(k % 97) / 97}]`)));
    assert.ok(large.document.getText().length > PER_CHANGE_TEXT_MAX);
    const symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[] | undefined>('vscode.executeDocumentSymbolProvider', large.document.uri);
    assert.equal(symbols?.length ?? 0, 0, 'no outline above the limit');
    const folds = await vscode.commands.executeCommand<vscode.FoldingRange[] | undefined>('vscode.executeFoldingRangeProvider', large.document.uri);
    assert.ok(!(folds ?? []).some(range => range.start === initLine), `above the limit the editor folds by indentation only: ${JSON.stringify(folds)}`);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
});
