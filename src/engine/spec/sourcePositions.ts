// Positions in a spec's text: JSON paths as the messages print them (`weights.W_f[1]`), offsets
// to 1-based line and column, and the range of the value at a path. Shared by the validator, the
// syntax-error scan and tools that point into a spec (the CLI's non-finite warning).

import { findNodeAtLocation, parseTree } from 'jsonc-parser';
import type { SourceRange } from '../types';

/** The options every parse of a spec uses: JSONC (comments, trailing commas). */
export const PARSE_OPTIONS = { allowTrailingComma: true, disallowComments: false };

/** Where a problem is: the path segments and the node (or a sub-range) it points at. */
export type Path = (string | number)[];

export function formatPath(path: Path): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** Offsets to 1-based line and column (UTF-16 units; \n, \r\n and \r end a line). */
export class SourceLines {
  private readonly lineStarts: number[] = [0];

  constructor(text: string) {
    for (let k = 0; k < text.length; k++) {
      const ch = text.charCodeAt(k);
      if (ch === 10) this.lineStarts.push(k + 1);
      else if (ch === 13) {
        if (text.charCodeAt(k + 1) === 10) k++;
        this.lineStarts.push(k + 1);
      }
    }
  }

  private position(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= offset) lo = mid; else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.lineStarts[lo] + 1 };
  }

  range(offset: number, length: number): SourceRange {
    const start = this.position(offset);
    const end = this.position(offset + length);
    return { offset, length, line: start.line, column: start.column, endLine: end.line, endColumn: end.column };
  }
}

/**
 * Where the value at `path` (`['inputs', 2]`) is in a spec's text, or undefined when there is no
 * such value. For pointing at a place a validated Spec no longer knows, such as the input row of
 * the step where a non-finite value first appeared.
 */
export function findSourceRange(text: string, path: Path): SourceRange | undefined {
  const root = parseTree(text, [], PARSE_OPTIONS);
  const node = root && findNodeAtLocation(root, path);
  return node ? new SourceLines(text).range(node.offset, node.length) : undefined;
}
