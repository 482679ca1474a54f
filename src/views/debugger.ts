// The VS Code side of the debugger of type `lstm` (docs/debug-adapter.md): the adapter of
// src/debug served in-process through a DebugAdapterInlineImplementation, over the SAME runtime
// Session the States tree, status bar and chart panel observe (one cursor: stepping in the tree
// or the panel moves the debug session, and the debugger's steps move the views); a
// DebugConfigurationProvider so that F5 on a spec works with no launch.json (and the dynamic
// configurations of Run and Debug list every open spec); the "LSTM: Debug Spec" command; and an
// InlineValuesProvider that shows h_t after each input row up to the position while stopped.

import * as vscode from 'vscode';
import { COMMANDS } from '../commands';
import { LstmDebugSession, type HostedSpec, type SpecHost } from '../debug/adapter';
import { reportError } from '../errorReporter';
import type { DocumentSessions, SpecSession } from './documentSessions';
import { inputRowEnds } from './specTree';
import { isSpecDocument, SPEC_SELECTOR } from './specDocument';
import { backwardReached, fieldRow, formatVector, forwardReached, readPrecision } from './traceFields';

export const DEBUG_TYPE = 'lstm';
/** how long a launch waits for the first trace of a large spec (computed in the worker) */
const FIRST_TRACE_WAIT_MS = 120000;

const equationChanged = new vscode.EventEmitter<void>();
let shownEquation: { uri: string; equation: string } | undefined;
/** The debugger stopped at another equation inside a step (or left the step): the chart panel highlights it. */
export const onDidChangeDebugEquation = equationChanged.event;

/** The equation an lstm debug session stopped at inside the current step of `uri`'s spec, if any. */
export function debugEquationOf(uri: vscode.Uri): string | undefined {
  return shownEquation?.uri === uri.toString() ? shownEquation.equation : undefined;
}

/** The `spec` launch argument of a document: a file's path, else its URI (untitled specs). */
export function specArgument(uri: vscode.Uri): string {
  return uri.scheme === 'file' ? uri.fsPath : uri.toString();
}

function uriOf(spec: string): vscode.Uri {
  return /^[a-zA-Z][\w+.-]+:/.test(spec) && !/^[a-zA-Z]:[\\/]/.test(spec) ? vscode.Uri.parse(spec) : vscode.Uri.file(spec);
}

/** Resolves when `session` has a trace for its current text, or its text has errors, or its computation ended. */
function settled(session: SpecSession): Promise<void> {
  if (!session.busy) return Promise.resolve();
  return new Promise(resolve => {
    const timer = setTimeout(done, FIRST_TRACE_WAIT_MS);
    const subscription = session.onDidChange(() => { if (!session.busy) done(); });
    function done() { clearTimeout(timer); subscription.dispose(); resolve(); }
  });
}

/** The adapter's view of the extension's sessions: a spec opens (or reuses) the session the views show. */
export function documentSpecHost(sessions: DocumentSessions): SpecHost {
  return {
    async open(spec: string): Promise<HostedSpec> {
      const document = await vscode.workspace.openTextDocument(uriOf(spec));
      sessions.ensureStarted();
      const session = sessions.open(document);
      if (!session) throw new Error('not an LSTM spec (*.lstm.json, or the LSTM Spec language)');
      sessions.setActive(session);
      await sessions.flush();
      await settled(session);
      return {
        session,
        text: () => document.getText(),
        reload: async () => { await sessions.flush(); await settled(session); },
        showEquation: equation => {
          const next = equation ? { uri: session.uri.toString(), equation } : undefined;
          if (next?.uri === shownEquation?.uri && next?.equation === shownEquation?.equation) return;
          shownEquation = next;
          equationChanged.fire();
        },
      };
    },
  };
}

class LstmConfigurationProvider implements vscode.DebugConfigurationProvider {
  /** F5 with no launch.json arrives here with an empty configuration: debug the active spec. */
  resolveDebugConfiguration(_folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): vscode.DebugConfiguration | undefined {
    const editor = vscode.window.activeTextEditor;
    if (!config.type && !config.request && !config.name) {
      if (!editor || !isSpecDocument(editor.document)) {
        void vscode.window.showInformationMessage('LSTM: open a *.lstm.json spec to debug it.');
        return undefined;
      }
      config = { type: DEBUG_TYPE, request: 'launch', name: 'Debug LSTM Spec', spec: specArgument(editor.document.uri), stopOnEntry: true };
    }
    if (!config.spec) {
      if (!editor || !isSpecDocument(editor.document)) {
        void vscode.window.showInformationMessage('LSTM: the launch configuration needs "spec" (the *.lstm.json file to debug).');
        return undefined;
      }
      config.spec = specArgument(editor.document.uri);
    }
    config.precision ??= readPrecision(vscode.workspace.getConfiguration('lstmStepper'));
    return config;
  }
}

class DynamicConfigurations implements vscode.DebugConfigurationProvider {
  provideDebugConfigurations(): vscode.DebugConfiguration[] {
    return vscode.workspace.textDocuments.filter(isSpecDocument).map(document => ({
      type: DEBUG_TYPE, request: 'launch', name: `Debug ${document.uri.path.split('/').pop()}`,
      spec: specArgument(document.uri), stopOnEntry: true,
    }));
  }
}

/** h_t after each input row up to the cursor (dL/dh_t too in the backward phase), while an lstm debug session is stopped. */
class SpecInlineValues implements vscode.InlineValuesProvider {
  constructor(private readonly sessions: DocumentSessions) {}

  provideInlineValues(document: vscode.TextDocument): vscode.InlineValue[] {
    try {
      const session = this.sessions.getSession(document.uri);
      const trace = session?.trace;
      if (!session || !trace) return [];
      const p = readPrecision(vscode.workspace.getConfiguration('lstmStepper'));
      const rows = inputRowEnds(document);
      const stale = session.freshness().fresh ? '' : ' (stale)';
      const values: vscode.InlineValue[] = [];
      for (let t = 1; t <= Math.min(rows.length, trace.T); t++) {
        if (!forwardReached(session.cursor, t)) break;
        const h = fieldRow(trace, 'h', t);
        if (!h) continue;
        let text = `h_${t} = ${formatVector(h, p, 4)}`;
        const dh = backwardReached(session.cursor, t) ? fieldRow(trace, 'dL_dh', t) : undefined;
        if (dh) text += `, dL/dh_${t} = ${formatVector(dh, p, 4)}`;
        const at = document.positionAt(rows[t - 1]);
        values.push(new vscode.InlineValueText(new vscode.Range(at, at), text + stale));
      }
      return values;
    } catch (error) {
      reportError('debugger inline values', error);
      return [];
    }
  }
}

/** Is an lstm debug session running (the decoration-based inline values step aside then)? */
export function lstmDebugging(): boolean {
  return vscode.debug.activeDebugSession?.type === DEBUG_TYPE;
}

export function registerDebugger(context: vscode.ExtensionContext, sessions: DocumentSessions): void {
  const host = documentSpecHost(sessions);
  context.subscriptions.push(
    equationChanged,
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, new LstmConfigurationProvider()),
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, new DynamicConfigurations(), vscode.DebugConfigurationProviderTriggerKind.Dynamic),
    vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, {
      createDebugAdapterDescriptor: () => new vscode.DebugAdapterInlineImplementation(new LstmDebugSession(host)),
    }),
    vscode.languages.registerInlineValuesProvider(SPEC_SELECTOR, new SpecInlineValues(sessions)),
    vscode.commands.registerCommand(COMMANDS.debugSpec, async (resource?: unknown) => {
      try {
        const uri = resource instanceof vscode.Uri ? resource : vscode.window.activeTextEditor?.document.uri;
        const document = uri && vscode.workspace.textDocuments.find(d => d.uri.toString() === uri.toString());
        if (!uri || (document && !isSpecDocument(document)) || (!document && !/\.lstm\.json$/i.test(uri.path))) {
          void vscode.window.showInformationMessage('LSTM: open a *.lstm.json spec to debug it.');
          return false;
        }
        return await vscode.debug.startDebugging(vscode.workspace.getWorkspaceFolder(uri), {
          type: DEBUG_TYPE, request: 'launch', name: 'Debug LSTM Spec', spec: specArgument(uri), stopOnEntry: true,
        });
      } catch (error) {
        reportError('Debug Spec', error);
        return false;
      }
    }),
  );
}
