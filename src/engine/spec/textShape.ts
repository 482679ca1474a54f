// The shape of a spec's JSON text without its numbers: which keys and arrays there are, and where
// an array holds only numbers, its length. The what-if rules (where a value is written, or why it
// cannot be edited here; src/views/whatIf.ts) need no more than the type at a path, and this
// answers that in a few kilobytes where the full JSON tree of a (512, 256, 1000) spec is hundreds
// of thousands of nodes: the worker that parses a spec sends it along, so the extension host does
// not parse a large text a second time to show the equations' editable operands.

import type { Node as JsonNode } from 'jsonc-parser';
import { numbersOf } from './strictJson';

/** A JSON value's type, as jsonc-parser names it. */
export type JsonType = JsonNode['type'];

export type TextShape =
  | { readonly type: 'number' | 'string' | 'boolean' | 'null' }
  /** an array whose items are all numbers: only its length is kept */
  | { readonly type: 'numbers'; readonly length: number }
  | { readonly type: 'array'; readonly items: readonly TextShape[] }
  /** properties in text order; a repeated key is looked up as its first occurrence, like findNodeAtLocation */
  | { readonly type: 'object'; readonly properties: readonly (readonly [string, TextShape])[] };

/** The shape of a JSON tree (jsonc-parser's), or undefined for no tree. */
export function textShapeOf(node: JsonNode | undefined): TextShape | undefined {
  if (!node) return undefined;
  switch (node.type) {
    case 'array': {
      // an all-numbers array read by JSON.parse: its length, without making its number nodes
      const numbers = numbersOf(node);
      if (numbers) return { type: 'numbers', length: numbers.length };
      const items = node.children ?? [];
      if (items.every(item => item.type === 'number')) return { type: 'numbers', length: items.length };
      return { type: 'array', items: items.map(item => textShapeOf(item) ?? { type: 'null' }) };
    }
    case 'object': {
      const properties: [string, TextShape][] = [];
      for (const property of node.children ?? []) {
        const [key, value] = property.children ?? [];
        if (key && typeof key.value === 'string' && value) properties.push([key.value, textShapeOf(value)!]);
      }
      return { type: 'object', properties };
    }
    case 'property':
      return textShapeOf(node.children?.[1]);
    default:
      return { type: node.type };
  }
}

/** The type of the value at `path` ([] is the root), or undefined where there is none. */
export function textTypeAt(shape: TextShape | undefined, path: readonly (string | number)[]): JsonType | undefined {
  let node = shape;
  for (let k = 0; k < path.length; k++) {
    const segment = path[k];
    if (!node) return undefined;
    if (typeof segment === 'string') {
      if (node.type !== 'object') return undefined;
      node = node.properties.find(([key]) => key === segment)?.[1];
    } else if (node.type === 'numbers') {
      // an item of an all-numbers array is a number, and nothing lies below it
      return k === path.length - 1 && Number.isInteger(segment) && segment >= 0 && segment < node.length ? 'number' : undefined;
    } else if (node.type === 'array') {
      node = node.items[segment];
    } else {
      return undefined;
    }
  }
  if (!node) return undefined;
  return node.type === 'numbers' ? 'array' : node.type;
}
