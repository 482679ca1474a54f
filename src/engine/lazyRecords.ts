// The trace's records with lazy fields (lazyFields.ts): the forward record, whose gate
// activations (f i g o, r z n: the cell table's gates, cells.ts) are computed from their stored
// pre-activations with the kernel the forward pass used, and the path-decay record, whose product
// (forgetProduct, zProduct) is computed from the gate. computeTrace builds them for a single
// layer, computeStackSpecTrace for every layer view of a stack, and traceTransfer.ts rebuilds
// them on the receiving side of a worker. Pure: no I/O.

import { ACTIVATIONS, type CellInfo } from './cells';
import { defineLazy, fieldRange, knownRange } from './lazyFields';
import { forgetProduct } from './pathDecay';
import type { Trace } from './types';

/**
 * The forward record in JSON order from the stored fields (`stored(name)`), with the cell's gates
 * as lazy getters over their stored pre-activations (only those in `lazy`, when given; the others
 * are read from `stored` too). Shared with traceTransfer.ts, which rebuilds the same getters on
 * the receiving side of a worker.
 */
export function lazyForward(
  cell: CellInfo, stored: (name: string) => Float64Array | undefined, lazy?: ReadonlySet<string>,
): Record<string, Float64Array> {
  const forward = {} as Record<string, Float64Array>;
  for (const name of cell.forward) {
    const gate = cell.gates.find(g => g.name === name);
    if (gate && (!lazy || lazy.has(name))) {
      // name = fn(preact), elementwise with the kernel the forward pass used (cells.ts ACTIVATIONS)
      const source = stored(gate.preact)!; // (T, H)
      const activation = ACTIVATIONS[gate.fn].array;
      defineLazy(forward, name, {
        whole: () => {
          const out = new Float64Array(source.length); // (T, H)
          activation(out, source, source.length);
          return out;
        },
        fill: (out, from, to) => activation(out, source.subarray(from, to), to - from),
      });
    } else {
      const value = stored(name);
      if (value) forward[name] = value;
    }
  }
  return forward;
}

/** How many later rows a path product's row looks for among those at hand before multiplying from row T. */
const KNOWN_ROWS_SCANNED = 4;

/**
 * The path-decay record with its product as a lazy field over forward[gate] (f or z): row t is
 * gate_{t+1}·…·gate_T (pathDecay.ts). A range of row t alone multiplies the gate's rows T..t+1 in
 * the order forgetProduct does, reading them as ranges too, so no (T, H) field is computed; from
 * a later row already at hand when there is one (stepping backward: one row's work per step).
 */
export function lazyPathDecay(
  cell: CellInfo,
  forward: Record<string, Float64Array>, // fields of (T, H)
  T: number, H: number,
): NonNullable<Trace['pathDecay']> {
  const info = cell.pathDecay!;
  const decay = { kind: info.kind } as Record<string, unknown>;
  defineLazy(decay, info.product, {
    whole: () => forgetProduct(forward[info.gate], T, H),
    fill: (out, from, to) => {
      const row = Math.floor(from / H), n = to - from, unit = from - row * H;
      // start from the nearest later row at hand (the step the backward cursor just left), else
      // from the ones of row T: product[t] = product[t+1]·gate[t+1] from there on, in that order
      let start = T - 1;
      for (let known = row + 1; known < Math.min(T - 1, row + 1 + KNOWN_ROWS_SCANNED); known++) {
        if (knownRange(decay, info.product, known * H + unit, known * H + unit + n, out)) { start = known; break; }
      }
      if (start === T - 1) out.fill(1, 0, n);
      const gate = new Float64Array(n); // (n) one row's range of the gate
      for (let next = start; next > row; next--) {
        fieldRange(forward, info.gate, next * H + unit, next * H + unit + n, gate);
        for (let k = 0; k < n; k++) out[k] = out[k] * gate[k];
      }
    },
  });
  return decay as unknown as NonNullable<Trace['pathDecay']>;
}
