// The model-file editor's page (bundled to dist/modelEditor.js): shows what the host read from the
// file (src/protocol/modelEditorMessages.ts) in three tables, or the reader's error. Every value is
// set with textContent on elements made with createElement, never parsed as HTML, so a tensor
// named `<img onerror=…>` shows literally. The buttons send intents; the page keeps no state.

import type { ModelHostMessage, ModelSummary, ModelWebviewMessage } from '../src/protocol/modelEditorMessages';

declare function acquireVsCodeApi(): { postMessage(message: ModelWebviewMessage): void };
const api = acquireVsCodeApi();
const send = (message: ModelWebviewMessage) => api.postMessage(message);

const $ = <E extends HTMLElement>(id: string) => document.getElementById(id) as E;

function cell(row: HTMLTableRowElement, text: string, className?: string): HTMLTableCellElement {
  const td = row.insertCell();
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

function body(tableId: string): HTMLTableSectionElement {
  const tbody = $<HTMLTableElement>(tableId).tBodies[0];
  tbody.replaceChildren();
  return tbody;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1048576) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1048576).toFixed(1)} MB`;
}

function show(summary: ModelSummary): void {
  $('file-name').textContent = summary.fileName;
  $('file-info').textContent = `${summary.format} · ${formatBytes(summary.size)} · ${summary.tensorCount} tensor${summary.tensorCount === 1 ? '' : 's'}`;
  $('status').hidden = true;
  $('error').hidden = true;
  $('contents').hidden = false;
  const newSpec = $<HTMLButtonElement>('new-spec');
  newSpec.disabled = summary.modules.length === 0;
  newSpec.title = summary.modules.length === 0 ? 'No recurrent module in this file' : 'Pick the module, inputs and loss, and open a spec beside this file';

  const modules = body('modules');
  $('no-modules').hidden = summary.modules.length > 0;
  $('modules').hidden = summary.modules.length === 0;
  for (const m of summary.modules) {
    const row = modules.insertRow();
    cell(row, m.prefix || '(no prefix)', 'name');
    cell(row, m.cell);
    cell(row, String(m.numLayers), 'number');
    cell(row, m.bidirectional ? 'forward + reverse' : 'forward');
    cell(row, String(m.hiddenSize), 'number');
    cell(row, String(m.inputSize), 'number');
    cell(row, m.dtype);
    cell(row, m.convention);
    const action = row.insertCell();
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'secondary';
    button.textContent = 'New Spec…';
    button.title = `A spec stepping through ${m.prefix || 'this module'}`;
    button.addEventListener('click', () => send({ type: 'newSpec', prefix: m.prefix }));
    action.append(button);
  }

  $('heads-section').hidden = summary.heads.length === 0;
  const heads = body('heads');
  for (const h of summary.heads) {
    const row = heads.insertRow();
    cell(row, h.prefix, 'name');
    cell(row, String(h.inFeatures), 'number');
    cell(row, String(h.outFeatures), 'number');
  }

  $('tensors-title').textContent = `Tensors (${summary.tensorCount})`;
  const tensors = body('tensors');
  for (const t of summary.tensors) {
    const row = tensors.insertRow();
    cell(row, t.name, 'name');
    cell(row, `(${t.shape.join(', ')})`, 'number');
    cell(row, t.dtype);
  }
  const more = $('tensors-more');
  more.hidden = summary.tensorCount <= summary.tensors.length;
  more.textContent = `… and ${summary.tensorCount - summary.tensors.length} more (run "node dist/cli.js inspect" for the full list)`;
}

window.addEventListener('message', (event: MessageEvent<ModelHostMessage>) => {
  const message = event.data;
  if (!message || typeof message !== 'object') return;
  if (message.type === 'loading') {
    $('file-name').textContent = message.fileName;
    $('status').textContent = 'Reading the file…';
    $('status').hidden = false;
  } else if (message.type === 'model') {
    show(message.summary);
  } else if (message.type === 'error') {
    $('file-name').textContent = message.fileName;
    $('status').hidden = true;
    $('contents').hidden = true;
    $<HTMLButtonElement>('new-spec').disabled = true;
    const error = $('error');
    error.textContent = message.message;
    error.hidden = false;
  }
});

$<HTMLButtonElement>('new-spec').addEventListener('click', () => send({ type: 'newSpec' }));
send({ type: 'ready' });
