// The stepping cursor: where the user is in the trace. The forward phase walks t = 0..T
// (t = 0 is the initial state, nothing computed yet), then the backward phase walks t = T..1 as
// the gradients flow back. Pure functions over a linear index 0..2T so Step/Step Back are exact.
// No vscode import: unit tested on plain node.

export type Phase = 'forward' | 'backward';

export interface Cursor {
  phase: Phase;
  /** forward: 0..T; backward: T..1 */
  t: number;
}

export const START: Cursor = { phase: 'forward', t: 0 };

/** Linear position: forward t -> t, backward t -> 2T + 1 - t (backward T = T + 1, backward 1 = 2T). */
export function cursorIndex(cursor: Cursor, T: number): number {
  return cursor.phase === 'forward' ? cursor.t : 2 * T + 1 - cursor.t;
}

export function cursorAt(index: number, T: number): Cursor {
  const clamped = Math.max(0, Math.min(2 * T, Math.round(index)));
  return clamped <= T ? { phase: 'forward', t: clamped } : { phase: 'backward', t: 2 * T + 1 - clamped };
}

export const lastIndex = (T: number): number => 2 * T;

/** Keeps phase and t when the trace changes length, clamping t into the new range. */
export function clampCursor(cursor: Cursor, T: number): Cursor {
  if (cursor.phase === 'forward') return { phase: 'forward', t: Math.max(0, Math.min(T, cursor.t)) };
  return { phase: 'backward', t: Math.max(1, Math.min(T, cursor.t)) };
}

export function sameCursor(a: Cursor, b: Cursor): boolean {
  return a.phase === b.phase && a.t === b.t;
}

export function describeCursor(cursor: Cursor, T: number): string {
  return `t=${cursor.t}/${T} ${cursor.phase}`;
}
