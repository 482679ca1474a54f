// The fast first try at reading a spec's text, for the common case of strict JSON (no comments,
// no trailing commas, no repeated key). The engine's native JSON.parse builds the values about six
// times faster than jsonc-parser's parseTree (a 12 MB spec: ~70 ms against ~450 ms), and they are
// turned into a tree of jsonc-parser's Node shape, so the validator reads either tree the same way.
// An array of numbers keeps JSON.parse's array (numbersOf), and makes its number nodes only when
// something asks for its children. This tree has no positions (every offset and length is 0): the validator uses positions only to
// report a problem, so parseSpec (index.ts) keeps this tree only when validation found nothing to
// report, and otherwise reads the text again with parseTree, whose positions the issues need.
// jsonc-parser is still the reference: a text JSON.parse rejects (comments, trailing commas, a
// syntax error) never gets this tree, and nor does one with a repeated key, which JSON.parse
// silently resolves to the last while the validator warns about it.

import type { Node as JsonNode } from 'jsonc-parser';

/** The text's tree when it is strict JSON with no repeated key in any object; undefined otherwise. */
export function strictJsonTree(text: string): JsonNode | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const keys = { count: 0, indexLike: false };
  const root = toNode(value, undefined, keys);
  // an object's integer-like keys ("0", "7") come first in Object.keys, not in text order
  if (keys.indexLike) return undefined;
  // every `:` outside a string of a strict JSON text follows a key: more of them than the parsed
  // objects' keys means some object repeats a key (the validator warns, with its position)
  return keyOccurrences(text) === keys.count ? root : undefined;
}

const INDEX_LIKE = /^(0|[1-9][0-9]*)$/;

/** the parsed numbers of each all-numbers array of a strict JSON tree (numbersOf) */
const NUMBERS = new WeakMap<JsonNode, readonly number[]>();

/**
 * The numbers of an all-numbers array of a tree built here, as JSON.parse gave them; undefined for
 * every other node (and for every node of jsonc-parser's own trees). The validator copies them
 * into its Float64Arrays directly, so a row of a weight matrix is never made into nodes.
 */
export function numbersOf(node: JsonNode): readonly number[] | undefined {
  return NUMBERS.get(node);
}

function toNode(value: unknown, parent: JsonNode | undefined, keys: { count: number; indexLike: boolean }): JsonNode {
  if (Array.isArray(value) && value.every(item => typeof item === 'number')) {
    // most of a spec's text: its number nodes are made only if something reads `children`
    const numbers: readonly number[] = value;
    const node: JsonNode = { type: 'array', offset: 0, length: 0, parent };
    let children: JsonNode[] | undefined;
    Object.defineProperty(node, 'children', {
      enumerable: true,
      get: () => children ??= numbers.map(item => ({ type: 'number', value: item, offset: 0, length: 0, parent: node })),
    });
    NUMBERS.set(node, numbers);
    return node;
  }
  if (Array.isArray(value)) {
    const node: JsonNode = { type: 'array', offset: 0, length: 0, parent, children: [] };
    const children = node.children!;
    for (const item of value as unknown[]) children.push(toNode(item, node, keys));
    return node;
  }
  if (value !== null && typeof value === 'object') {
    const node: JsonNode = { type: 'object', offset: 0, length: 0, parent, children: [] };
    for (const key of Object.keys(value)) {
      keys.count++;
      if (INDEX_LIKE.test(key)) keys.indexLike = true;
      const property: JsonNode = { type: 'property', offset: 0, length: 0, parent: node, children: [] };
      property.children!.push({ type: 'string', value: key, offset: 0, length: 0, parent: property },
        toNode((value as Record<string, unknown>)[key], property, keys));
      node.children!.push(property);
    }
    return node;
  }
  switch (typeof value) {
    case 'number': return { type: 'number', value, offset: 0, length: 0, parent };
    case 'string': return { type: 'string', value, offset: 0, length: 0, parent };
    case 'boolean': return { type: 'boolean', value, offset: 0, length: 0, parent };
    default: return { type: 'null', value: null, offset: 0, length: 0, parent };
  }
}

/**
 * The number of `:` outside strings. In a text JSON.parse accepted, that is the number of keys
 * written. Strings are skipped with indexOf, so the numbers between them cost a native search.
 */
export function keyOccurrences(text: string): number {
  let count = 0;
  let quote = text.indexOf('"');
  let colon = text.indexOf(':');
  while (colon >= 0) {
    if (quote >= 0 && quote < colon) {
      const end = stringEnd(text, quote);
      quote = text.indexOf('"', end + 1);
      if (colon < end) colon = text.indexOf(':', end + 1);
    } else {
      count++;
      colon = text.indexOf(':', colon + 1);
    }
  }
  return count;
}

/** The offset of the `"` that closes the string opened at `open` (an escaped quote does not close it). */
export function stringEnd(text: string, open: number): number {
  let end = open;
  for (;;) {
    end = text.indexOf('"', end + 1);
    if (end < 0) return text.length;
    let backslashes = 0;
    while (text.charCodeAt(end - 1 - backslashes) === 92) backslashes++;
    if (backslashes % 2 === 0) return end;
  }
}
