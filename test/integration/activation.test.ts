// Smoke test of the integration harness: the extension under development is loaded in the real extension
// host and activates when a spec file (*.lstm.json) is opened. Feature tests live in their own files.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const EXTENSION_ID = 'lstm-stepper.lstm-stepper';

async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 50));
  }
}

describe('activation', () => {
  it('runs in a real extension host with the example workspace open', () => {
    const folders = vscode.workspace.workspaceFolders ?? [];
    assert.equal(folders.length, 1, 'the harness opens one workspace folder');
    console.log(`    host: VS Code ${vscode.version}, appHost=${vscode.env.appHost}, remoteName=${vscode.env.remoteName ?? '(local)'}`);
  });

  it('is installed as lstm-stepper.lstm-stepper and activates when a *.lstm.json is opened', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not loaded`);
    assert.equal(extension.packageJSON.name, 'lstm-stepper');

    const specs = await vscode.workspace.findFiles('**/*.lstm.json', '**/node_modules/**');
    assert.ok(specs.length > 0, 'the workspace (a copy of examples/) holds at least one *.lstm.json');
    const spec = specs.find(uri => uri.path.endsWith('/this-movie-is-good.lstm.json')) ?? specs[0];
    const document = await vscode.workspace.openTextDocument(spec);
    await vscode.window.showTextDocument(document);

    await waitFor(() => extension.isActive, 15000, `${EXTENSION_ID} to activate`);
    assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), spec.toString());
  });
});
