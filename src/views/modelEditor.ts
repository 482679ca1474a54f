// The read-only editor VS Code opens for a model file (*.pt, *.pth, *.safetensors, *.onnx,
// *.keras by default; *.h5 and *.npz through "Open With…", since those often hold other data):
// what the file holds (its recurrent modules, linear heads and every tensor's name, shape and
// dtype) and a button "New Spec from This Model…" that runs "LSTM: New Spec from Model File…" on
// it. A file that cannot be read shows the reader's message (file, key or byte offset) instead.
// The file is read here (src/models, via loadModel) and the webview gets plain JSON
// (src/protocol/modelEditorMessages.ts); it has a strict CSP with a nonce, colours from the
// theme's --vscode-* variables only, and sets every value with DOM APIs. Editing or replacing the
// file on disk re-reads it.

import { webviewDocument } from './webviewDocument';
import * as vscode from 'vscode';
import { COMMANDS } from '../commands';
import { reportError } from '../errorReporter';
import {
  MAX_TENSOR_ROWS, ModelHostMessage, ModelSummary, isModelWebviewMessage,
} from '../protocol/modelEditorMessages';
import { LoadedModel, baseName, loadModel, modelErrorMessage } from './newSpecFromModel';

/** priority "default": PyTorch, safetensors, ONNX and Keras files open here */
export const MODEL_EDITOR_VIEW_TYPE = 'lstmStepper.modelFile';
/** priority "option" (Open With…): .h5 and .npz also hold data that is no model */
export const MODEL_EDITOR_OPTION_VIEW_TYPE = 'lstmStepper.modelFileOption';

/** What the integration tests read back: the last message posted to each model editor, by file. */
export const modelEditorPosts = new Map<string, ModelHostMessage>();

class ModelDocument implements vscode.CustomDocument {
  constructor(readonly uri: vscode.Uri) {}
  dispose(): void { modelEditorPosts.delete(this.uri.toString()); }
}

export function summarize(model: LoadedModel, size: number): ModelSummary {
  return {
    fileName: model.fileName,
    format: model.file.format,
    size,
    modules: model.contents.modules.map(m => ({
      prefix: m.prefix, cell: m.cell, numLayers: m.numLayers, bidirectional: m.bidirectional,
      hiddenSize: m.hiddenSize, inputSize: m.inputSize, dtype: m.dtype, convention: m.convention,
    })),
    heads: model.contents.heads.map(h => ({ prefix: h.prefix, inFeatures: h.inFeatures, outFeatures: h.outFeatures })),
    tensors: model.file.tensors.slice(0, MAX_TENSOR_ROWS).map(t => ({ name: t.name, shape: t.shape.slice(), dtype: t.dtype })),
    tensorCount: model.file.tensors.length,
  };
}

class ModelEditorProvider implements vscode.CustomReadonlyEditorProvider<ModelDocument> {
  constructor(private readonly extensionUri: vscode.Uri) {}

  openCustomDocument(uri: vscode.Uri): ModelDocument {
    return new ModelDocument(uri);
  }

  resolveCustomEditor(document: ModelDocument, panel: vscode.WebviewPanel): void {
    const webview = panel.webview;
    webview.options = { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist'), vscode.Uri.joinPath(this.extensionUri, 'media')] };
    webview.html = renderHtml(webview, this.extensionUri);
    const key = document.uri.toString();
    let generation = 0;
    const post = (message: ModelHostMessage) => {
      modelEditorPosts.set(key, message);
      void webview.postMessage(message);
    };
    const load = async () => {
      const mine = ++generation;
      const fileName = baseName(document.uri);
      post({ type: 'loading', fileName });
      try {
        const size = (await vscode.workspace.fs.stat(document.uri)).size;
        const model = await loadModel(document.uri);
        if (mine !== generation) return; // a newer read (the file changed again) owns the view
        if (!model) { post({ type: 'error', fileName, message: `LSTM: reading ${fileName} was cancelled; reopen the file to read it.` }); return; }
        post({ type: 'model', summary: summarize(model, size) });
      } catch (error) {
        if (mine === generation) post({ type: 'error', fileName, message: modelErrorMessage(document.uri, error) });
      }
    };
    const disposables: vscode.Disposable[] = [
      webview.onDidReceiveMessage(message => {
        try {
          if (!isModelWebviewMessage(message)) return;
          if (message.type === 'ready') { void load(); return; }
          const choices = message.prefix !== undefined ? { prefix: message.prefix } : undefined;
          void vscode.commands.executeCommand(COMMANDS.newSpecFromModel, document.uri, choices);
        } catch (error) {
          reportError('model editor', error);
        }
      }),
    ];
    // editing or replacing the file on disk re-reads it (a file outside the workspace is not watched)
    if (document.uri.scheme === 'file') {
      const folder = vscode.Uri.joinPath(document.uri, '..');
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, baseName(document.uri)));
      disposables.push(watcher, watcher.onDidChange(() => void load()), watcher.onDidCreate(() => void load()));
    }
    panel.onDidDispose(() => disposables.forEach(d => d.dispose()));
  }
}

export function registerModelEditor(context: vscode.ExtensionContext): void {
  const provider = new ModelEditorProvider(context.extensionUri);
  for (const viewType of [MODEL_EDITOR_VIEW_TYPE, MODEL_EDITOR_OPTION_VIEW_TYPE]) {
    context.subscriptions.push(vscode.window.registerCustomEditorProvider(viewType, provider, {
      supportsMultipleEditorsPerDocument: true,
      webviewOptions: { retainContextWhenHidden: false },
    }));
  }
}

/** Static markup only: the contents arrive by postMessage and are set as text. */
function renderHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  return webviewDocument(webview, extensionUri, {
    script: 'modelEditor.js', stylesheet: 'modelEditor.css', title: 'LSTM Model File',
    body: `<header class="top">
  <h1 id="file-name">Model file</h1>
  <span id="file-info" class="muted"></span>
  <span class="spacer"></span>
  <button type="button" id="new-spec" disabled>New Spec from This Model…</button>
</header>
<div id="status" class="status" role="status" aria-live="polite">Reading the file…</div>
<div id="error" class="error" role="alert" hidden></div>
<main id="contents" hidden>
  <section>
    <h2>Recurrent modules</h2>
    <p id="no-modules" class="muted" hidden>No recurrent module (LSTM, GRU, RNN) was found in this file.</p>
    <table id="modules"><thead><tr><th>prefix</th><th>cell</th><th>layers</th><th>directions</th><th>H</th><th>I</th><th>dtype</th><th>convention</th><th></th></tr></thead><tbody></tbody></table>
  </section>
  <section id="heads-section">
    <h2>Linear heads</h2>
    <table id="heads"><thead><tr><th>prefix</th><th>in features</th><th>classes</th></tr></thead><tbody></tbody></table>
  </section>
  <section>
    <h2 id="tensors-title">Tensors</h2>
    <table id="tensors"><thead><tr><th>name</th><th>shape</th><th>dtype</th></tr></thead><tbody></tbody></table>
    <p id="tensors-more" class="muted" hidden></p>
  </section>
</main>`,
  });
}
