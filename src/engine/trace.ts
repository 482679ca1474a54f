// computeTrace: the whole forward pass and BPTT for a validated Spec, as the Trace of types.ts
// (docs/trace-format.md). It runs the cell's forward/backward pair through the cell table
// (cells.ts), names its buffers as the table says, adds the loss, the path-decay figure and the
// vanilla-RNN comparison, keeps the inputs it was computed from (trace.source), and reports the
// first non-finite value.
// Memory: per-step fields are subarrays of the cells' gate-major buffers. Fields that are a
// cheap function of stored ones (the gate activations f i g o / r z n, and the path products)
// are lazy fields (lazyFields.ts, lazyRecords.ts): computed on read, cached only weakly, and
// readable a row at a time without the whole field, so the retained trace of (512, 256, 1000)
// stays under 80 MB whatever the views have read; every read gives exactly the numbers the
// forward pass used. No I/O here.

import { CELLS, type CellInfo } from './cells';
import { firstNonFinite } from './kernels';
import { lazyForward, lazyPathDecay } from './lazyRecords';
import { computeStackSpecTrace, namedGrads } from './stackView';
import type { LossSpec, NonFiniteReport, Spec, Trace } from './types';

/** Forward field names per cell, in trace JSON order (the cell table's, cells.ts). */
export const FORWARD_FIELDS: Record<Spec['cell'], readonly string[]> = Object.fromEntries(
  Object.values(CELLS).map(cell => [cell.kind, cell.forward]),
) as Record<Spec['cell'], readonly string[]>;
/** Per-step backward fields (all (T, H) except dL_dx (T, I)), from the cell table. */
export const BACKWARD_STEP_FIELDS: Record<Spec['cell'], readonly string[]> = Object.fromEntries(
  Object.values(CELLS).map(cell => [cell.kind, cell.backwardStep]),
) as Record<Spec['cell'], readonly string[]>;

/**
 * The trace of a spec. A spec with `stack` (numLayers > 1, bidirectional, the losses of
 * crossEntropy/given/at/on, samples, GRU resetAfter = false) goes through the stack engine
 * (stackView.ts); a single layer with a sum or mse loss takes the single-layer path below.
 */
export function computeTrace(spec: Spec): Trace {
  if (spec.stack) return computeStackSpecTrace(spec);
  const cell = CELLS[spec.cell];
  if (!cell) throw new Error(`unknown cell kind ${String(spec.cell)}`);
  const { hiddenSize: H, inputSize: I, T } = spec;
  const run = cell.run(spec, hT => lossAndGradient(spec.loss, hT, 0, H));
  const forward = forwardRecord(cell, run.preact, run.states, T, H);
  const perStep: Record<string, Float64Array> = {};
  for (const field of cell.backwardStep) {
    const slot = cell.preactSlots.indexOf(field.slice('dL_d'.length));
    perStep[field] = field === 'dL_dx' ? run.dx : slot >= 0 ? slotView(run.dPreact, slot, T, H) : run.stateGradients[field];
  }
  const groups: Record<'dL_dW' | 'dL_db' | 'dL_dp', Record<string, Float64Array>> = { dL_dW: {}, dL_db: {}, dL_dp: {} };
  for (const parameter of cell.parameters) groups[parameter.group][parameter.name] = run.parameterGradients[parameter.name];
  const hasPeepholes = Object.keys(groups.dL_dp).length > 0;
  const trace: Trace = {
    cell: spec.cell, inputSize: I, hiddenSize: H, T,
    forward,
    loss: { kind: spec.loss.kind, L: run.L },
    backward: {
      perStep, dL_dh0: run.dh0, ...(cell.hasCellState && run.dc0 ? { dL_dc0: run.dc0 } : {}),
      dL_dW: groups.dL_dW, dL_db: groups.dL_db, ...(hasPeepholes ? { dL_dp: groups.dL_dp } : {}),
    },
    vanillaRNN: run.vanillaRNN,
    // copies, so the trace stays what it was computed from whatever happens to the spec
    source: { h0: spec.h0.slice(), c0: spec.c0.slice(), inputs: spec.inputs.slice() },
  };
  if (cell.pathDecay) trace.pathDecay = lazyPathDecay(cell, forward, T, H);
  if (spec.tokens) trace.tokens = spec.tokens;
  if (spec.framework) {
    const config = { cell: spec.cell, inputSize: I, hiddenSize: H, numLayers: 1, bidirectional: false };
    trace.frameworkGrads = namedGrads(config, [{ dL_dW: groups.dL_dW, dL_db: groups.dL_db, ...(hasPeepholes ? { dL_dp: groups.dL_dp } : {}) }], spec.framework);
  }
  const nonFinite = findNonFinite(trace, cell);
  if (nonFinite) trace.nonFinite = nonFinite;
  return trace;
}

/** L and dL/dh_T for the spec's loss. */
export function lossAndGradient(
  loss: LossSpec,
  hT: Float64Array, hTOff: number, // h_T: (H)
  H: number,
): { L: number; dhT: Float64Array } {
  const dhT = new Float64Array(H); // (H)
  let L = 0;
  for (let k = 0; k < H; k++) {
    const v = hT[hTOff + k];
    if (loss.kind === 'sum') {
      L += v;
      dhT[k] = 1;
    } else {
      const diff = v - loss.target[k];
      L += 0.5 * diff * diff;
      dhT[k] = diff;
    }
  }
  return { L, dhT };
}

/** (T, H) view of slot `slot` of a gate-major (slots, T, H) buffer. */
function slotView(
  buffer: Float64Array, // (slots, T, H)
  slot: number, T: number, H: number,
): Float64Array {
  return buffer.subarray(slot * T * H, (slot + 1) * T * H);
}

/**
 * The forward record of a cell in JSON order: the pre-activation slots of the gate-major buffer
 * (slots, T, H) as views, each gate's activation as a lazy field computed from its slot with the
 * kernel the forward pass used, and the states. Built in its own function so that the lazy
 * getters close over these views only, not over the cell's cache (whose activation buffers must
 * be freed when computeTrace returns).
 */
export function forwardRecord(
  cell: CellInfo,
  preact: Float64Array, // (slots, T, H)
  states: Record<string, Float64Array>, // c, h, …: each (T, H)
  T: number, H: number,
): Record<string, Float64Array> {
  const views: Record<string, Float64Array> = {};
  cell.preactSlots.forEach((name, slot) => {
    views[name] = slotView(preact, slot, T, H);
  });
  return lazyForward(cell, name => views[name] ?? states[name]);
}

/**
 * The first NaN/±Inf in the order the cursor meets values: forward t = 1..T (fields in the
 * given order), then backward t = T..1, then the summed gradients (reported at t = 1).
 */
function findNonFinite(trace: Trace, cell: CellInfo): NonFiniteReport | undefined {
  const { T, hiddenSize: H, inputSize: I } = trace;
  for (let t = 1; t <= T; t++) {
    for (const field of cell.nonFiniteFields) {
      if (firstNonFinite(trace.forward[field], (t - 1) * H, t * H) >= 0) return { phase: 'forward', t, field };
    }
  }
  if (!Number.isFinite(trace.loss.L)) return { phase: 'backward', t: Math.max(T, 1), field: 'loss' };
  const perStep = trace.backward.perStep;
  for (let t = T; t >= 1; t--) {
    for (const field of cell.backwardStep) {
      const width = field === 'dL_dx' ? I : H;
      if (firstNonFinite(perStep[field], (t - 1) * width, t * width) >= 0) return { phase: 'backward', t, field };
    }
  }
  const { dL_dh0, dL_dc0, dL_dW, dL_db, dL_dp } = trace.backward;
  const summed: [string, Float64Array | undefined][] = [['dL_dh0', dL_dh0], ['dL_dc0', dL_dc0]];
  for (const [name, value] of Object.entries(dL_dW)) summed.push([`dL_dW.${name}`, value]);
  for (const [name, value] of Object.entries(dL_db)) summed.push([`dL_db.${name}`, value]);
  for (const [name, value] of Object.entries(dL_dp ?? {})) summed.push([`dL_dp.${name}`, value]);
  for (const [field, value] of summed) {
    if (value && firstNonFinite(value, 0, value.length) >= 0) return { phase: 'backward', t: 1, field };
  }
  return undefined;
}
