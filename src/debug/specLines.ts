// Where the steps are in a spec's text, for the debugger's stack frames, line breakpoints and
// "Jump to Cursor" (docs/debug-adapter.md): the range of each input row (row k = step t = k+1),
// and the line of the initial state (t = 0: the `h0` line, else the `inputs` key). Lines and
// columns are 1-based. Several rows may share a line (the seed writes all four on one line):
// a breakpoint on such a line covers all of them unless it names a column.

import { findNodeAtLocation, parseTree } from 'jsonc-parser';
import { PARSE_OPTIONS, SourceLines } from '../engine/spec/sourcePositions';
import type { SourceRange } from '../engine/types';

export interface SpecLines {
  /** rows[k]: the range of input row k (step t = k+1) */
  readonly rows: readonly SourceRange[];
  /** where t = 0 points: the h0 value's line, else the `inputs` key's, else line 1 */
  readonly initial: { line: number; column: number };
}

export function specLines(text: string): SpecLines {
  const root = parseTree(text, [], PARSE_OPTIONS);
  const lines = new SourceLines(text);
  const rows: SourceRange[] = [];
  const inputs = root && findNodeAtLocation(root, ['inputs']);
  if (inputs?.type === 'array') {
    for (const child of inputs.children ?? []) rows.push(lines.range(child.offset, child.length));
  }
  const h0 = root && findNodeAtLocation(root, ['h0']);
  const anchor = h0?.parent ?? inputs?.parent;
  const initial = anchor ? lines.range(anchor.offset, anchor.length) : undefined;
  return { rows, initial: initial ? { line: initial.line, column: initial.column } : { line: 1, column: 1 } };
}

/**
 * The steps (1-based t) a breakpoint at `line` (and `column`, if given) stands for: the rows that
 * span that line; with a column, the row under it (or the first row starting after it).
 */
export function stepsAtLine(lines: SpecLines, line: number, column?: number): number[] {
  const onLine: number[] = [];
  lines.rows.forEach((range, k) => { if (range.line <= line && line <= range.endLine) onLine.push(k + 1); });
  if (column === undefined || onLine.length <= 1) return onLine;
  const under = onLine.find(t => {
    const range = lines.rows[t - 1];
    const startsBefore = range.line < line || range.column <= column;
    const endsAfter = range.endLine > line || column <= range.endColumn;
    return startsBefore && endsAfter;
  });
  if (under !== undefined) return [under];
  const after = onLine.find(t => lines.rows[t - 1].line === line && lines.rows[t - 1].column > column);
  return after !== undefined ? [after] : [onLine[onLine.length - 1]];
}

/** "lines 22–25", for the message of a rejected breakpoint. */
export function describeRowLines(lines: SpecLines): string {
  if (lines.rows.length === 0) return 'the spec has no input rows';
  const first = lines.rows[0].line, last = lines.rows[lines.rows.length - 1].endLine;
  return first === last ? `the input rows are on line ${first}` : `the input rows are on lines ${first}–${last}`;
}
