// The shapes a spec's `weights` must have, from the cell table (cells.ts): textbook parameters
// (H, H+I) matrices and (H) vectors, and PyTorch's stacked tensors, with the names of the sizes
// they come from for messages ("4·hiddenSize"). Also the parameter count validation limits.

import { CELLS } from '../cells';
import type { CellKind } from '../types';

export type Shape = { kind: 'matrix'; rows: number; cols: number } | { kind: 'vector'; length: number; role: string };

/** The textbook parameter names of each cell with their shapes, in canonical order. */
export function textbookParameterShapes(cell: CellKind, H: number, I: number): Record<string, Shape> {
  const shapes: Record<string, Shape> = {};
  for (const parameter of CELLS[cell].parameters) {
    const shape = parameter.shape(H, I);
    shapes[parameter.name] = shape.length === 2
      ? { kind: 'matrix', rows: shape[0], cols: shape[1] }
      : { kind: 'vector', length: shape[0], role: 'hiddenSize' };
  }
  return shapes;
}

/** Number of weight entries (matrices, biases, peepholes) of a cell. */
export function parameterCount(cell: CellKind, H: number, I: number): number {
  let count = 0;
  for (const parameter of CELLS[cell].parameters) count += parameter.shape(H, I).reduce((a, b) => a * b, 1);
  return count;
}
