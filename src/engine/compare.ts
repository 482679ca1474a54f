// "LSTM: Compare Cells" (docs/analytics.md, "Compare cells"): the spec's inputs, initial state
// and loss run through an lstm, a gru and an rnn of the same hidden size, so their states and
// their gradient decay can be overlaid. The spec's own cell keeps the spec's weights; every other
// cell gets the weights the `init` rule of docs/spec-format.md#random-weights-init draws for it
// with the spec's own `init` options (the defaults seed 0, scale 0.1, forgetBias 0 when the spec
// gives explicit weights). A stack (numLayers > 1, bidirectional) is compared as a whole: each
// entry e draws from seed + e as the spec parser does, and the summaries are layer 0's forward
// entry (the view a single-layer spec shows). Also the seeds' idealised constant-factor curves
// w^k (docs/analytics.md, "Idealised decay"). Pure: no I/O.

import { CELLS, type CellKind } from './cells';
import { initWeights, type InitOptions } from './init';
import { layerInputSize } from './stack';
import { computeTrace } from './trace';
import type { Spec, Trace } from './types';
import { rowMeans, rowNorms } from './kernels';

/** The cells every comparison runs, in drawing order; a spec of another kind (lstm_peephole) adds its own first. */
export const COMPARED_CELLS: readonly CellKind[] = ['lstm', 'gru', 'rnn'];

/** init's defaults (docs/spec-format.md#random-weights-init), for a spec that gives explicit weights. */
export const DEFAULT_INIT: InitOptions = { seed: 0, scale: 0.1, forgetBias: 0 };

/** One cell's run, summarised for the overlay (layer 0's forward entry of a stack). */
export interface CellSummary {
  cell: CellKind;
  /** true for the spec's own cell and weights */
  own: boolean;
  /** "lstm (the spec's weights)", "gru (init seed 0, scale 0.1)" */
  label: string;
  T: number;
  H: number;
  /** the spec's loss on this cell's output (the mean over samples) */
  L: number;
  // h: (T, H) h_t of every unit, row k = step k+1
  h: Float64Array;
  // dL_dh_norm: (T) ‖dL/dh_t‖ (the true BPTT gradient)
  dL_dh_norm: Float64Array;
  // pathDecayMean: (T) the mean over units of ∏f (lstm kinds) or ∏z (gru); absent for rnn
  pathDecayMean?: Float64Array;
  /** where the first NaN/±Inf appeared, e.g. "backward t=3 in dL_dh" */
  nonFinite?: string;
  trace: Trace;
}

export interface CellComparison {
  /** "layer 0 (forward) of 2 layers" for a stack, else '' */
  shown: string;
  init: InitOptions;
  cells: CellSummary[];
}

/**
 * The spec of `cell` that the comparison runs: the spec itself for its own cell, else the same
 * sizes, inputs, initial state and loss with the weights drawn by `init` (each stack entry e from
 * seed + e). GRU's resetAfter and framework names do not carry over to another cell.
 */
export function comparedSpec(spec: Spec, cell: CellKind, init: InitOptions): Spec {
  if (cell === spec.cell) return spec;
  const { hiddenSize: H, inputSize: I } = spec;
  const zeros = new Float64Array(H);
  const c0 = CELLS[cell].hasCellState ? spec.c0 : zeros;
  const single: Spec = {
    ...(spec.name !== undefined ? { name: spec.name } : {}),
    cell, inputSize: I, hiddenSize: H, T: spec.T,
    params: initWeights(cell, H, I, init),
    h0: spec.h0, c0, inputs: spec.inputs, loss: spec.loss,
    ...(spec.tokens ? { tokens: spec.tokens } : {}),
  };
  const stack = spec.stack;
  if (!stack) return single;
  const { numLayers, bidirectional } = stack.params;
  const D = bidirectional ? 2 : 1;
  const config = { cell, inputSize: stack.params.inputSize, hiddenSize: H, numLayers, bidirectional };
  const entries = Array.from({ length: numLayers * D }, (_, e) =>
    initWeights(cell, H, layerInputSize(config, Math.floor(e / D)), { ...init, seed: (init.seed + e) >>> 0 }));
  const stackC0 = CELLS[cell].hasCellState ? stack.c0 : new Float64Array(stack.c0.length);
  const { framework: _framework, ...rest } = stack;
  return { ...single, params: entries[0], stack: { ...rest, c0: stackC0, params: { ...config, entries } } };
}

function initLabel(init: InitOptions, cell: CellKind): string {
  const bias = CELLS[cell].forgetBiasParameter && init.forgetBias !== 0 ? `, forgetBias ${init.forgetBias}` : '';
  return `init seed ${init.seed}, scale ${init.scale}${bias}`;
}

/** The summary of one cell's trace (its top-level view: layer 0's forward entry of a stack). */
export function summarize(trace: Trace, own: boolean, label: string): CellSummary {
  const { T, hiddenSize: H, cell } = trace;
  const summary: CellSummary = {
    cell, own, label, T, H, L: trace.loss.L,
    h: trace.forward.h,
    dL_dh_norm: rowNorms(trace.backward.perStep.dL_dh, T, H),
    trace,
  };
  const decay = CELLS[cell].pathDecay;
  const product = decay && trace.pathDecay?.kind === decay.kind ? (trace.pathDecay as unknown as Record<string, Float64Array>)[decay.product] : undefined;
  if (product) summary.pathDecayMean = rowMeans(product, T, H);
  if (trace.nonFinite) summary.nonFinite = `${trace.nonFinite.phase} t=${trace.nonFinite.t} in ${trace.nonFinite.field}`;
  return summary;
}

/**
 * Runs every compared cell on the spec. `ownTrace`, when given, is the spec's trace already
 * computed (the session's), so the spec's own cell is not computed twice.
 */
export function compareCells(spec: Spec, init: InitOptions = DEFAULT_INIT, ownTrace?: Trace): CellComparison {
  const kinds = COMPARED_CELLS.includes(spec.cell) ? COMPARED_CELLS : [spec.cell, ...COMPARED_CELLS];
  const cells = kinds.map(cell => {
    const own = cell === spec.cell;
    const trace = own && ownTrace ? ownTrace : computeTrace(comparedSpec(spec, cell, init));
    return summarize(trace, own, own ? `${cell} (the spec's weights)` : `${cell} (${initLabel(init, cell)})`);
  });
  const stack = spec.stack?.params;
  const entries = stack ? stack.numLayers * (stack.bidirectional ? 2 : 1) : 1;
  const shown = stack && entries > 1
    ? `layer 1 → (the first of ${stack.numLayers} layer${stack.numLayers === 1 ? '' : 's'}${stack.bidirectional ? ', bidirectional' : ''})`
    : '';
  return { shown, init, cells };
}

/**
 * The seeds' idealised decay, (T): row t−1 is w^(T−t), the share of a gradient left after T − t
 * steps back when every step multiplies it by the same factor w (a vanilla RNN's W_hh = 0.5
 * without tanh'; a forget gate held at 0.95). w = 0.5 leaves 0.125 after 3 steps; 0.95 leaves
 * 0.95^99 ≈ 0.0062 after 99, where 0.5^99 ≈ 1.6e-30.
 */
export function constantFactorDecay(w: number, T: number): Float64Array {
  const out = new Float64Array(T); // (T)
  if (T === 0) return out;
  out[T - 1] = 1;
  for (let t = T - 2; t >= 0; t--) out[t] = out[t + 1] * w;
  return out;
}
