// Moving a Trace between threads without forcing its lazy fields. computeTrace keeps the gate
// activations (f i g o, r z n) and the path product as lazy fields over the stored
// pre-activations (lazyFields.ts, lazyRecords.ts), in a single layer and in every layer view of
// a stack; a structured clone would call every getter and copy ~20 MB more per layer for
// (512, 256, 1000), and they would arrive stored for good. packTrace drops the getters (naming
// them) and lists the stored buffers for a transfer list; unpackTrace re-attaches the same lazy
// fields on the receiving side, computed from the same pre-activations with the same kernels, so
// every number is identical. A record shared by two views (a stack's top level is its layer 0
// view) stays one shared record on the way and after.

import { CELLS, type CellInfo } from './cells';
import { lazyForward as rebuildForward, lazyPathDecay as rebuildPathDecay } from './lazyRecords';
import type { Trace } from './types';

/** What was left out of one view's records: its lazy forward fields, and whether its path product was lazy. */
export interface PackedView {
  lazyForward: string[];
  lazyPathDecay: boolean;
}

/** A Trace without its lazy fields, safe to structured-clone; `lazyForward` / `lazyPathDecay` (and `layers`, per layer view of a stack) name what was left out. */
export interface PackedTrace extends PackedView {
  trace: Trace;
  /** per layer view of trace.stack.layers, in its order */
  layers?: PackedView[];
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

/** One view (a single-layer trace, or a layer view of a stack) with its lazy fields left out; `packed` maps each record already packed to its packed copy. */
function packView(view: Trace, packed: Map<object, object>): { trace: Trace; lazy: PackedView } {
  const cell = CELLS[view.cell];
  const rebuildable = new Set(cell.gates.map(gate => gate.name));
  let forward = packed.get(view.forward) as Record<string, Float64Array> | undefined;
  if (!forward) {
    const fields = storedFields<Float64Array>(view.forward);
    // an accessor we cannot rebuild is read (and copied) rather than lost
    for (const name of fields.accessors) if (!rebuildable.has(name)) fields.stored[name] = view.forward[name];
    packed.set(view.forward, forward = fields.stored);
  }
  const lazyForward = cell.forward.filter(name => rebuildable.has(name) && name in view.forward && !(name in forward));
  let pathDecay = view.pathDecay;
  let lazyPathDecay = false;
  if (pathDecay) {
    const decay = storedFields<unknown>(pathDecay);
    if (decay.accessors.length > 0) {
      lazyPathDecay = true;
      pathDecay = (packed.get(pathDecay) ?? decay.stored) as unknown as Trace['pathDecay'];
      packed.set(view.pathDecay!, pathDecay!);
    }
  }
  const trace: Trace = { ...view, forward, pathDecay };
  if (!pathDecay) delete trace.pathDecay;
  return { trace, lazy: { lazyForward, lazyPathDecay } };
}

/** The trace with its unforced lazy fields left out, and the buffers to transfer. The trace itself is not changed. */
export function packTrace(trace: Trace): { plain: PackedTrace; buffers: ArrayBuffer[] } {
  const packed = new Map<object, object>();
  const top = packView(trace, packed);
  const plain: PackedTrace = { trace: top.trace, ...top.lazy };
  if (trace.stack) {
    const layers = trace.stack.layers.map(layer => ({ layer, view: packView(layer.trace, packed) }));
    plain.trace.stack = { ...trace.stack, layers: layers.map(({ layer, view }) => ({ ...layer, trace: view.trace })) };
    plain.layers = layers.map(({ view }) => view.lazy);
  }
  return { plain, buffers: storedBuffers(plain) };
}

/** One view back, its lazy fields re-attached (same order of fields as computeTrace); `rebuilt` maps each packed record already rebuilt to its rebuilt one. */
function unpackView(source: Trace, lazy: PackedView, rebuilt: Map<object, object>): Trace {
  const cell: CellInfo = CELLS[source.cell];
  let forward = rebuilt.get(source.forward) as Record<string, Float64Array> | undefined;
  if (!forward) {
    // the gates packTrace left out are rebuilt by the same code computeTrace uses; a gate that
    // was stored (assigned) arrives stored and stays stored; fields the table does not name follow
    forward = rebuildForward(cell, name => source.forward[name], new Set(lazy.lazyForward));
    for (const [name, value] of Object.entries(source.forward)) if (!(name in forward)) forward[name] = value;
    rebuilt.set(source.forward, forward);
  }
  const view: Trace = { ...source, forward };
  if (lazy.lazyPathDecay && source.pathDecay) {
    let decay = rebuilt.get(source.pathDecay) as Trace['pathDecay'];
    if (!decay) rebuilt.set(source.pathDecay, decay = rebuildPathDecay(cell, forward, source.T, source.hiddenSize));
    view.pathDecay = decay;
  }
  return view;
}

/** The Trace back, its lazy fields re-attached in every view, shared records shared again. */
export function unpackTrace(packed: PackedTrace): Trace {
  const rebuilt = new Map<object, object>();
  const trace = unpackView(packed.trace, packed, rebuilt);
  const stack = packed.trace.stack;
  if (stack) {
    trace.stack = {
      ...stack,
      layers: stack.layers.map((layer, k) => ({ ...layer, trace: unpackView(layer.trace, packed.layers?.[k] ?? { lazyForward: [], lazyPathDecay: false }, rebuilt) })),
    };
  }
  return trace;
}
