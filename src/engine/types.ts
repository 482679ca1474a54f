// The engine's data model: a validated Spec (what a *.lstm.json file describes, with weights in
// the textbook layout of docs/spec-format.md) and the Trace the engine computes from it (every
// forward and backward quantity for every step, docs/trace-format.md). Everything is flat,
// row-major Float64Array storage so that a step view is a subarray and nothing is copied.
// The JSON shapes of docs/trace-format.md are produced from these by traceJson.ts.

// The cell kinds are the keys of the cell table (cells.ts): a new kind is one entry there.
import type { CellKind } from './cells';
import type { NamedTensor } from './framework';
import type { FileLayout } from './spec/files';
import type { StackSpec } from './stackTrace';

export type { CellKind };
export { CELL_KINDS } from './cells';

export type LossSpec =
  | { kind: 'sum' }
  // target: (H)
  | { kind: 'mse'; target: Float64Array };

/** A position in the spec file. line and column are 1-based, offset/length are in UTF-16 units. */
export interface SourceRange {
  offset: number;
  length: number;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** One problem found in a spec file: `path` is the JSON path (`weights.W_f[1]`). */
export interface SpecIssue {
  severity: 'error' | 'warning';
  path: string;
  message: string;
  range: SourceRange;
}

/**
 * A validated spec. Parameter names are the textbook ones, whatever the file used
 * (PyTorch tensors are mapped on parse):
 * - lstm:          W_f W_i W_c W_o (H, H+I), columns 0..H-1 act on h_{t-1}, H..H+I-1 on x_t;
 *                  b_f b_i b_c b_o (H)
 * - lstm_peephole: the lstm set plus p_f p_i p_o (H)
 * - gru:           W_ir W_iz W_in (H, I), W_hr W_hz W_hn (H, H), b_ir b_iz b_in b_hr b_hz b_hn (H)
 * - rnn:           W (H, H+I), b (H)
 */
export interface Spec {
  name?: string;
  cell: CellKind;
  inputSize: number;
  hiddenSize: number;
  /** number of time steps = number of input rows */
  T: number;
  params: Record<string, Float64Array>;
  // h0: (H)
  h0: Float64Array;
  // c0: (H), zeros for gru and rnn
  c0: Float64Array;
  // inputs: (T, I) row k is x_{k+1}
  inputs: Float64Array;
  /** one label per input row, when the file gives them */
  tokens?: string[];
  loss: LossSpec;
  /**
   * Present when the spec needs the stack engine (stackTrace.ts): numLayers > 1, bidirectional, a
   * loss of kind crossEntropy/given or with `at`/`on`, `samples`, or GRU resetAfter = false. The
   * fields above then describe what a single-layer view shows: layer 0's forward entry (params,
   * its row of h0/c0), the shown sample's inputs and T, and `loss` is only a placeholder (sum);
   * the real loss is in stack.samples.
   */
  stack?: StackSpec;
  /**
   * When the weights came with a framework's names (PyTorch names in `weights`, or a model file):
   * frameworkGrads are reported under them. `prefix` is the module's ("" for none), `headPrefix`
   * the head's ("fc"), `layout` maps PyTorch-layout gradients onto the file's own tensors.
   */
  framework?: {
    prefix: string; headPrefix?: string; layout?: FileLayout;
    /** the initial values in PyTorch's layout, unprefixed (weight_ih_l0 …): training needs bias_ih and bias_hh apart */
    tensors?: Record<string, Float64Array>;
  };
}

/**
 * The stack form of any spec, the one place a single-layer spec becomes a one-entry StackSpec
 * (one sample: its inputs and loss). Training (train.ts) runs on this.
 */
export function stackSpecOf(spec: Spec): StackSpec {
  if (spec.stack) return spec.stack;
  const loss: StackSpec['samples'][number]['loss'] = spec.loss.kind === 'mse' ? { kind: 'mse', target: spec.loss.target } : { kind: 'sum' };
  return {
    params: { cell: spec.cell, inputSize: spec.inputSize, hiddenSize: spec.hiddenSize, numLayers: 1, bidirectional: false, entries: [spec.params] },
    h0: spec.h0, c0: spec.c0,
    samples: [{ T: spec.T, inputs: spec.inputs, loss }],
    ...(spec.tokens ? { tokens: spec.tokens } : {}),
  };
}

/** The first place a NaN or ±Inf appeared, so it is reported instead of silently propagated. */
export interface NonFiniteReport {
  phase: 'forward' | 'backward';
  /** 1-based time step */
  t: number;
  field: string;
}

/**
 * The engine's result. Per-step fields are (T, H) (dL_dx is (T, I)), row k = step t = k+1.
 * Field names are those of docs/trace-format.md for the spec's cell (the cell table, cells.ts):
 * - lstm / lstm_peephole forward: a_f a_i a_g a_o f i g o c h
 * - gru forward: a_r a_z hn a_n r z n h
 * - rnn forward: a h
 */
export interface Trace {
  cell: CellKind;
  inputSize: number;
  hiddenSize: number;
  T: number;
  tokens?: string[];
  forward: Record<string, Float64Array>;
  loss: {
    kind: 'sum' | 'mse' | 'crossEntropy' | 'given';
    /** with samples: the mean over them */
    L: number;
    /** at: every: each step's loss, (T) */
    perStep?: Float64Array;
    /** crossEntropy: W_head y + b and its softmax, (C) or (T, C) with at: every */
    logits?: Float64Array;
    probs?: Float64Array;
    /** with more than one sample: each sample's loss */
    sampleLosses?: Float64Array;
    /** the display-only sequence's own loss, not part of L (docs/spec-format.md, "Samples") */
    displayL?: number;
  };
  backward: {
    /** dL_dh, dL_dc (lstm kinds), pre-activation deltas dL_da_*, dL_dhn (gru): (T, H); dL_dx: (T, I) */
    perStep: Record<string, Float64Array>;
    // dL_dh0: (H)
    dL_dh0: Float64Array;
    // dL_dc0: (H), lstm kinds only
    dL_dc0?: Float64Array;
    /** weight gradients by textbook name, same shapes as Spec.params, summed over steps */
    dL_dW: Record<string, Float64Array>;
    dL_db: Record<string, Float64Array>;
    /** peephole gradients p_f p_i p_o (H), lstm_peephole only */
    dL_dp?: Record<string, Float64Array>;
  };
  /**
   * The "gradient highway" figure along the gated path alone, (T, H):
   * lstm kinds: forgetProduct, row t = f_{t+1}*…*f_T (ones at t = T);
   * gru: zProduct, row t = z_{t+1}*…*z_T. Absent for rnn.
   */
  pathDecay?: { kind: 'cellPathDecay'; forgetProduct: Float64Array } | { kind: 'updateGatePathDecay'; zProduct: Float64Array };
  /** the ungated comparison RNN of docs/trace-format.md: h, dL_dh (T, H); dL_dh_norm (T) */
  vanillaRNN: { h: Float64Array; dL_dh: Float64Array; dL_dh_norm: Float64Array };
  nonFinite?: NonFiniteReport;
  /** weight gradients under the framework's names and layout (Spec.framework), e.g. encoder.lstm.weight_ih_l1 */
  frameworkGrads?: Record<string, NamedTensor>;
  /** numLayers > 1 or bidirectional: the whole stack, with a single-layer view of every entry (layers.ts) */
  stack?: StackInfo;
  /**
   * What the trace was computed from (copies, not the spec's arrays), so that a view showing this
   * trace never mixes it with a newer spec: h0, c0 (H) (zeros for gru and rnn), inputs (T, I)
   * row k = x_{k+1}. The labels are `tokens` above. Not part of the trace JSON.
   */
  source: { h0: Float64Array; c0: Float64Array; inputs: Float64Array };
}

/** One (layer, direction) of a stack as a single-layer Trace (its own input size, rows t = 1..T). */
export interface LayerTrace {
  layer: number;
  direction: 'forward' | 'reverse';
  /** "L1 →", "L2 ←" (1-based layer) */
  label: string;
  trace: Trace;
}

/** The stack part of a Trace (docs/trace-format.md, "Stacks"). D = 2 when bidirectional. */
export interface StackInfo {
  numLayers: number;
  bidirectional: boolean;
  /** gru only, when false (the reset-before-product variant) */
  resetAfter?: boolean;
  output: Float64Array; // (T, D·H) top layer's [h_t^fwd, h_t^rev]
  hN: Float64Array; // (L·D, H) PyTorch's h_n
  cN?: Float64Array; // (L·D, H) lstm kinds
  dL_doutput: Float64Array; // (T, D·H)
  dL_dx: Float64Array; // (T, I) summed over layer 0's directions
  dL_dh0: Float64Array; // (L·D, H)
  dL_dc0?: Float64Array; // (L·D, H) lstm kinds
  /** PyTorch order: l0 fwd, l0 rev, l1 fwd, … */
  layers: LayerTrace[];
  /** where the first NaN/±Inf appeared in the stack */
  nonFinite?: NonFiniteReport & { layer: number; direction: 'forward' | 'reverse' };
}

/** A row view: step t (1-based) of a (T, width) field, without copying. */
export function stepRow(
  field: Float64Array, // (T, width)
  width: number, t: number,
): Float64Array { // (width)
  return field.subarray((t - 1) * width, t * width);
}
