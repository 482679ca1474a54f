// What the debugger shows at a position of the trace (docs/debug-adapter.md): positions are the
// stepper's cursor (forward t = 0..T, backward t = T..1, as a linear index 0..2T) refined by the
// equation inside the step that Step Into reached; the values known there, grouped into the
// scopes Gates, States, Gradients and Parameters; and the evaluate language's environment over
// them. Pure: no DAP and no VS Code, so the adapter and the tests share it. Every value is a view
// (subarray) into the trace or the spec's parameters, so H = 512 costs nothing; a lazy gate's or
// the path product's row is computed for the step alone (engine/lazyFields.ts), H numbers.

import { CELLS, type CellInfo } from '../engine/cells';
import { fieldRange } from '../engine/lazyFields';
import type { Spec, Trace } from '../engine/types';
import { cursorAt, lastIndex, type Cursor } from '../runtime/cursor';
import { matrix, vector, type Environment, type Value } from './expression';

/**
 * A position: the cursor's linear index, and inside that step the index of the last equation
 * computed so far (CellInfo.microSteps), or undefined when the whole step is done.
 */
export interface Position {
  readonly index: number;
  readonly micro?: number;
}

export type ScopeName = 'Gates' | 'States' | 'Gradients' | 'Parameters';
export const SCOPES: readonly ScopeName[] = ['Gates', 'States', 'Gradients', 'Parameters'];

/** One value shown: its name in the evaluate language, its label in the Variables view, its scope. */
export interface Shown {
  readonly name: string;
  readonly label: string;
  readonly scope: ScopeName;
  readonly value: Value;
}

/** The trace and the parameters it was computed with (a stale trace keeps its own parameters). */
export interface Computed {
  readonly trace: Trace;
  readonly params: Spec['params'];
}

export function cellOf(trace: Trace): CellInfo { return CELLS[trace.cell]; }

/** The equations of the step at `index` (none at index 0, the initial state). */
export function equationsAt(trace: Trace, index: number): readonly string[] {
  if (index <= 0) return [];
  const cell = cellOf(trace);
  return index <= trace.T ? cell.microSteps.forward : cell.microSteps.backward;
}

export function cursorOf(position: Position, T: number): Cursor { return cursorAt(position.index, T); }

/** `t=3 "is" (forward) · a_f`: the stack frame's name. */
export function positionName(trace: Trace, position: Position): string {
  const cursor = cursorOf(position, trace.T);
  const token = cursor.t >= 1 ? trace.tokens?.[cursor.t - 1] : undefined;
  const equations = equationsAt(trace, position.index);
  const micro = position.micro !== undefined ? ` · ${equations[position.micro]}` : '';
  return `t=${cursor.t}${token !== undefined ? ` ${JSON.stringify(token)}` : ''} (${cursor.phase})${micro}`;
}

/** The positions of the stack: the current one on top, then the earlier (completed) positions of its phase. */
export function stackOf(position: Position, T: number): Position[] {
  const frames: Position[] = [position];
  const firstOfPhase = position.index <= T ? 0 : T + 1;
  for (let index = position.index - 1; index >= firstOfPhase; index--) frames.push({ index });
  return frames;
}

/** The number of frames stackOf returns, without building them. */
export function stackDepth(position: Position, T: number): number {
  return position.index - (position.index <= T ? 0 : T + 1) + 1;
}

const row = (field: Float64Array, width: number, t: number) => vector(field.subarray((t - 1) * width, t * width));

/**
 * Everything known at `position`, in display order. Inside a step only the equations computed so
 * far (and the step's inputs) appear; the gradients appear in the backward phase; the summed
 * parameter gradients once BPTT has reached t = 1.
 */
export function valuesAt({ trace, params }: Computed, position: Position): Shown[] {
  const cell = cellOf(trace);
  const H = trace.hiddenSize, I = trace.inputSize, T = trace.T;
  const cursor = cursorOf(position, T);
  const t = cursor.t;
  const out: Shown[] = [];
  const push = (name: string, scope: ScopeName, value: Value, label = name) => out.push({ name, label, scope, value });
  const gateNames = new Set<string>([...cell.gates.flatMap(g => [g.name, g.preact]), ...cell.preactSlots]);
  const scopeOfField = (name: string): ScopeName => (gateNames.has(name) ? 'Gates' : 'States');

  if (t === 0) {
    push('h', 'States', vector(trace.source.h0));
    if (cell.hasCellState) push('c', 'States', vector(trace.source.c0));
  } else {
    const x = row(trace.source.inputs, I, t);
    const hPrev = t === 1 ? vector(trace.source.h0) : row(trace.forward.h, H, t - 1);
    const cPrev = cell.hasCellState ? (t === 1 ? vector(trace.source.c0) : row(trace.forward.c, H, t - 1)) : undefined;
    push('x', 'States', x);
    push('h_prev', 'States', hPrev);
    if (cPrev) push('c_prev', 'States', cPrev);
    const forward = cell.microSteps.forward;
    const forwardDone = cursor.phase === 'backward' || position.micro === undefined ? forward.length - 1 : position.micro;
    const gates: Shown[] = [];
    for (let k = 0; k <= forwardDone; k++) {
      const name = forward[k];
      // `in`, not a read: the GRU's z is a lazy gate field (a read would compute all of it)
      if (name === 'z' && !('z' in trace.forward)) {
        const z = new Float64Array(H + I); // z: (H+I) = [h_{t-1}, x_t]
        z.set(hPrev.data, 0);
        z.set(x.data, H);
        push('z', 'States', vector(z));
        continue;
      }
      // the step's row only: a lazy gate is computed for this row, not as a whole (T, H) field
      const values = fieldRange(trace.forward, name, (t - 1) * H, t * H);
      if (!values) continue;
      const shown: Shown = { name, label: name, scope: scopeOfField(name), value: vector(values) };
      if (shown.scope === 'Gates') gates.push(shown); else out.push(shown);
    }
    out.unshift(...gates);
    if (cursor.phase === 'backward') {
      const backward = cell.microSteps.backward;
      const backwardDone = position.micro === undefined ? backward.length - 1 : position.micro;
      for (let k = 0; k <= backwardDone; k++) {
        const name = backward[k];
        const field = trace.backward.perStep[name];
        if (field) push(name, 'Gradients', row(field, name === 'dL_dx' ? I : H, t));
      }
      if (position.micro === undefined && trace.pathDecay && cell.pathDecay) {
        const product = fieldRange(trace.pathDecay, cell.pathDecay.product, (t - 1) * H, t * H);
        if (product) push(cell.pathDecay.product, 'Gradients', vector(product), cell.pathDecay.label);
      }
    }
  }
  if (position.index >= T && position.micro === undefined || position.index > T) push('L', 'Gradients', trace.loss.L);
  const complete = position.index === lastIndex(T) && position.micro === undefined;
  if (complete) {
    push('dL_dh0', 'Gradients', vector(trace.backward.dL_dh0));
    if (trace.backward.dL_dc0) push('dL_dc0', 'Gradients', vector(trace.backward.dL_dc0));
  }
  for (const parameter of cell.parameters) {
    const value = params[parameter.name];
    if (!value) continue;
    const shape = parameter.shape(H, I);
    push(parameter.name, 'Parameters', shape.length === 2 ? matrix(shape[0], shape[1], value) : vector(value));
  }
  if (complete) {
    for (const parameter of cell.parameters) {
      const gradient = trace.backward[parameter.group]?.[parameter.name];
      if (!gradient) continue;
      const shape = parameter.shape(H, I);
      const name = `${parameter.group}_${parameter.name}`;
      push(name, 'Parameters', shape.length === 2 ? matrix(shape[0], shape[1], gradient) : vector(gradient));
    }
  }
  return out;
}

/** Every name the language may know for this cell, for "not computed yet" rather than "unknown". */
function knownLater(cell: CellInfo): string[] {
  return ['x', 'h_prev', 'c_prev', 'z', 'h', 'c', 'L', 'dL_dh0', 'dL_dc0', ...cell.forward, ...cell.backwardStep,
    ...(cell.pathDecay ? [cell.pathDecay.product] : []), ...cell.parameters.map(p => `${p.group}_${p.name}`)];
}

/** The evaluate language's names at `position`: the values shown, `t`, and `T`. */
export function environmentAt(computed: Computed, position: Position, shown = valuesAt(computed, position)): Environment {
  const byName = new Map<string, Value>(shown.map(s => [s.name, s.value]));
  const cursor = cursorOf(position, computed.trace.T);
  byName.set('t', cursor.t);
  byName.set('T', computed.trace.T);
  const later = new Set(knownLater(cellOf(computed.trace)));
  const where = positionName(computed.trace, position);
  return {
    lookup: name => {
      const value = byName.get(name);
      if (value !== undefined) return value;
      if (later.has(name)) return `${name} is not computed yet at ${where}`;
      return undefined;
    },
    names: () => [...byName.keys()],
  };
}
