// The meaning of one entry of a weight or bias in a spec file: which gate, which unit (row), which
// input it multiplies (a column of h_{t-1} or of x_t), and where its value and dL/dW live in the
// Spec and Trace under their textbook names. PyTorch tensor names (weight_ih_l0, …) are mapped to
// the textbook ones the way DESIGN.md section 2 says (gate order i, f, g, o; GRU r, z, n).

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

const LSTM_GATES: Record<string, string> = { f: 'forget gate f', i: 'input gate i', c: 'candidate g (c̃)', o: 'output gate o' };
const GRU_GATES: Record<string, string> = { r: 'reset gate r', z: 'update gate z', n: 'candidate n' };

/** Columns of the textbook matrix: H+I for lstm/rnn (h first, then x); H or I for the GRU halves. */
export function textbookColumns(cell: CellKind, param: string, H: number, I: number): number {
  if (cell === 'gru') return param.startsWith('W_i') ? I : H;
  return H + I;
}

/**
 * Role of `name[row][col]` (row/col omitted for a whole matrix or row) in a spec of `cell`, H, I.
 * Returns undefined for names that are not parameters of this cell.
 */
export function paramEntryRole(cell: CellKind, H: number, I: number, name: string, row?: number, col?: number): ParamEntryRole | undefined {
  const lstmLike = cell === 'lstm' || cell === 'lstm_peephole';
  let match: RegExpMatchArray | null;
  if (lstmLike && (match = /^([Wbp])_([fico])$/.exec(name))) {
    const [, kind, gate] = match;
    if (kind === 'p' && (cell !== 'lstm_peephole' || gate === 'c')) return undefined;
    const role: ParamEntryRole = { param: name, gradient: kind === 'W' ? 'dL_dW' : kind === 'b' ? 'dL_db' : 'dL_dp', gate: LSTM_GATES[gate] };
    return withEntry(role, kind === 'W', H + I, H, row, col, H);
  }
  if (cell === 'gru' && (match = /^([Wb])_([ih])([rzn])$/.exec(name))) {
    const [, kind, side, gate] = match;
    const role: ParamEntryRole = { param: name, gradient: kind === 'W' ? 'dL_dW' : 'dL_db', gate: GRU_GATES[gate] };
    if (kind === 'W') return withEntry(role, true, side === 'i' ? I : H, side === 'i' ? -1 : H, row, col, H, side === 'i' ? 'x' : 'h');
    return withEntry(role, false, 0, 0, row, col, H);
  }
  if (cell === 'rnn' && (name === 'W' || name === 'b')) {
    return withEntry({ param: name, gradient: name === 'W' ? 'dL_dW' : 'dL_db', gate: 'tanh layer' }, name === 'W', H + I, H, row, col, H);
  }
  // PyTorch names: rows are gate blocks of H in order i, f, g, o (lstm) or r, z, n (gru)
  const order = lstmLike && cell === 'lstm' ? ['i', 'f', 'c', 'o'] : cell === 'gru' ? ['r', 'z', 'n'] : undefined;
  if (!order || !(match = /^(weight|bias)_(ih|hh)_l0$/.exec(name))) return undefined;
  const [, kind, side] = match;
  if (row === undefined) {
    return { param: name, gradient: kind === 'weight' ? 'dL_dW' : 'dL_db', gate: `all gates (${order.map(g => (cell === 'gru' ? g : g === 'c' ? 'g' : g)).join(', ')}) stacked, ${H} rows each` };
  }
  // an entry outside the tensor's shape (a spec with too many rows or columns) means nothing
  if (row < 0 || !Number.isInteger(row) || (col !== undefined && (col < 0 || !Number.isInteger(col) || col >= (side === 'ih' ? I : H)))) return undefined;
  const block = Math.floor(row / H);
  const gate = order[block];
  if (gate === undefined) return undefined;
  const unit = row % H;
  const gateName = cell === 'gru' ? GRU_GATES[gate] : LSTM_GATES[gate];
  if (kind === 'bias') {
    const param = cell === 'gru' ? `b_${side === 'ih' ? 'i' : 'h'}${gate}` : `b_${gate}`;
    const note = cell === 'gru' ? undefined : `bias_ih_l0 and bias_hh_l0 are added into ${param}, so both have this gradient`;
    return { param, gradient: 'dL_db', index: unit, gate: gateName, unit, note };
  }
  if (cell === 'gru') {
    const param = `W_${side === 'ih' ? 'i' : 'h'}${gate}`;
    const columns = side === 'ih' ? I : H;
    const role: ParamEntryRole = { param, gradient: 'dL_dW', gate: gateName, unit };
    if (col !== undefined) { role.index = unit * columns + col; role.column = side === 'ih' ? `x_t[${col}]` : `h_{t-1}[${col}]`; }
    return role;
  }
  const param = `W_${gate}`;
  const role: ParamEntryRole = { param, gradient: 'dL_dW', gate: gateName, unit };
  if (col !== undefined) {
    const textbookCol = side === 'hh' ? col : H + col;
    role.index = unit * (H + I) + textbookCol;
    role.column = side === 'hh' ? `h_{t-1}[${col}]` : `x_t[${col}]`;
  }
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
