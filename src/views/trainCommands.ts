// "LSTM: Train…", "LSTM: Go to Training Step…" and "LSTM: Apply Trained Weights" (docs/training.md,
// "Training in VS Code"). Train asks the optimizer, learning rate (and SGD's momentum), steps and
// clipping, each answer validated (trainSettings.ts) and remembered in globalState, then trains
// in a worker (trainWorkerHost.ts) behind a progress notification (step k/N and the loss) whose
// Cancel keeps the steps taken so far. The run's history (trainHistory.ts) is kept per spec.
// Scrubbing to step k sets the session's model override (the spec with θ_k), so every view that
// observes the session (States tree, hovers, inline values, status bar, chart panel, an in-process
// debug session) shows the model after k updates, labelled "training step k of n (not applied)".
// Applying writes θ_k into the spec as one undoable edit (applyWeights.ts); the edit recomputes the
// trace from the text, which drops the override. Nothing is written otherwise.
// The chart panel's Training section reads `trainingView` and follows `onDidChangeTraining`.

import * as vscode from 'vscode';
import { CELLS } from '../engine/cells';
import { trainedWeights } from '../engine/train';
import { Emitter } from '../runtime/emitter';
import type { HostToWebviewMessage, TrainingView } from '../protocol/messages';
import { applyTrainedWeights, minimalEdit } from './applyWeights';
import type { DocumentSessions, SpecSession } from './documentSessions';
import { DEFAULT_TRAIN_SETTINGS, MAX_KEPT_NUMBERS, nearestKept, specWithTheta, thetaAt, type TrainHistory, type TrainSettings } from './trainHistory';
import { clipNormProblem, learningRateProblem, momentumProblem, parseAnswer, rememberedSettings, settingsLabel, stepsProblem } from './trainSettings';
import { startTraining, trainWorkerPathFor, type TrainRun } from './trainWorkerHost';
import { offsetRange } from './specDocument';

const SETTINGS_KEY = 'lstmStepper.train.lastSettings';

/** One spec's training: the finished history, or the run in progress with its curves so far. */
interface TrainingEntry {
  specName: string;
  settings: TrainSettings;
  history?: TrainHistory;
  run?: TrainRun;
  /** the curves while running (from the worker's deltas), and after */
  view: TrainingView;
  /** how long the run took, ms */
  ms?: number;
}

/** What the integration tests and the e2e read (`lstm._trainingState`). */
export interface TrainingTestState {
  running: boolean;
  steps?: number;
  stepsTaken?: number;
  stopped?: boolean;
  scrubbed?: number;
  label?: string;
  loss?: number[];
  stride?: number;
  ms?: number;
  stepsPerSecond?: number;
  lastMessage?: string;
}

export function overrideLabel(step: number, steps: number): string {
  return `training step ${step} of ${steps} (not applied)`;
}

/** The spec's name as the messages say it. */
function nameOf(session: SpecSession): string {
  return session.spec?.name ?? session.uri.path.split('/').pop() ?? session.uri.toString();
}

/** Why a session has no spec to train or show: its freshness message. */
function freshnessMessage(session: SpecSession): string {
  const freshness = session.freshness();
  return freshness.fresh ? 'the spec is still being read' : freshness.message;
}

export class TrainingController implements vscode.Disposable {
  private readonly entries = new Map<string, TrainingEntry>();
  private readonly _onDidChangeTraining = new Emitter<{ uri: string; message: HostToWebviewMessage }>();
  /** a message for the Training section of the spec `uri` (whole view, appended curves, scrubbed step) */
  readonly onDidChangeTraining = this._onDidChangeTraining.event;
  private readonly disposables: vscode.Disposable[] = [];
  private lastMessage: string | undefined;

  constructor(private readonly context: vscode.ExtensionContext, private readonly sessions: DocumentSessions) {
    this.disposables.push(
      // the override went away (an edit, Apply, a recompute): the scrubber says so
      sessions.onDidChangeSession(({ session, change }) => {
        if (!change.override) return;
        const entry = this.entries.get(session.uri.toString());
        if (!entry) return;
        const override = session.modelOverride;
        entry.view.scrubbed = override?.step;
        this.fire(session, { type: 'trainingStep', step: override?.step, label: override?.label ?? 'the spec\'s own weights' });
      }),
      sessions.onDidCloseSession(session => {
        const key = session.uri.toString();
        this.entries.get(key)?.run?.dispose();
        this.entries.delete(key);
      }),
    );
  }

  /** The Training section's view of `session`'s run, if it has one. */
  trainingView(session: SpecSession | undefined): TrainingView | undefined {
    return session ? this.entries.get(session.uri.toString())?.view : undefined;
  }

  private fire(session: SpecSession, message: HostToWebviewMessage): void {
    this._onDidChangeTraining.fire({ uri: session.uri.toString(), message });
  }

  private say(text: string, kind: 'info' | 'warn' | 'error' = 'info', ...actions: string[]): Thenable<string | undefined> {
    this.lastMessage = text;
    if (kind === 'warn') return vscode.window.showWarningMessage(text, ...actions);
    if (kind === 'error') return vscode.window.showErrorMessage(text, ...actions);
    return vscode.window.showInformationMessage(text, ...actions);
  }

  private activeSpecSession(): SpecSession | undefined {
    this.sessions.ensureStarted();
    const session = this.sessions.activeSession;
    if (!session) { void this.say('LSTM: open a *.lstm.json spec first, then train it', 'warn'); return undefined; }
    return session;
  }

  /** Asks the settings (remembering the last choice); undefined when the user dismissed a prompt. */
  private async askSettings(): Promise<TrainSettings | undefined> {
    const last = rememberedSettings(this.context.globalState.get(SETTINGS_KEY));
    const optimizers: (vscode.QuickPickItem & { value: 'adam' | 'sgd' })[] = [
      { label: 'Adam', description: 'β = (0.9, 0.999), ε = 1e-8, as torch.optim.Adam', value: 'adam' },
      { label: 'SGD with momentum', description: 'dampening 0, no Nesterov, as torch.optim.SGD', value: 'sgd' },
    ];
    for (const item of optimizers) if (item.value === last.optimizer) item.detail = 'last used';
    const picked = await vscode.window.showQuickPick(optimizers.sort((a, b) => Number(b.value === last.optimizer) - Number(a.value === last.optimizer)), {
      title: 'LSTM: Train (1/4): optimizer', placeHolder: 'Which optimizer takes the steps?', ignoreFocusOut: true,
    });
    if (!picked) return undefined;
    const optimizer = picked.value;
    const ask = async (title: string, prompt: string, value: string, problem: (text: string) => string | undefined): Promise<number | undefined> => {
      const answer = await vscode.window.showInputBox({ title, prompt, value, ignoreFocusOut: true, validateInput: text => problem(text) });
      return answer === undefined ? undefined : parseAnswer(answer);
    };
    const defaultLr = optimizer === last.optimizer ? last.lr : optimizer === 'adam' ? DEFAULT_TRAIN_SETTINGS.lr : 0.01;
    const lr = await ask('LSTM: Train (2/4): learning rate', 'The learning rate lr (> 0)', String(defaultLr), learningRateProblem);
    if (lr === undefined) return undefined;
    let momentum = 0;
    if (optimizer === 'sgd') {
      const answer = await ask('LSTM: Train (2/4): momentum', 'SGD momentum μ (0 = plain SGD, below 1)', String(last.momentum || 0.9), momentumProblem);
      if (answer === undefined) return undefined;
      momentum = answer;
    }
    const steps = await ask('LSTM: Train (3/4): steps', 'How many optimizer steps (each: forward + BPTT over every sample)', String(last.steps), stepsProblem);
    if (steps === undefined) return undefined;
    const clipChoices: (vscode.QuickPickItem & { clip: boolean })[] = [
      { label: 'No clipping', clip: false },
      { label: 'Clip the gradient norm (max-norm)…', description: 'clip_grad_norm_(all parameters, C) before each update', clip: true },
    ];
    if (last.clipNorm !== undefined) clipChoices.reverse();
    const clipPick = await vscode.window.showQuickPick(clipChoices, { title: 'LSTM: Train (4/4): gradient clipping', placeHolder: 'Clip the global gradient norm?', ignoreFocusOut: true });
    if (!clipPick) return undefined;
    let clipNorm: number | undefined;
    if (clipPick.clip) {
      clipNorm = await ask('LSTM: Train (4/4): max norm', 'The largest global gradient norm C (> 0): a larger one is scaled down to C', String(last.clipNorm ?? 1), clipNormProblem);
      if (clipNorm === undefined) return undefined;
    }
    const settings: TrainSettings = { optimizer, lr, momentum, steps, ...(clipNorm !== undefined ? { clipNorm } : {}) };
    await this.context.globalState.update(SETTINGS_KEY, settings);
    return settings;
  }

  /** "LSTM: Train…": settings given (tests) or asked; resolves when the run ended (or was refused). */
  async train(given?: unknown): Promise<TrainingTestState | undefined> {
    const session = this.activeSpecSession();
    if (!session) return undefined;
    const key = session.uri.toString();
    if (this.entries.get(key)?.run) { void this.say(`LSTM: ${nameOf(session)} is already training; cancel it from its notification first`, 'warn'); return undefined; }
    if (!session.spec) { void this.say(`LSTM: cannot train ${nameOf(session)}: ${freshnessMessage(session)}`, 'warn'); return undefined; }
    const settings = given && typeof given === 'object' ? rememberedSettings(given) : await this.askSettings();
    if (!settings) return undefined;
    // the spec as it is now (an edit while the prompts were open is taken)
    const spec = session.spec;
    if (!spec) { void this.say(`LSTM: cannot train ${nameOf(session)}: ${freshnessMessage(session)}`, 'warn'); return undefined; }
    // θ_0 is the spec's own weights: a previous run's scrubbed step goes away
    if (session.modelOverride) await session.setModelOverride(undefined);
    const specName = nameOf(session);
    const view: TrainingView = {
      specName, settingsLabel: settingsLabel(settings), steps: settings.steps, stepsTaken: 0, running: true, stopped: false, stride: 1,
      ...(settings.clipNorm !== undefined ? { clipNorm: settings.clipNorm } : {}),
      loss: [], gradNorm: [], note: 'training…',
      // the curves grow from the worker's deltas, in the cell table's gate order (as the recorder's)
      gates: CELLS[spec.cell].gates.map(gate => ({ name: gate.name, role: gate.role, mean: [] })),
      ...(CELLS[spec.cell].forgetBiasParameter ? { forgetBias: { name: CELLS[spec.cell].forgetBiasParameter as string, mean: [] } } : {}),
    };
    const entry: TrainingEntry = { specName, settings, view };
    this.entries.set(key, entry);
    this.fire(session, { type: 'training', training: view });
    const started = Date.now();
    const outcome = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `LSTM: training ${specName}`, cancellable: true },
      async (progress, token) => {
        let reported = 0;
        const run = startTraining(trainWorkerPathFor(this.context.extensionPath), spec, settings, (report, delta) => {
          view.loss.push(...delta.loss);
          view.gradNorm.push(...delta.gradNorm);
          delta.gates.forEach((values, g) => view.gates[g]?.mean.push(...values));
          view.forgetBias?.mean.push(...delta.forgetBias);
          view.stepsTaken = report.step;
          this.fire(session, { type: 'trainingDelta', delta, stepsTaken: report.step });
          const percent = (100 * report.step) / report.steps;
          progress.report({ message: `step ${report.step}/${report.steps} · loss ${report.loss.toPrecision(4)}`, increment: percent - reported });
          reported = percent;
        });
        entry.run = run;
        const subscription = token.onCancellationRequested(() => run.cancel());
        try {
          return await run.done;
        } catch (error) {
          return error instanceof Error ? error : new Error(String(error));
        } finally {
          subscription.dispose();
          entry.run = undefined;
        }
      },
    );
    if (outcome instanceof Error) {
      entry.view.running = false;
      entry.view.note = `training failed: ${outcome.message}`;
      this.fire(session, { type: 'training', training: entry.view });
      void this.say(`LSTM: training ${specName} failed: ${outcome.message}`, 'error');
      return this.testState();
    }
    const { history } = outcome;
    entry.history = history;
    entry.ms = Date.now() - started;
    entry.view = this.viewOf(entry, history);
    this.fire(session, { type: 'training', training: entry.view });
    const n = history.stepsTaken;
    const rate = n / Math.max(outcome.ms / 1000, 1e-9);
    const lossText = `loss ${history.loss[0].toPrecision(4)} → ${history.loss[n].toPrecision(4)}`;
    const what = history.stopped ? `cancelled after ${n} of ${settings.steps} steps (the steps taken are kept)` : `${n} steps`;
    void this.say(`LSTM: trained ${specName}: ${what}, ${lossText}, ${rate.toFixed(rate < 10 ? 1 : 0)} steps/s. Scrub through the steps in the chart panel's Training section, or apply the weights.`,
      'info', 'Open Training Section', 'Apply Trained Weights').then(choice => {
      if (choice === 'Open Training Section') void vscode.commands.executeCommand('lstm.openChartPanel');
      if (choice === 'Apply Trained Weights') void vscode.commands.executeCommand('lstm.applyTrainedWeights');
    });
    return this.testState();
  }

  private viewOf(entry: TrainingEntry, history: TrainHistory): TrainingView {
    const P = history.thetas[0]?.length ?? 0;
    const memory = history.stride > 1
      ? `The parameters are kept every ${history.stride} steps (P = ${P} parameters × ${history.settings.steps} steps would exceed ${MAX_KEPT_NUMBERS / 1e6}M numbers): the scrubber lands on those steps and the last. `
      : '';
    const cancelled = history.stopped ? `Cancelled after ${history.stepsTaken} of ${history.settings.steps} steps; the steps taken are kept. ` : '';
    const speed = entry.ms ? `${history.stepsTaken} steps in ${(entry.ms / 1000).toFixed(1)} s.` : '';
    return {
      specName: entry.specName, settingsLabel: settingsLabel(history.settings), steps: history.settings.steps, stepsTaken: history.stepsTaken,
      running: false, stopped: history.stopped, stride: history.stride,
      ...(history.settings.clipNorm !== undefined ? { clipNorm: history.settings.clipNorm } : {}),
      loss: history.loss, gradNorm: history.gradNorm, gates: history.gates,
      ...(history.forgetBias ? { forgetBias: history.forgetBias } : {}),
      note: `${cancelled}${memory}${speed}`,
    };
  }

  /** Shows the model after `step` updates in every view (the nearest kept step); undefined: the spec's own weights. */
  async goToStep(session: SpecSession | undefined, step: number | undefined): Promise<boolean> {
    if (!session) return false;
    const entry = this.entries.get(session.uri.toString());
    if (!entry?.history) {
      void this.say(entry?.run ? 'LSTM: training is still running; scrub once it is done' : `LSTM: ${nameOf(session)} has not been trained yet: run "LSTM: Train…" first`, 'warn');
      return false;
    }
    if (step === undefined) { await session.setModelOverride(undefined); return true; }
    const history = entry.history;
    const k = nearestKept(history, Math.max(0, Math.min(history.stepsTaken, Math.round(step))));
    const theta = thetaAt(history, k);
    const spec = session.spec;
    if (!theta || !spec) {
      const freshness = session.freshness();
      void this.say(`LSTM: cannot show training step ${k}: ${freshness.fresh ? 'no parameters were kept for it' : freshness.message}`, 'warn');
      return false;
    }
    let model;
    try {
      model = specWithTheta(spec, history.parameters, theta);
    } catch (error) {
      void this.say(`LSTM: cannot show training step ${k}: ${error instanceof Error ? error.message : String(error)}`, 'warn');
      return false;
    }
    const outcome = await session.setModelOverride({ spec: model, step: k, steps: history.stepsTaken, label: overrideLabel(k, history.stepsTaken) });
    if (!outcome.moved) { void this.say(outcome.message, 'warn'); return false; }
    if (vscode.debug.activeDebugSession?.type === 'lstm') {
      void this.say(`LSTM: the debug session now shows ${overrideLabel(k, history.stepsTaken)}, its Parameters scope included`);
    }
    return true;
  }

  /** "LSTM: Go to Training Step…": a step number (the panel, tests), 'spec' for the spec's own weights, or picked. */
  async goToStepCommand(target?: unknown): Promise<boolean> {
    const session = this.activeSpecSession();
    if (!session) return false;
    if (typeof target === 'number') return this.goToStep(session, target);
    if (target === 'spec') return this.goToStep(session, undefined);
    const history = this.entries.get(session.uri.toString())?.history;
    if (!history) return this.goToStep(session, 0); // says why
    const answer = await vscode.window.showInputBox({
      title: 'LSTM: Go to Training Step',
      prompt: `0 = the spec's own weights (θ_0) … ${history.stepsTaken} = after the last update${history.stride > 1 ? `; parameters are kept every ${history.stride} steps, so the nearest kept step is shown` : ''}; empty = the spec's own weights without a label`,
      value: String(session.modelOverride?.step ?? history.stepsTaken),
      validateInput: text => text.trim() === '' || (/^\d+$/.test(text.trim()) && Number(text) <= history.stepsTaken) ? undefined : `enter a whole number from 0 to ${history.stepsTaken}`,
    });
    if (answer === undefined) return false;
    return this.goToStep(session, answer.trim() === '' ? undefined : Number(answer));
  }

  /** "LSTM: Apply Trained Weights": the shown training step's (else the last step's) weights into the spec, as one undoable edit. */
  async apply(): Promise<boolean> {
    const session = this.activeSpecSession();
    if (!session) return false;
    const history = this.entries.get(session.uri.toString())?.history;
    if (!history) { void this.say(`LSTM: ${nameOf(session)} has no trained weights to apply: run "LSTM: Train…" first`, 'warn'); return false; }
    const k = session.modelOverride?.step ?? history.stepsTaken;
    const theta = thetaAt(history, k);
    if (!theta) { void this.say(`LSTM: no parameters were kept for training step ${k}`, 'warn'); return false; }
    const document = await vscode.workspace.openTextDocument(session.uri);
    const before = document.getText();
    const outcome = applyTrainedWeights(before, trainedWeights({ parameters: history.parameters, theta }));
    if (!outcome.ok) { void this.say(`LSTM: cannot apply the trained weights to ${nameOf(session)}: ${outcome.message}`, 'warn'); return false; }
    const replacement = minimalEdit(before, outcome.text);
    const edit = new vscode.WorkspaceEdit();
    edit.replace(document.uri, offsetRange(document, replacement.offset, replacement.length), replacement.content);
    const applied = await vscode.workspace.applyEdit(edit);
    if (!applied) { void this.say('LSTM: the edit could not be applied (is the file read-only?)', 'warn'); return false; }
    this.lastMessage = `applied training step ${k} of ${history.stepsTaken}`;
    vscode.window.setStatusBarMessage(`LSTM: wrote the weights of training step ${k} of ${history.stepsTaken} into the spec (undo with Ctrl+Z)`, 5000);
    return true;
  }

  testState(): TrainingTestState {
    const session = this.sessions.activeSession;
    const entry = session && this.entries.get(session.uri.toString());
    const history = entry?.history;
    return {
      running: entry?.run !== undefined, steps: entry?.settings.steps, stepsTaken: history?.stepsTaken ?? entry?.view.stepsTaken,
      stopped: history?.stopped, scrubbed: session?.modelOverride?.step, label: session?.modelOverride?.label, loss: history?.loss,
      stride: history?.stride, ms: entry?.ms,
      stepsPerSecond: history && entry?.ms ? history.stepsTaken / (entry.ms / 1000) : undefined, lastMessage: this.lastMessage,
    };
  }

  dispose(): void {
    for (const entry of this.entries.values()) entry.run?.dispose();
    this.entries.clear();
    this.disposables.splice(0).forEach(d => d.dispose());
    this._onDidChangeTraining.dispose();
  }
}

/** The one controller (the chart panel reads it); set by registerTraining. */
export let training: TrainingController | undefined;

export function registerTraining(context: vscode.ExtensionContext, sessions: DocumentSessions): TrainingController {
  const controller = new TrainingController(context, sessions);
  training = controller;
  const guard = (name: string, run: (...args: unknown[]) => Promise<unknown>) => async (...args: unknown[]): Promise<unknown> => {
    try {
      return await run(...args);
    } catch (error) {
      void vscode.window.showErrorMessage(`LSTM ${name}: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
  };
  context.subscriptions.push(
    controller,
    { dispose: () => { if (training === controller) training = undefined; } },
    vscode.commands.registerCommand('lstm.train', guard('Train…', settings => controller.train(settings))),
    vscode.commands.registerCommand('lstm.goToTrainingStep', guard('Go to Training Step…', target => controller.goToStepCommand(target))),
    vscode.commands.registerCommand('lstm.applyTrainedWeights', guard('Apply Trained Weights', () => controller.apply())),
    // not contributed (hidden from the palette): tests read the training state
    vscode.commands.registerCommand('lstm._trainingState', () => controller.testState()),
  );
  return controller;
}
