// The history of one "LSTM: Train…" run (docs/training.md, "Training in VS Code"): the
// parameters after every update θ_0..θ_n (θ_0 = the spec's), the loss L_0..L_n, the gradient
// norm before clipping g_0..g_{n−1}, and per-gate summaries at every training step (the mean of
// each gate over time and units of the shown sample, layer 0 forward, and the mean forget bias),
// so the seeds' claims can be watched: the forget gate's mean rising towards 1 in the
// long-dependency example. Pure (no vscode): the train worker records it, the host keeps it, and
// `specAtStep` rebuilds the spec with θ_k for the session's model override.
// Memory: θ is kept every `stride` steps (and the last one), stride = ⌈P·(N+1) / MAX_KEPT_NUMBERS⌉,
// so a history never holds more than about MAX_KEPT_NUMBERS float64s (32 MB); the curves keep
// every step (a few numbers each).

import { CELLS } from '../engine/cells';
import { computeStackTrace, type StackTrace } from '../engine/stackTrace';
import { parameterSet, trainModelOf, type ParameterSet, type TrainModel, type TrainParameter, type TrainProgress, type TrainResult } from '../engine/train';
import type { Spec } from '../engine/types';
import type { TrainingDelta } from '../protocol/messages';

/** The most θ numbers a history keeps (4M float64 = 32 MB). */
export const MAX_KEPT_NUMBERS = 4_000_000;

/** What "LSTM: Train…" asks (and remembers). */
export interface TrainSettings {
  optimizer: 'sgd' | 'adam';
  lr: number;
  /** SGD only */
  momentum: number;
  steps: number;
  /** clip_grad_norm_'s max_norm; undefined = no clipping */
  clipNorm?: number;
}

export const DEFAULT_TRAIN_SETTINGS: TrainSettings = { optimizer: 'adam', lr: 0.05, momentum: 0, steps: 100 };
/** More steps than this is refused (the UI, not the engine): a run the user can wait for. */
export const MAX_UI_STEPS = 100_000;

/** One gate's mean (over time and units) at each training step 0..n. */
export interface GateSummary {
  name: string;
  /** "forget gate f" */
  role: string;
  mean: number[];
}

/** The appended part of a history during training (steps from..to−1 of the curves). */
export type TrainDelta = TrainingDelta;

export interface TrainHistory {
  settings: TrainSettings;
  parameters: TrainParameter[];
  stepsTaken: number;
  stopped: boolean;
  /** θ kept every `stride` steps (1 = every step) */
  stride: number;
  /** the training steps whose θ is kept, ascending: 0, stride, 2·stride, …, and stepsTaken */
  kept: number[];
  /** θ_k for each of `kept` (P each) */
  thetas: Float64Array[];
  /** L_0..L_n */
  loss: number[];
  /** g_0..g_{n−1}, before clipping */
  gradNorm: number[];
  /** per gate of the cell (empty for rnn), at steps 0..n */
  gates: GateSummary[];
  /** the mean of the forget bias (init.forgetBias's parameter, e.g. b_f, b_iz) at steps 0..n, when the cell has one */
  forgetBias?: { name: string; mean: number[] };
}

/** θ is kept every stride steps so that P·(kept steps) ≤ MAX_KEPT_NUMBERS (about). */
export function historyStride(P: number, steps: number, maxNumbers = MAX_KEPT_NUMBERS): number {
  return Math.max(1, Math.ceil((P * (steps + 1)) / maxNumbers));
}

/** The kept step nearest to k (the scrubber lands on kept steps only). */
export function nearestKept(history: Pick<TrainHistory, 'kept'>, k: number): number {
  let best = history.kept[0] ?? 0;
  for (const step of history.kept) if (Math.abs(step - k) < Math.abs(best - k)) best = step;
  return best;
}

/** θ_k (a kept step), or undefined. */
export function thetaAt(history: Pick<TrainHistory, 'kept' | 'thetas'>, k: number): Float64Array | undefined {
  const index = history.kept.indexOf(k);
  return index < 0 ? undefined : history.thetas[index];
}

function mean(values: Float64Array, from = 0, to = values.length): number {
  let sum = 0;
  for (let k = from; k < to; k++) sum += values[k];
  return to > from ? sum / (to - from) : NaN;
}

/**
 * Records a training run from train()'s progress callbacks (the train worker). Each progress
 * carries θ_k (after step k) and the trace at θ_{k−1}; `finish` adds the summaries at θ_n from
 * one more trace.
 */
export class TrainRecorder {
  private readonly view: ParameterSet;
  readonly stride: number;
  readonly kept: number[] = [0];
  readonly thetas: Float64Array[];
  readonly loss: number[] = [];
  readonly gradNorm: number[] = [];
  readonly gates: GateSummary[];
  readonly forgetBias?: { name: string; mean: number[] };
  private readonly forgetBiasName?: string;
  /** how many curve entries were handed out by takeDelta */
  private delivered = 0;

  constructor(model: TrainModel, private readonly settings: TrainSettings, maxNumbers = MAX_KEPT_NUMBERS) {
    // a parameter set of our own, loaded with θ_k to read textbook values (the forget bias)
    this.view = parameterSet(model);
    this.stride = historyStride(this.view.theta.length, settings.steps, maxNumbers);
    this.thetas = [this.view.theta.slice()];
    const cell = CELLS[model.spec.params.cell];
    this.gates = cell.gates.map(gate => ({ name: gate.name, role: gate.role, mean: [] }));
    this.forgetBiasName = cell.forgetBiasParameter;
    if (this.forgetBiasName) this.forgetBias = { name: this.forgetBiasName, mean: [this.forgetBiasMean()] };
  }

  /** the mean forget bias of layer 0 forward at the θ the view holds */
  private forgetBiasMean(): number {
    const values = this.forgetBiasName ? this.view.spec.params.entries[0][this.forgetBiasName] : undefined;
    return values ? mean(values) : NaN;
  }

  /** the gate summaries of a trace (the model at one training step) */
  private recordGates(trace: StackTrace): void {
    const entry = trace.stack[0];
    for (const gate of this.gates) gate.mean.push(entry ? mean(entry.forward[gate.name]) : NaN);
  }

  /** train()'s onProgress: step k taken (θ_k in progress.theta, the trace at θ_{k−1}) */
  onProgress(progress: TrainProgress): void {
    const k = progress.step;
    this.loss.push(progress.loss);
    this.gradNorm.push(progress.gradNorm);
    this.recordGates(progress.trace);
    if (k % this.stride === 0) { this.kept.push(k); this.thetas.push(progress.theta.slice()); }
    if (this.forgetBias) {
      this.view.theta.set(progress.theta);
      this.view.load();
      this.forgetBias.mean.push(this.forgetBiasMean());
    }
  }

  /** The curve entries recorded since the last call (for the panel's appended deltas). */
  takeDelta(): TrainDelta {
    const from = this.delivered, to = this.loss.length;
    this.delivered = to;
    return {
      from, loss: this.loss.slice(from, to), gradNorm: this.gradNorm.slice(from, to),
      gates: this.gates.map(g => g.mean.slice(from, to)), forgetBias: this.forgetBias?.mean.slice(from, to) ?? [],
    };
  }

  /** The whole history after train() returned (also when it stopped early: the steps taken so far). */
  finish(result: TrainResult): TrainHistory {
    const n = result.stepsTaken;
    this.loss.push(result.loss[n]);
    // the last step is kept whatever the stride
    if (this.kept[this.kept.length - 1] !== n) { this.kept.push(n); this.thetas.push(result.theta.slice()); }
    this.view.theta.set(result.theta);
    this.view.load();
    this.recordGates(computeStackTrace(this.view.spec));
    return {
      settings: this.settings, parameters: result.parameters, stepsTaken: n, stopped: result.stopped, stride: this.stride,
      kept: this.kept, thetas: this.thetas, loss: this.loss, gradNorm: this.gradNorm, gates: this.gates,
      ...(this.forgetBias ? { forgetBias: this.forgetBias } : {}),
    };
  }
}

/** Do a spec's trained parameters (names and sizes) match a history's? Else its θ cannot be shown on it. */
export function sameParameters(a: readonly TrainParameter[], b: readonly TrainParameter[]): boolean {
  return a.length === b.length && a.every((p, k) => p.name === b[k].name && p.length === b[k].length && p.offset === b[k].offset);
}

/**
 * The spec with the parameters θ (laid out as the spec's trained parameters): the model as it
 * was after some training steps, for the session's model override. Structure, inputs, h0, c0 and
 * samples are the spec's. Throws when θ does not fit the spec's parameters.
 */
export function specWithTheta(spec: Spec, parameters: readonly TrainParameter[], theta: Float64Array): Spec {
  const set = parameterSet(trainModelOf(spec));
  if (!sameParameters(set.parameters, parameters) || theta.length !== set.theta.length) {
    throw new Error('the spec\'s parameters changed since training (names or sizes): train again');
  }
  set.theta.set(theta);
  set.load();
  const stack = set.spec;
  const entries = stack.params.entries;
  // the head every crossEntropy sample now shares (a display sample too)
  const trainedLoss = stack.samples.find(sample => sample.loss.kind === 'crossEntropy')?.loss;
  const trainedHead = trainedLoss?.kind === 'crossEntropy' ? trainedLoss.head : undefined;
  const next: Spec = { ...spec, params: entries[0] };
  if (spec.framework?.tensors && !spec.framework.layout) {
    // PyTorch names inline: the initial tensors training starts from become θ's (a retrain from the override starts there)
    const prefix = spec.framework.prefix === '' ? '' : `${spec.framework.prefix}.`;
    const tensors = { ...spec.framework.tensors };
    for (const p of parameters) if (p.name.startsWith(prefix) && tensors[p.name.slice(prefix.length)]) tensors[p.name.slice(prefix.length)] = theta.slice(p.offset, p.offset + p.length);
    next.framework = { ...spec.framework, tensors };
  }
  if (spec.stack) {
    const shown = spec.stack.display;
    const display = shown && trainedHead && shown.loss.kind === 'crossEntropy' ? { ...shown, loss: { ...shown.loss, head: trainedHead } } : shown;
    next.stack = { ...spec.stack, params: stack.params, samples: stack.samples, ...(display ? { display } : {}) };
  }
  return next;
}
