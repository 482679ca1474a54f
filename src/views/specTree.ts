// The JSON tree (jsonc-parser) of a spec document, parsed once per document version and shared
// by the hover and the inline values, so a spec is not parsed twice per change. The inline
// values only need where each input row ends: that comes from the parser's event stream (no
// tree is built), also once per version, so a large spec's text is not turned into a tree on the
// host on every edit just to draw the inline values. Likewise the what-if rules need only the
// type at a few paths: the worker's parse sends the text's shape (engine/spec/textShape.ts), and
// `specTypes` answers from it, building the tree only where no worker parsed this version.

import { Node as JsonNode, findNodeAtLocation, parseTree, visit } from 'jsonc-parser';
import type * as vscode from 'vscode';
import { stringEnd, textTypeAt, type JsonType, type TextShape } from '../engine/specParse';

interface Entry { version: number; root?: JsonNode | null; inputRowEnds?: number[]; textShape?: TextShape }

/** The type of the value at a path of a spec's JSON ([] is the root), undefined where there is none. */
export type TypeLookup = (path: readonly (string | number)[]) => JsonType | undefined;

/** A lookup over a JSON tree. */
export function treeTypes(root: JsonNode | undefined): TypeLookup {
  return path => (root ? (path.length === 0 ? root : findNodeAtLocation(root, [...path]))?.type : undefined);
}

const cache = new WeakMap<vscode.TextDocument, Entry>();
/** the row ends of the latest version they were known for, per document */
const latestRowEnds = new WeakMap<vscode.TextDocument, number[]>();

function entry(document: vscode.TextDocument): Entry {
  const cached = cache.get(document);
  if (cached && cached.version === document.version) return cached;
  const fresh: Entry = { version: document.version };
  cache.set(document, fresh);
  return fresh;
}

/** The document's JSON tree at its current version (parsed on first use per version). */
export function specTree(document: vscode.TextDocument): JsonNode | undefined {
  const current = entry(document);
  if (current.root === undefined) current.root = parseTree(document.getText(), [], { allowTrailingComma: true, disallowComments: false }) ?? null;
  return current.root ?? undefined;
}

/** Types at paths of the current version: from the worker's shape when it parsed this version, else from the tree. */
export function specTypes(document: vscode.TextDocument): TypeLookup {
  const shape = entry(document).textShape;
  return shape ? path => textTypeAt(shape, path) : treeTypes(specTree(document));
}

/** Keeps the shape of `version` the worker sent (spec/textShape.ts); ignored unless `version` is current. */
export function seedTextShape(document: vscode.TextDocument, version: number | undefined, shape: TextShape): void {
  if (version !== document.version) return;
  entry(document).textShape ??= shape;
}

/** Offset just after each row of `inputs` (row k = step t = k+1), at the current version. */
export function inputRowEnds(document: vscode.TextDocument): number[] {
  const current = entry(document);
  current.inputRowEnds ??= scanInputRowEnds(document.getText());
  latestRowEnds.set(document, current.inputRowEnds);
  return current.inputRowEnds;
}

/**
 * Gives the row ends of `version` found elsewhere (the worker that parsed a large text scans
 * them there), so the host does not scan the text again; ignored unless `version` is current.
 */
export function seedInputRowEnds(document: vscode.TextDocument, version: number | undefined, ends: number[]): void {
  if (version !== document.version) return;
  const current = entry(document);
  current.inputRowEnds ??= ends;
  latestRowEnds.set(document, current.inputRowEnds);
}

/**
 * The row ends of the current version if known, else those of the latest version they were
 * known for (a few characters off after an edit, never a scan): for values already marked
 * stale while a large text's parse runs. Scans only when none were ever known.
 */
export function latestInputRowEnds(document: vscode.TextDocument): number[] {
  const current = cache.get(document);
  if (current?.version === document.version && current.inputRowEnds) return current.inputRowEnds;
  return latestRowEnds.get(document) ?? inputRowEnds(document);
}

/**
 * The end offsets of the elements of the top-level `inputs` array, from the parser's event stream
 * (comments and trailing commas allowed, like parseTree) without building a tree. `strictJson`:
 * the caller knows the text is strict JSON (parseSpec read it with JSON.parse), so a scan of its
 * brackets and strings does, about six times faster than the parser's events.
 */
export function scanInputRowEnds(text: string, { strictJson = false } = {}): number[] {
  if (strictJson) return scanStrictInputRowEnds(text);
  const ends: number[] = [];
  /** nesting depth of arrays and objects: 1 = inside the top-level object */
  let depth = 0;
  let property: string | undefined;
  /** depth of the `inputs` array's elements while inside it, else -1 */
  let rowDepth = -1;
  const open = (offset: number) => {
    depth++;
    if (rowDepth === -1 && depth === 2 && property === 'inputs' && text[offset] === '[') rowDepth = depth + 1;
  };
  const close = (offset: number, length: number) => {
    if (depth === rowDepth) ends.push(offset + length);
    if (depth === rowDepth - 1) rowDepth = -2; // `inputs` ended; a repeated key is ignored, like the first wins
    depth--;
  };
  visit(text, {
    onObjectBegin: open, onArrayBegin: open,
    onObjectEnd: close, onArrayEnd: close,
    onObjectProperty: name => { if (depth === 1) property = name; },
    onLiteralValue: (_value, offset, length) => { if (depth + 1 === rowDepth) ends.push(offset + length); },
  }, { allowTrailingComma: true, disallowComments: false });
  return ends;
}

/**
 * scanInputRowEnds for a strict JSON text: only brackets, strings and literals are told apart (a
 * strict JSON text has no comments, and every string at depth 1 followed by `:` is a key), which
 * is a loop over character codes instead of the parser's tokens and callbacks.
 */
function scanStrictInputRowEnds(text: string): number[] {
  const ends: number[] = [];
  let depth = 0;
  let property: string | undefined;
  let rowDepth = -1;
  const n = text.length;
  for (let k = 0; k < n; k++) {
    const code = text.charCodeAt(k);
    switch (code) {
      case 0x7b: case 0x5b: // { [
        depth++;
        if (rowDepth === -1 && depth === 2 && property === 'inputs' && code === 0x5b) rowDepth = depth + 1;
        break;
      case 0x7d: case 0x5d: // } ]
        if (depth === rowDepth) ends.push(k + 1);
        if (depth === rowDepth - 1) rowDepth = -2; // `inputs` ended; a repeated key is ignored, like the first wins
        depth--;
        break;
      case 0x22: { // "
        const end = stringEnd(text, k);
        let next = end + 1;
        while (next < n && isJsonSpace(text.charCodeAt(next))) next++;
        if (text.charCodeAt(next) === 0x3a) { // a key
          if (depth === 1) property = JSON.parse(text.slice(k, end + 1)) as string;
        } else if (depth + 1 === rowDepth) {
          ends.push(end + 1);
        }
        k = end;
        break;
      }
      case 0x2c: case 0x3a: case 0x20: case 0x09: case 0x0a: case 0x0d: // , : and white space
        break;
      default: { // a number, true, false or null
        let end = k + 1;
        while (end < n && !isLiteralEnd(text.charCodeAt(end))) end++;
        if (depth + 1 === rowDepth) ends.push(end);
        k = end - 1;
      }
    }
  }
  return ends;
}

function isJsonSpace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}

function isLiteralEnd(code: number): boolean {
  return isJsonSpace(code) || code === 0x2c || code === 0x5d || code === 0x7d;
}
