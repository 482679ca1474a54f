// Moving a Trace between threads without forcing its lazy fields. computeTrace keeps the gate
// activations (f i g o, r z n) and the path product as lazy getters over the stored
// pre-activations; a structured clone would call every getter and copy ~20 MB more for
// (512, 256, 1000). packTrace drops the getters (naming them) and lists the stored buffers for
// a transfer list; unpackTrace re-attaches the same getters on the receiving side, computed
// from the same pre-activations with the same kernels, so every number is identical.

import { CELLS } from './cells';
import { lazyForward as rebuildForward, lazyPathDecay as rebuildPathDecay } from './trace';
import type { Trace } from './types';

/** The cell's lazy forward fields (its gates, from the cell table). */
function lazyGateNames(cell: Trace['cell']): Set<string> {
  return new Set(CELLS[cell].gates.map(gate => gate.name));
}

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
  const rebuildable = lazyGateNames(trace.cell);
  for (const name of forward.accessors) {
    // an accessor we cannot rebuild is read (and copied) rather than lost
    if (!rebuildable.has(name)) forward.stored[name] = trace.forward[name];
  }
  const lazyForward = forward.accessors.filter(name => rebuildable.has(name));
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
  const cell = CELLS[source.cell];
  const lazy = new Set(packed.lazyForward);
  // the gates packTrace left out are rebuilt by the same code computeTrace uses; a gate that was
  // forced before packing arrives stored and stays stored; fields the table does not name follow
  const forward = rebuildForward(cell, name => source.forward[name], lazy);
  for (const [name, value] of Object.entries(source.forward)) if (!(name in forward)) forward[name] = value;
  const trace: Trace = { ...source, forward };
  if (packed.lazyPathDecay && source.pathDecay) trace.pathDecay = rebuildPathDecay(cell, forward, source.T, source.hiddenSize);
  return trace;
}
