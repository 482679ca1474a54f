// Registers the command table (src/commands.ts) with VS Code and gives it its UI: transient
// status bar messages, warnings, the Go to Step quick pick, New Spec from Example and the inline
// values toggle. Every entry goes through the table's one error wrapper (runCommand), reported
// by the extension's error reporter.

import * as vscode from 'vscode';
import { COMMAND_TABLE, CommandContext, CommandUi, runCommand } from '../commands';
import { reportError } from '../errorReporter';
import { cursorAt, cursorIndex, lastIndex } from '../runtime/cursor';
import type { DocumentSessions, SpecSession } from './documentSessions';
import { newSpecFromExample } from './newSpecFromExample';
import { newSpecFromModel } from './newSpecFromModel';
import { formatVector, stepLabel } from './traceFields';

/** How long a stepping message stays in the status bar. */
const STATUS_MESSAGE_MS = 4000;

/** The last transient status bar message (VS Code offers no way to read it back; for the integration tests). */
export let lastStatusMessage: string | undefined;

export function registerCommands(context: vscode.ExtensionContext, sessions: DocumentSessions): CommandContext {
  /** the stepping message on screen: a new one replaces it */
  let message: vscode.Disposable | undefined;
  context.subscriptions.push({ dispose: () => message?.dispose() });
  const ui: CommandUi<SpecSession> = {
    statusMessage: text => { message?.dispose(); message = vscode.window.setStatusBarMessage(text, STATUS_MESSAGE_MS); lastStatusMessage = text; },
    info: (text, ...actions) => Promise.resolve(vscode.window.showInformationMessage(text, ...actions)),
    warn: text => { void vscode.window.showWarningMessage(text); },
    error: text => { void vscode.window.showErrorMessage(text); },
    pickStep,
    newSpecFromExample: name => newSpecFromExample(context.extensionUri, name),
    toggleInlineValues,
    newSpecFromModel,
    pickLayer,
  };
  const commandContext = { sessions, ui } as unknown as CommandContext;
  for (const entry of COMMAND_TABLE) {
    if (!entry.run) continue; // registered by its own module (the chart panel's)
    context.subscriptions.push(vscode.commands.registerCommand(entry.id,
      (...args: unknown[]) => runCommand(entry, commandContext, args, reportError)));
  }
  return commandContext;
}

async function toggleInlineValues(): Promise<void> {
  const configuration = vscode.workspace.getConfiguration('lstmStepper');
  const inspected = configuration.inspect<boolean>('inlineValues');
  const target = inspected?.workspaceFolderValue !== undefined ? vscode.ConfigurationTarget.WorkspaceFolder
    : inspected?.workspaceValue !== undefined ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await configuration.update('inlineValues', !configuration.get<boolean>('inlineValues', true), target);
}

interface StepPick extends vscode.QuickPickItem { index: number }

/** A quick pick of all 2T+1 cursor positions, with their tokens and the current one preselected. */
async function pickStep(session: SpecSession): Promise<number | undefined> {
  const trace = session.view;
  if (!trace) return undefined;
  const T = trace.T;
  const items: StepPick[] = [];
  for (let index = 0; index <= lastIndex(T); index++) {
    const cursor = cursorAt(index, T);
    const where = cursor.t === 0 ? 't=0 initial state' : stepLabel(trace, cursor.t);
    const h = cursor.t > 0 ? trace.forward.h.subarray((cursor.t - 1) * trace.hiddenSize, cursor.t * trace.hiddenSize) : undefined;
    const dh = cursor.phase === 'backward' ? trace.backward.perStep.dL_dh?.subarray((cursor.t - 1) * trace.hiddenSize, cursor.t * trace.hiddenSize) : undefined;
    items.push({
      index,
      label: `${cursor.phase === 'forward' ? '$(arrow-right)' : '$(arrow-left)'} ${cursor.phase} ${where}`,
      description: dh ? `dL/dh=${formatVector(dh, 4, 3)}` : h ? `h=${formatVector(h, 4, 3)}` : undefined,
    });
  }
  const quickPick = vscode.window.createQuickPick<StepPick>();
  quickPick.title = 'LSTM: Go to Step';
  quickPick.placeholder = 'forward t=0..T, then backward t=T..1 (gradients flowing back)';
  quickPick.items = items;
  quickPick.activeItems = [items[cursorIndex(session.cursor, T)]];
  const picked = await new Promise<StepPick | undefined>(resolve => {
    quickPick.onDidAccept(() => { resolve(quickPick.selectedItems[0] ?? quickPick.activeItems[0]); quickPick.hide(); });
    quickPick.onDidHide(() => resolve(undefined));
    quickPick.show();
  });
  quickPick.dispose();
  return picked?.index;
}

interface LayerPick extends vscode.QuickPickItem { index: number }

/** A quick pick of a stack's (layer, direction) entries in PyTorch order, the shown one preselected. */
async function pickLayer(session: SpecSession): Promise<number | undefined> {
  const stack = session.trace?.stack;
  if (!stack) return undefined;
  const items: LayerPick[] = stack.layers.map((entry, index) => ({
    index,
    label: `${entry.direction === 'reverse' ? '$(arrow-left)' : '$(arrow-right)'} ${entry.label}`,
    description: `layer ${entry.layer + 1} · ${entry.direction}${entry.direction === 'reverse' ? ' (runs t=T..1)' : ''} · reads ${entry.layer === 0 ? 'x_t' : `layer ${entry.layer}'s output`} (${entry.trace.inputSize} numbers)`,
    detail: index === session.layer ? 'shown now' : undefined,
  }));
  const picked = await vscode.window.showQuickPick(items, {
    title: 'LSTM: Select Layer', placeHolder: 'The (layer, direction) the States view, hovers, inline values and the chart panel show',
  });
  return picked?.index;
}
