// The meaning of one entry of a weight or bias in a spec file: which gate, which unit (row), which
// input it multiplies (a column of h_{t-1} or of x_t), and where its value and dL/dW live in the
// Spec and Trace under their textbook names. PyTorch tensor names (weight_ih_l0, …) are mapped to
// the textbook ones as docs/spec-format.md says (gate order i, f, g, o; GRU r, z, n). Every fact
// used here (parameters, their sides and gates, PyTorch's block order) is the cell table's.

import { CELLS, type CellInfo } from '../engine/cells';
import type { CellKind } from '../engine/types';

export interface ParamEntryRole {
  /** textbook parameter name in Spec.params / Trace.backward.dL_dW|dL_db|dL_dp */
  param: string;
  /** which gradient record holds it */
  gradient: 'dL_dW' | 'dL_db' | 'dL_dp';
  /** flat index into the textbook array, when a single entry is meant */
  index?: number;
  /** "forget gate f", "reset gate r" */
  gate: string;
  /** unit (row of the textbook matrix) */
  unit?: number;
  /** what the column multiplies: "h_{t-1}[1]", "x_t[0]" */
  column?: string;
  /** for PyTorch biases: the other bias that adds to the same textbook bias */
  note?: string;
}

/** "forget gate f": the role of the gate a parameter belongs to (a state's, for a cell without gates). */
function gateRole(cell: CellInfo, gate: string): string {
  const found = cell.gates.find(g => g.name === gate);
  if (found) return found.role;
  const state = cell.states.find(s => s.name === gate);
  return state ? `${state.role} ${state.name}` : gate;
}

/** Columns of the textbook matrix: H+I for [h_{t-1}, x_t] matrices (h first, then x); H or I for one side. */
export function textbookColumns(cell: CellKind, param: string, H: number, I: number): number {
  const shape = CELLS[cell].parameters.find(p => p.name === param)?.shape(H, I);
  return shape && shape.length === 2 ? shape[1] : H + I;
}

/**
 * Role of `name[row][col]` (row/col omitted for a whole matrix or row) in a spec of `cell`, H, I.
 * Returns undefined for names that are not parameters of this cell.
 */
export function paramEntryRole(cell: CellKind, H: number, I: number, name: string, row?: number, col?: number): ParamEntryRole | undefined {
  const info = CELLS[cell];
  const parameter = info.parameters.find(p => p.name === name);
  if (parameter) {
    const role: ParamEntryRole = { param: name, gradient: parameter.group, gate: gateRole(info, parameter.gate) };
    const isMatrix = parameter.group === 'dL_dW';
    const shape = parameter.shape(H, I);
    const columns = shape.length === 2 ? shape[1] : 0;
    if (parameter.side === 'x') return withEntry(role, isMatrix, columns, -1, row, col, H, 'x');
    if (parameter.side === 'h') return withEntry(role, isMatrix, columns, H, row, col, H, 'h');
    return withEntry(role, isMatrix, columns, H, row, col, H);
  }
  // PyTorch names: rows are gate blocks of H in the cell table's PyTorch order (i, f, g, o; r, z, n)
  const layout = info.pytorch;
  let match: RegExpMatchArray | null;
  if (!layout || !(match = /^(weight|bias)_(ih|hh)_l0$/.exec(name))) return undefined;
  const [, kind, side] = match;
  const group = kind === 'weight' ? 'dL_dW' : 'dL_db';
  if (row === undefined) {
    return { param: name, gradient: group, gate: `all gates (${layout.blocks.join(', ')}) stacked, ${H} rows each` };
  }
  // an entry outside the tensor's shape (a spec with too many rows or columns) means nothing
  if (row < 0 || !Number.isInteger(row) || (col !== undefined && (col < 0 || !Number.isInteger(col) || col >= (side === 'ih' ? I : H)))) return undefined;
  const gate = layout.blocks[Math.floor(row / H)];
  if (gate === undefined) return undefined;
  const unit = row % H;
  // the textbook parameter this tensor's rows go into: its own side, or both sides ('hx')
  const ownSide = side === 'ih' ? 'x' : 'h';
  const target = info.parameters.find(p => p.group === group && p.gate === gate && (p.side === ownSide || p.side === 'hx'));
  if (!target) return undefined;
  const gateName = gateRole(info, gate);
  if (kind === 'bias') {
    const note = target.side === 'hx' ? `bias_ih_l0 and bias_hh_l0 are added into ${target.name}, so both have this gradient` : undefined;
    return { param: target.name, gradient: 'dL_db', index: unit, gate: gateName, unit, note };
  }
  const role: ParamEntryRole = { param: target.name, gradient: 'dL_dW', gate: gateName, unit };
  if (col === undefined) return role;
  role.column = side === 'hh' ? `h_{t-1}[${col}]` : `x_t[${col}]`;
  if (target.side === 'hx') role.index = unit * (H + I) + (side === 'hh' ? col : H + col);
  else role.index = unit * (side === 'ih' ? I : H) + col;
  return role;
}

/**
 * Fills unit/column/index for a textbook name. `hColumns` is how many leading columns act on h
 * (H for lstm/rnn, -1 for a GRU input-side matrix where every column is x); `rows` is H. Out of
 * shape entries give undefined.
 */
function withEntry(role: ParamEntryRole, isMatrix: boolean, columns: number, hColumns: number, row: number | undefined, col: number | undefined, rows: number, only?: 'x' | 'h'): ParamEntryRole | undefined {
  if (row === undefined) return role;
  // an entry outside the parameter's shape (a spec with too many rows or columns) means nothing
  if (row < 0 || row >= rows || !Number.isInteger(row)) return undefined;
  if (isMatrix && col !== undefined && (col < 0 || col >= columns || !Number.isInteger(col))) return undefined;
  role.unit = row;
  if (!isMatrix) { role.index = row; return role; }
  if (col === undefined) return role;
  role.index = row * columns + col;
  if (only === 'x') role.column = `x_t[${col}]`;
  else if (only === 'h') role.column = `h_{t-1}[${col}]`;
  else role.column = col < hColumns ? `h_{t-1}[${col}]` : `x_t[${col - hColumns}]`;
  return role;
}
