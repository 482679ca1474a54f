// "Apply Trained Weights" as a pure function of the spec's text (no vscode): the text with a
// training step's parameters written in under the spec's names (trainedWeights, src/engine/train.ts),
// every other byte (comments, formatting, other keys) kept: only the values' ranges (found with
// jsonc-parser's parse tree) are replaced, through its applyEdits; the numbers are written compactly (a vector on one line, a matrix one row per line,
// full float64 precision). The command turns the difference into ONE undoable edit (minimalEdit).
// Where the parameters live (docs/spec-format.md): `weights` (textbook or PyTorch names; an
// `init` spec gets a `weights` key in place of its `init`, which explicit weights would only
// override with a warning), a crossEntropy head's `loss.head.weight` / `loss.head.bias`. A spec
// whose weights come from a model file cannot hold them (`weights` next to `model` is an error),
// nor can a stack whose parameters have textbook names (stacks need PyTorch's names): refused
// with a message saying so.

import { applyEdits, findNodeAtLocation, parseTree, type Edit, type JSONPath, type Node as JsonNode } from 'jsonc-parser';

type Nested = number | Nested[];

export type ApplyOutcome = { ok: true; text: string } | { ok: false; message: string };

/** A single replacement: offset/length in the old text, and what goes there. */
export interface TextReplacement { offset: number; length: number; content: string }

const HEAD_NAMES: Record<string, JSONPath> = { 'head.weight': ['loss', 'head', 'weight'], 'head.bias': ['loss', 'head', 'bias'] };

/** The spec's indentation unit (the first indented line's), two spaces when none. */
function indentUnit(text: string): { insertSpaces: boolean; tabSize: number } {
  const match = /\n([ \t]+)\S/.exec(text);
  if (match?.[1].startsWith('\t')) return { insertSpaces: false, tabSize: 1 };
  return { insertSpaces: true, tabSize: match ? match[1].length : 2 };
}

function allFinite(value: Nested): boolean {
  return Array.isArray(value) ? value.every(allFinite) : Number.isFinite(value);
}

/** A vector on one line, a matrix one row per line (indented one unit deeper than `indent`). */
function render(value: Nested, indent: string, unit: string, eol: string): string {
  if (!Array.isArray(value)) return JSON.stringify(value);
  if (!value.some(Array.isArray)) return `[${value.map(v => JSON.stringify(v)).join(', ')}]`;
  const inner = indent + unit;
  return `[${eol}${value.map(row => inner + render(row, inner, unit, eol)).join(`,${eol}`)}${eol}${indent}]`;
}

/**
 * The spec text with `weights` (name → nested values, as trainedWeights gives them) written in.
 * Refuses (ok: false, with the reason) a spec with a model file, a name it cannot place, or
 * non-finite values.
 */
export function applyTrainedWeights(text: string, weights: Record<string, Nested>): ApplyOutcome {
  const root = parseTree(text);
  if (!root || root.type !== 'object') return { ok: false, message: 'the spec is not a JSON object' };
  if (findNodeAtLocation(root, ['model'])) {
    return {
      ok: false,
      message: 'the weights come from a model file ("model"), and a spec cannot hold "weights" next to "model" (docs/spec-format.md, Model files). '
        + 'Get the trained values with `node dist/cli.js train SPEC --json`, or make a spec with inline weights first',
    };
  }
  const bad = Object.entries(weights).find(([, value]) => !allFinite(value));
  if (bad) return { ok: false, message: `${bad[0]} has values that are not finite numbers (the training diverged): pick an earlier training step` };
  const hasWeights = findNodeAtLocation(root, ['weights']) !== undefined;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const { insertSpaces, tabSize } = indentUnit(text);
  const unit = insertSpaces ? ' '.repeat(tabSize) : '\t';

  const lineIndent = (offset: number): string => {
    const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
    return /^[ \t]*/.exec(text.slice(lineStart, offset))?.[0] ?? '';
  };
  const edits: Edit[] = [];
  /** the value at `path` becomes `value` (only its range is replaced) */
  const replaceValue = (path: JSONPath, value: Nested): void => {
    const node = findNodeAtLocation(root, path) as JsonNode;
    edits.push({ offset: node.offset, length: node.length, content: render(value, lineIndent(node.offset), unit, eol) });
  };
  const inline: [string, Nested][] = [];
  for (const [name, value] of Object.entries(weights)) {
    const headPath = HEAD_NAMES[name];
    if (headPath) {
      if (!findNodeAtLocation(root, headPath)) return { ok: false, message: `${name}: the spec has no inline loss.head.${headPath[2]} to write it to` };
      replaceValue(headPath, value);
      continue;
    }
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(name)) return { ok: false, message: `${name}: not a name a spec's "weights" can hold` };
    if (!hasWeights && /_l\d+(_reverse)?$/.test(name)) {
      return {
        ok: false,
        message: `${name}: a stack's parameters made by "init" have textbook names per layer, which the spec format does not accept (stacks need PyTorch's names: weight_ih_l0, …; docs/spec-format.md, Stacks)`,
      };
    }
    if (hasWeights) {
      if (!findNodeAtLocation(root, ['weights', name])) return { ok: false, message: `${name}: the spec's "weights" has no such entry (was the spec changed since training?)` };
      replaceValue(['weights', name], value);
    } else inline.push([name, value]);
  }
  if (inline.length > 0) {
    // "weights" in place of "init" (explicit weights would win over it, with a warning), else at the end
    const init = findNodeAtLocation(root, ['init'])?.parent;
    const anchor = init ?? root;
    const indent = init ? lineIndent(init.offset) : unit;
    const inner = indent + unit;
    const body = inline.map(([name, value]) => `${inner}${JSON.stringify(name)}: ${render(value, inner, unit, eol)}`).join(`,${eol}`);
    const property = `"weights": {${eol}${body}${eol}${indent}}`;
    if (init) edits.push({ offset: anchor.offset, length: anchor.length, content: property });
    else {
      const last = root.children?.[root.children.length - 1];
      const at = last ? last.offset + last.length : root.offset + 1;
      edits.push({ offset: at, length: 0, content: `${last ? ',' : ''}${eol}${indent}${property}` });
    }
  }
  return { ok: true, text: applyEdits(text, edits) };
}

/** The one replacement that turns `before` into `after` (their common start and end kept). */
export function minimalEdit(before: string, after: string): TextReplacement {
  let start = 0;
  const shorter = Math.min(before.length, after.length);
  while (start < shorter && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let end = 0;
  while (end < shorter - start && before.charCodeAt(before.length - 1 - end) === after.charCodeAt(after.length - 1 - end)) end++;
  return { offset: start, length: before.length - start - end, content: after.slice(start, after.length - end) };
}
