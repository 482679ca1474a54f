// computeStackTrace: forward, loss and exact BPTT of a whole stack (stack.ts, loss.ts) for the
// stack form of the trace (docs/trace-format.md): output, h_n/c_n, per-entry records in PyTorch's
// order with rows in time order, the loss with logits/probs, the top-level input and initial-state
// gradients, and the weight gradients under PyTorch's names when asked (framework.ts).
// With several samples L is the mean of the samples' losses; every gradient is a gradient of that
// mean: the summed fields (weights, biases, peepholes, h0, c0, the head) add every sample's part,
// the per-step fields (and dL_dx, dL_doutput) are the shown sample's part. No I/O here.
// A `display` sample (the spec's top-level inputs when they are none of its samples, see
// docs/spec-format.md "Samples") is run for the stepper only: it does not enter L nor the summed
// fields; the per-step fields, dL_dx, dL_doutput, output and states are its own, its gradients
// weighted 1/N as if it were one of the N samples.

import { frameworkGrads, type NamedTensor } from './framework';
import { firstNonFinite } from './kernels';
import { stackLoss, type LinearHead, type LossResult, type StackLoss } from './loss';
import { directionCount, stackBackward, stackForward, stackRecords, type StackConfig, type StackEntryGrads, type StackEntryRecord, type StackGrads, type StackParams } from './stack';

/** One input sequence with its own loss (targets differ between samples). */
export interface StackSample {
  T: number;
  inputs: Float64Array; // (T, I)
  loss: StackLoss;
}

export interface StackSpec {
  params: StackParams;
  h0: Float64Array; // (L·D, H) PyTorch order
  c0: Float64Array; // (L·D, H), ignored by gru and rnn
  /** at least one; the loss is the mean over them */
  samples: StackSample[];
  /** which sample the per-step records show; default 0 */
  shown?: number;
  /**
   * a sequence shown instead of samples[shown], outside the loss: it enters neither L nor the
   * summed gradients; its per-step gradients are those of its own loss weighted 1/N
   */
  display?: StackSample;
  tokens?: string[];
  /** when the weights came with PyTorch names: the module's prefix ("" for none) and the head's */
  framework?: { prefix: string; headPrefix?: string };
}

export interface StackTrace {
  config: StackConfig;
  T: number; // of the shown sample
  tokens?: string[];
  output: Float64Array; // (T, D·H)
  hN: Float64Array; // (L·D, H)
  cN?: Float64Array; // (L·D, H) lstm kinds
  /** one per (layer, direction), PyTorch order: forward record and gradients, rows t = 1..T */
  stack: (StackEntryRecord & { backward: StackEntryGrads })[];
  loss: {
    kind: StackLoss['kind'];
    L: number; // mean over samples
    /** the shown sample's loss, and each sample's */
    sampleLosses: Float64Array; // (samples)
    /** with spec.display: its own loss (not part of L) */
    displayL?: number;
    perStep?: Float64Array; // (T) at: every, shown sample
    logits?: Float64Array; // (C) or (T, C), shown sample
    probs?: Float64Array;
  };
  backward: {
    dL_doutput: Float64Array; // (T, D·H)
    dL_dx: Float64Array; // (T, I)
    dL_dh0: Float64Array; // (L·D, H)
    dL_dc0?: Float64Array; // (L·D, H) lstm kinds
    /** crossEntropy: the head's gradients */
    dL_dHeadWeight?: Float64Array; // (C, D·H)
    dL_dHeadBias?: Float64Array; // (C)
  };
  /** PyTorch names and layout, when spec.framework is given (not for lstm_peephole) */
  frameworkGrads?: Record<string, NamedTensor>;
  /** the first NaN/±Inf, in the order the cursor meets values (see findStackNonFinite) */
  nonFinite?: StackNonFiniteReport;
}

/** Where a NaN or ±Inf first appeared: entry (PyTorch order), 1-based time step, field name. */
export interface StackNonFiniteReport {
  phase: 'forward' | 'backward';
  layer: number;
  direction: 'forward' | 'reverse';
  t: number;
  field: string;
}

/**
 * The first non-finite value: forward entries in PyTorch order (each over its own processing
 * order: t = 1..T forward, T..1 reverse), then the loss, then the backward pass from the top
 * entry down (each in its backward order: t = T..1 forward, 1..T reverse), then the summed
 * gradients (reported at the entry's first backward step).
 */
export function findStackNonFinite(trace: StackTrace): StackNonFiniteReport | undefined {
  const { T, config } = trace, H = config.hiddenSize;
  const order = (reverse: boolean, backward: boolean): number[] => {
    const ts = Array.from({ length: T }, (_, k) => k + 1);
    return reverse !== backward ? ts.reverse() : ts;
  };
  for (const entry of trace.stack) {
    for (const t of order(entry.direction === 'reverse', false)) {
      for (const [field, value] of Object.entries(entry.forward)) {
        if (firstNonFinite(value, (t - 1) * H, t * H) >= 0) return { phase: 'forward', layer: entry.layer, direction: entry.direction, t, field };
      }
    }
  }
  const top = trace.stack[trace.stack.length - 1];
  if (!Number.isFinite(trace.loss.L)) return { phase: 'backward', layer: top.layer, direction: top.direction, t: Math.max(T, 1), field: 'loss' };
  for (const entry of [...trace.stack].reverse()) {
    const steps = order(entry.direction === 'reverse', true);
    for (const t of steps) {
      for (const [field, value] of Object.entries(entry.backward.perStep)) {
        const width = field === 'dL_dinput' ? entry.inputSize : H;
        if (firstNonFinite(value, (t - 1) * width, t * width) >= 0) return { phase: 'backward', layer: entry.layer, direction: entry.direction, t, field };
      }
    }
    const summed: [string, Float64Array][] = [['dL_dh0', entry.backward.dL_dh0]];
    if (entry.backward.dL_dc0) summed.push(['dL_dc0', entry.backward.dL_dc0]);
    for (const [group, record] of [['dL_dW', entry.backward.dL_dW], ['dL_db', entry.backward.dL_db], ['dL_dp', entry.backward.dL_dp ?? {}]] as const) {
      for (const [name, value] of Object.entries(record)) summed.push([`${group}.${name}`, value]);
    }
    for (const [field, value] of summed) {
      if (firstNonFinite(value, 0, value.length) >= 0) return { phase: 'backward', layer: entry.layer, direction: entry.direction, t: steps[0] ?? 1, field };
    }
  }
  return undefined;
}

function scaled(a: Float64Array, s: number): Float64Array {
  const out = new Float64Array(a.length);
  for (let k = 0; k < a.length; k++) out[k] = a[k] * s;
  return out;
}

function addScaled(
  into: Float64Array, // (n)
  from: Float64Array, // (n)
  s: number,
): void {
  for (let k = 0; k < into.length; k++) into[k] += from[k] * s;
}

/** Every summed gradient of one run (weights, h0, c0), in a form that can be accumulated. */
function summedFields(grads: StackGrads): Float64Array[] {
  const fields: Float64Array[] = [grads.dL_dh0, grads.dL_dc0];
  for (const entry of grads.entries) {
    fields.push(...Object.values(entry.dL_dW), ...Object.values(entry.dL_db), ...Object.values(entry.dL_dp ?? {}));
    fields.push(entry.dL_dh0);
    if (entry.dL_dc0) fields.push(entry.dL_dc0);
  }
  return fields;
}

function scaleRecord(record: Record<string, Float64Array>, s: number): Record<string, Float64Array> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, scaled(v, s)]));
}

export function computeStackTrace(spec: StackSpec): StackTrace {
  const { params, h0, c0, samples } = spec;
  if (samples.length === 0) throw new Error('samples: expected at least one');
  const shown = spec.shown ?? 0;
  if (!(shown >= 0 && shown < samples.length)) throw new Error(`shown: expected a sample index 0..${samples.length - 1}, found ${shown}`);
  const N = samples.length, W = directionCount(params) * params.hiddenSize;
  const sampleLosses = new Float64Array(N);
  let totals: Float64Array[] | undefined;
  // the head is shared by the samples that use one (a model has one head)
  let head: { head: LinearHead; dWeight: Float64Array; dBias: Float64Array } | undefined;
  let shownRun: { cache: ReturnType<typeof stackForward>; loss: LossResult; grads: StackGrads } | undefined;
  samples.forEach((sample, s) => {
    const cache = stackForward(params, sample.inputs, h0, c0, sample.T);
    const loss = stackLoss(sample.loss, cache.output, cache.topFinal, sample.T, W);
    const grads = stackBackward(loss.dL_doutput, loss.dL_dtopFinal, cache);
    sampleLosses[s] = loss.L;
    const fields = summedFields(grads);
    if (!totals) totals = fields.map(f => new Float64Array(f.length));
    totals.forEach((total, k) => addScaled(total, fields[k], 1 / N));
    if (sample.loss.kind === 'crossEntropy' && loss.dHeadWeight && loss.dHeadBias) {
      const C = sample.loss.head.classes;
      head ??= { head: sample.loss.head, dWeight: new Float64Array(C * W), dBias: new Float64Array(C) };
      addScaled(head.dWeight, loss.dHeadWeight, 1 / N);
      addScaled(head.dBias, loss.dHeadBias, 1 / N);
    }
    if (s === shown && !spec.display) shownRun = { cache, loss, grads };
  });
  if (spec.display) {
    const { inputs, T, loss: displayLoss } = spec.display;
    const cache = stackForward(params, inputs, h0, c0, T);
    const loss = stackLoss(displayLoss, cache.output, cache.topFinal, T, W);
    shownRun = { cache, loss, grads: stackBackward(loss.dL_doutput, loss.dL_dtopFinal, cache) };
  }
  const { cache, loss, grads } = shownRun as NonNullable<typeof shownRun>;
  // the shown sample's summed fields become the mean loss's totals; its per-step fields its part
  const mine = summedFields(grads);
  mine.forEach((field, k) => field.set((totals as Float64Array[])[k]));
  const part = 1 / N;
  const scale = N > 1 || spec.display !== undefined;
  const records = stackRecords(cache);
  const isLstm = params.cell === 'lstm' || params.cell === 'lstm_peephole';
  const trace: StackTrace = {
    config: { cell: params.cell, inputSize: params.inputSize, hiddenSize: params.hiddenSize, numLayers: params.numLayers, bidirectional: params.bidirectional, ...(params.resetAfter === undefined ? {} : { resetAfter: params.resetAfter }) },
    T: cache.T,
    output: cache.output, hN: cache.hN,
    stack: records.map((record, e) => {
      const entry = grads.entries[e];
      return { ...record, backward: { ...entry, perStep: !scale ? entry.perStep : scaleRecord(entry.perStep, part) } };
    }),
    loss: { kind: samples[shown].loss.kind, L: sampleLosses.reduce((a, b) => a + b, 0) / N, sampleLosses },
    backward: {
      dL_doutput: !scale ? loss.dL_doutput : scaled(loss.dL_doutput, part),
      dL_dx: !scale ? grads.dL_dx : scaled(grads.dL_dx, part),
      dL_dh0: grads.dL_dh0,
    },
  };
  if (isLstm) {
    trace.cN = cache.cN;
    trace.backward.dL_dc0 = grads.dL_dc0;
  }
  if (spec.tokens) trace.tokens = spec.tokens;
  if (spec.display) trace.loss.displayL = loss.L;
  if (loss.perStep) trace.loss.perStep = loss.perStep;
  if (loss.logits && loss.probs) {
    trace.loss.logits = loss.logits;
    trace.loss.probs = loss.probs;
  }
  if (head) {
    trace.backward.dL_dHeadWeight = head.dWeight;
    trace.backward.dL_dHeadBias = head.dBias;
  }
  if (spec.framework) {
    trace.frameworkGrads = frameworkGrads(params, grads, spec.framework.prefix,
      head ? { prefix: spec.framework.headPrefix ?? 'fc', dWeight: head.dWeight, dBias: head.dBias, classes: head.head.classes } : undefined);
  }
  const nonFinite = findStackNonFinite(trace);
  if (nonFinite) trace.nonFinite = nonFinite;
  return trace;
}
