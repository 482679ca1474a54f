// Moving a Trace between threads without forcing its lazy fields. computeTrace keeps the gate
// activations (f i g o, r z n) and the path product as lazy getters over the stored
// pre-activations; a structured clone would call every getter and copy ~20 MB more for
// (512, 256, 1000). packTrace drops the getters (naming them) and lists the stored buffers for
// a transfer list; unpackTrace re-attaches the same getters on the receiving side, computed
// from the same pre-activations with the same kernels, so every number is identical.

import { sigmoidArray, tanhArray } from './kernels';
import { forgetProduct } from './pathDecay';
import { FORWARD_FIELDS, defineLazy } from './trace';
import type { Trace } from './types';

type Activation = (out: Float64Array, inp: Float64Array, n: number) => void;

/** Each lazy gate: the pre-activation it is computed from, and how. */
const LAZY_GATES: Record<string, { preact: string; activation: Activation }> = {
  f: { preact: 'a_f', activation: sigmoidArray },
  i: { preact: 'a_i', activation: sigmoidArray },
  g: { preact: 'a_g', activation: tanhArray },
  o: { preact: 'a_o', activation: sigmoidArray },
  r: { preact: 'a_r', activation: sigmoidArray },
  z: { preact: 'a_z', activation: sigmoidArray },
  n: { preact: 'a_n', activation: tanhArray },
};

/** A Trace without its lazy fields, safe to structured-clone; `lazyForward` / `lazyPathDecay` name what was left out. */
export interface PackedTrace {
  trace: Trace;
  lazyForward: string[];
  lazyPathDecay: boolean;
}

/** Own data properties only (accessors skipped), so reading never forces a lazy field. */
function storedFields<V>(record: object): { stored: Record<string, V>; accessors: string[] } {
  const stored: Record<string, V> = {};
  const accessors: string[] = [];
  for (const [name, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(record))) {
    if ('value' in descriptor) stored[name] = descriptor.value as V;
    else accessors.push(name);
  }
  return { stored, accessors };
}

/** Every distinct ArrayBuffer under `value`, walking data properties only (a transfer list must not repeat one). */
export function storedBuffers(value: unknown, into: Set<ArrayBuffer> = new Set()): ArrayBuffer[] {
  if (ArrayBuffer.isView(value)) {
    into.add(value.buffer as ArrayBuffer);
  } else if (value && typeof value === 'object') {
    for (const descriptor of Object.values(Object.getOwnPropertyDescriptors(value))) {
      if ('value' in descriptor) storedBuffers(descriptor.value, into);
    }
  }
  return [...into];
}

/** The trace with its unforced lazy fields left out, and the buffers to transfer. The trace itself is not changed. */
export function packTrace(trace: Trace): { plain: PackedTrace; buffers: ArrayBuffer[] } {
  const forward = storedFields<Float64Array>(trace.forward);
  for (const name of forward.accessors) {
    // an accessor we cannot rebuild is read (and copied) rather than lost
    if (!LAZY_GATES[name]) forward.stored[name] = trace.forward[name];
  }
  const lazyForward = forward.accessors.filter(name => LAZY_GATES[name]);
  let pathDecay = trace.pathDecay;
  let lazyPathDecay = false;
  if (pathDecay) {
    const decay = storedFields<unknown>(pathDecay);
    if (decay.accessors.length > 0) {
      lazyPathDecay = true;
      pathDecay = decay.stored as unknown as Trace['pathDecay'];
    }
  }
  const plain: PackedTrace = { trace: { ...trace, forward: forward.stored, pathDecay }, lazyForward, lazyPathDecay };
  if (!pathDecay) delete plain.trace.pathDecay;
  return { plain, buffers: storedBuffers(plain) };
}

/** The Trace back, its lazy fields re-attached (same order of fields as computeTrace). */
export function unpackTrace(packed: PackedTrace): Trace {
  const source = packed.trace;
  const lazy = new Set(packed.lazyForward);
  const forward = {} as Record<string, Float64Array>;
  const order = [...FORWARD_FIELDS[source.cell], ...Object.keys(source.forward)];
  for (const name of new Set(order)) {
    if (lazy.has(name)) {
      const { preact, activation } = LAZY_GATES[name];
      const input = source.forward[preact]; // (T, H)
      defineLazy(forward, name, () => {
        const out = new Float64Array(input.length); // (T, H)
        activation(out, input, input.length);
        return out;
      });
    } else if (name in source.forward) {
      forward[name] = source.forward[name];
    }
  }
  const trace: Trace = { ...source, forward };
  if (packed.lazyPathDecay && source.pathDecay) {
    const kind = source.pathDecay.kind;
    const decay = { kind } as Record<string, unknown>;
    const [productName, gate] = kind === 'cellPathDecay' ? ['forgetProduct', 'f'] : ['zProduct', 'z'];
    defineLazy(decay, productName, () => forgetProduct(forward[gate], source.T, source.hiddenSize));
    trace.pathDecay = decay as unknown as Trace['pathDecay'];
  }
  return trace;
}
