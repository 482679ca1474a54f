// What-if on the spec's text: where a value of the equation view is written in the spec (its
// JSON path), and the one text edit that changes it. Pure (jsonc-parser, the cell table; no
// vscode), so it is unit tested text → text. The rules (docs/panel.md#what-if):
// - a weight written out (`"W_f": [[…], …]`, `"b_f": [0, 0]`) or an input row is edited in place:
//   one number replaced, every comment and the formatting elsewhere kept;
// - a weight written as a number fill (`"W_i": 0.5`) is written out in full, one row per line,
//   with the changed entry (the fill's other entries keep their value);
// - weights made by `init` are written out: the commit replaces `init` with `"weights"` holding
//   every parameter's values as the parser drew them (so nothing else changes), the changed entry
//   set (applyWeights.ts writes them);
// - weights from a model file, weights under PyTorch names, inputs from a file and the stack forms
//   (layers, directions, samples) are refused with a sentence saying why: their values are not
//   written in the spec as textbook entries.

import { Edit, Node as JsonNode, findNodeAtLocation, modify } from 'jsonc-parser';
import { CELLS } from '../engine/cells';
import type { CellKind, Spec } from '../engine/types';
import type { WhatIfTarget } from '../protocol/messages';
import { applyTrainedWeights, minimalEdit } from './applyWeights';
import { treeTypes, type TypeLookup } from './specTree';

/** Where a target's value is written: its path (a fill's own path when `fill`), or why it cannot be edited. */
export type WhatIfLocation =
  /** `writeOut`: the weights come from `init`; a commit writes them all out under "weights" */
  | { path: (string | number)[]; fill: boolean; writeOut?: boolean; refused?: undefined }
  | { refused: string; path?: undefined; fill?: undefined };

/** What the location rules need to know of the parsed spec. */
export interface WhatIfShape {
  cell: CellKind;
  hiddenSize: number;
  inputSize: number;
  /** the spec needs the stack engine (layers, directions, samples, …): its values are not the single-layer ones */
  stacked?: boolean;
}

const refuse = (refused: string): WhatIfLocation => ({ refused });

/** The parameter's shape from the cell table: [H] for a vector, [rows, cols] for a matrix. */
function parameterShape(shape: WhatIfShape, name: string): [number] | [number, number] | undefined {
  return CELLS[shape.cell].parameters.find(p => p.name === name)?.shape(shape.hiddenSize, shape.inputSize);
}

/**
 * Where `target` is written in the spec whose types at paths `types` gives (specTree.ts: from the
 * worker's text shape or the JSON tree).
 */
export function locateWhatIf(types: TypeLookup | undefined, target: WhatIfTarget, shape: WhatIfShape): WhatIfLocation {
  if (!types || types([]) !== 'object') return refuse('the spec is not a JSON object');
  if (shape.stacked) return refuse('what-if edits single-layer specs; this spec needs the stack engine (layers, directions, samples or its loss), edit its values in the text');
  if (target.kind === 'input') return locateInput(types, target, shape);
  const dims = parameterShape(shape, target.name);
  if (!dims) return refuse(`${target.name} is not a parameter of a ${shape.cell} cell`);
  const [rows, cols = 1] = dims;
  if (target.row >= rows || target.col >= cols) return refuse(`${target.name} has no entry [${target.row}][${target.col}]`);
  if (types(['model'])) return refuse('the weights come from the model file: they are not written in the spec');
  const weights = types(['weights']);
  if (!weights) {
    return types(['init'])
      ? { path: ['weights', target.name], fill: false, writeOut: true }
      : refuse('the spec has no "weights"');
  }
  if (weights !== 'object') return refuse('"weights" is not an object');
  const base = ['weights', target.name];
  const node = types(base);
  if (!node) {
    return types(['weights', 'weight_ih_l0'])
      ? refuse('the weights are given under PyTorch names (weight_ih_l0, …); edit those tensors in the text')
      : refuse(`"weights" has no ${target.name}`);
  }
  if (node === 'number') return { path: base, fill: true };
  if (dims.length === 1) {
    return types([...base, target.row]) === 'number' ? { path: [...base, target.row], fill: false } : refuse(`${target.name}[${target.row}] is not a number in the text`);
  }
  return types([...base, target.row, target.col]) === 'number'
    ? { path: [...base, target.row, target.col], fill: false }
    : refuse(`${target.name}[${target.row}][${target.col}] is not a number in the text`);
}

function locateInput(types: TypeLookup, target: Extract<WhatIfTarget, { kind: 'input' }>, shape: WhatIfShape): WhatIfLocation {
  if (target.col >= shape.inputSize) return refuse(`x_${target.t} has no entry ${target.col}`);
  const inputs = types(['inputs']);
  if (!inputs) return refuse('the spec has no top-level "inputs"');
  if (inputs === 'object') return refuse('the inputs come from a file: they are not written in the spec');
  const row = types(['inputs', target.t - 1]);
  if (!row) return refuse(`"inputs" has no row ${target.t - 1}`);
  // a row may be one bare number when I = 1
  if (row === 'number' && target.col === 0) return { path: ['inputs', target.t - 1], fill: false };
  return types(['inputs', target.t - 1, target.col]) === 'number'
    ? { path: ['inputs', target.t - 1, target.col], fill: false }
    : refuse(`inputs[${target.t - 1}][${target.col}] is not a number in the text`);
}

/**
 * The edits (jsonc-parser's, non-overlapping, one text replacement) that set `target` to `value`
 * in `text`, or why not. A fill becomes the written-out parameter, one row per line.
 */
export function whatIfEdits(
  text: string, root: JsonNode | undefined, target: WhatIfTarget, value: number, shape: WhatIfShape,
  /** the parsed spec's parameters (textbook names): what `init` drew, for a write-out */
  params?: Readonly<Record<string, Float64Array>>,
): { edits: Edit[]; location: WhatIfLocation } | { error: string } {
  if (!Number.isFinite(value)) return { error: `${value} is not a finite number` };
  const location = locateWhatIf(treeTypes(root), target, shape);
  if (location.refused !== undefined) return { error: location.refused };
  if (location.writeOut && target.kind === 'param') {
    const written = writeOutInit(text, target, value, shape, params);
    return 'error' in written ? written : { edits: [written.edit], location };
  }
  // written as JSON.stringify/String write it: the shortest text that reads back as the same float64 (-0 as 0)
  const written = value;
  if (!location.fill || target.kind !== 'param') return { edits: modify(text, location.path, written, {}), location };
  // a fill: every entry the fill's number, the changed one the new value
  const fillNode = findNodeAtLocation(root!, location.path)!;
  const fillValue = Number(fillNode.value);
  const [rows, cols] = parameterShape(shape, target.name)!;
  const replaced = modify(text, location.path, 0, {});
  const indent = lineIndent(text, fillNode.offset);
  const entry = (r: number, c: number) => (r === target.row && c === target.col ? written : fillValue);
  let content: string;
  if (cols === undefined) {
    content = `[${Array.from({ length: rows }, (_, r) => String(entry(r, 0))).join(', ')}]`;
  } else {
    const lines = Array.from({ length: rows }, (_, r) => `${indent}  [${Array.from({ length: cols }, (_, c) => String(entry(r, c))).join(', ')}]`);
    content = `[\n${lines.join(',\n')}\n${indent}]`;
  }
  return { edits: replaced.map(edit => ({ ...edit, content })), location };
}

/**
 * The one edit that replaces `init` with every parameter written out under "weights" (the values
 * the parser drew from it, `params`), `target` set to `value`.
 */
function writeOutInit(
  text: string, target: Extract<WhatIfTarget, { kind: 'param' }>, value: number, shape: WhatIfShape,
  params: Readonly<Record<string, Float64Array>> | undefined,
): { edit: Edit } | { error: string } {
  if (!params) return { error: 'the weights drawn from "init" are not known yet (the spec has errors)' };
  const weights: Record<string, Nested> = {};
  for (const parameter of CELLS[shape.cell].parameters) {
    const values = params[parameter.name];
    if (!values) return { error: `the spec has no ${parameter.name} to write out` };
    const [rows, cols] = parameter.shape(shape.hiddenSize, shape.inputSize);
    const copy = Float64Array.from(values);
    if (parameter.name === target.name) copy[target.row * (cols ?? 1) + target.col] = value;
    weights[parameter.name] = cols === undefined ? Array.from(copy) : Array.from({ length: rows }, (_, r) => Array.from(copy.subarray(r * cols, (r + 1) * cols)));
  }
  const applied = applyTrainedWeights(text, weights);
  if (!applied.ok) return { error: applied.message };
  return { edit: minimalEdit(text, applied.text) };
}

type Nested = number | Nested[];

/** The leading whitespace of the line holding `offset`. */
function lineIndent(text: string, offset: number): string {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(start))![0];
}

/**
 * The spec with `target` set to `value`, for a what-if preview (the text is not touched): only the
 * changed array is copied. undefined when the target is not in the spec (another cell, out of range).
 */
export function whatIfSpec(spec: Spec, target: WhatIfTarget, value: number): Spec | undefined {
  if (!Number.isFinite(value)) return undefined;
  if (target.kind === 'input') {
    if (target.t > spec.T || target.col >= spec.inputSize) return undefined;
    const inputs = Float64Array.from(spec.inputs);
    inputs[(target.t - 1) * spec.inputSize + target.col] = value;
    return { ...spec, inputs };
  }
  const dims = parameterShape({ cell: spec.cell, hiddenSize: spec.hiddenSize, inputSize: spec.inputSize }, target.name);
  const values = spec.params[target.name];
  if (!dims || !values) return undefined;
  const [rows, cols = 1] = dims;
  if (target.row >= rows || target.col >= cols) return undefined;
  const changed = Float64Array.from(values);
  changed[target.row * cols + target.col] = value;
  return { ...spec, params: { ...spec.params, [target.name]: changed } };
}

/** The shape facts of a parsed spec that the location rules need. */
export function whatIfShapeOf(spec: Spec): WhatIfShape {
  return { cell: spec.cell, hiddenSize: spec.hiddenSize, inputSize: spec.inputSize, stacked: spec.stack !== undefined };
}
