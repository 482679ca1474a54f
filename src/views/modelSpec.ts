// The text of a new spec made from a model file ("LSTM: New Spec from Model File…", and the
// model editor's button): the choices the user made (module, input, T, loss) in, a `*.lstm.json`
// text out (docs/spec-format.md; the `model` key of docs/models.md). Pure (no vscode), so the spec
// a choice gives is unit tested. No comments (a spec may have them, but the text should stay plain
// JSON for the tools a user may feed it to): its `description` says where it came from. The quick picks' labels are made here too.
// Paths: the new spec is an untitled document (it has no folder until it is saved), so the model
// file and an inputs file are written as absolute paths; a saved spec may shorten them to paths
// relative to its own folder.

import { mulberry32 } from '../engine/init';
import type { LinearHead, ModelContents, RecurrentModule } from '../models';

export type InputChoice =
  | { readonly kind: 'zeros' }
  | { readonly kind: 'random'; readonly seed: number }
  /** a (T, I) .npy or CSV file: `path` as written in the spec, `T` its rows (read by the caller) */
  | { readonly kind: 'file'; readonly path: string; readonly T: number };

export type LossChoice =
  | { readonly kind: 'sum' }
  | { readonly kind: 'mse' }
  | { readonly kind: 'crossEntropy'; readonly head: string; readonly target?: number }
  | { readonly kind: 'given' };

export interface NewSpecChoices {
  /** the module's prefix (the file's only module when omitted) */
  readonly prefix?: string;
  readonly input: InputChoice;
  /** steps for zeros and random inputs (a file gives its own) */
  readonly T?: number;
  readonly loss: LossChoice;
}

export const DEFAULT_T = 5;
export const MAX_T = 100000;
/** random inputs are uniform in [-RANDOM_INPUT_SCALE, RANDOM_INPUT_SCALE), rounded to 4 decimals */
export const RANDOM_INPUT_SCALE = 1;

/** "2 layers · bidirectional · H=4 · I=3 · float64 · pytorch" */
export function describeModule(m: RecurrentModule): string {
  const layers = `${m.numLayers} layer${m.numLayers === 1 ? '' : 's'}`;
  const directions = m.bidirectional ? 'bidirectional' : 'one direction';
  const reset = m.cell === 'gru' && m.resetAfter === false ? ' · reset before the product' : '';
  return `${m.cell} · ${layers} · ${directions} · H=${m.hiddenSize} · I=${m.inputSize} · ${m.dtype} · ${m.convention}${reset}`;
}

/** The heads whose input is this module's output (D·H features). */
export function headsFor(contents: ModelContents, m: RecurrentModule): LinearHead[] {
  const width = (m.bidirectional ? 2 : 1) * m.hiddenSize;
  return contents.heads.filter(h => h.inFeatures === width);
}

/** "fc: Linear(8 → 2)" */
export function describeHead(h: LinearHead): string {
  return `${h.prefix}: Linear(${h.inFeatures} → ${h.outFeatures})`;
}

/** T rows of I inputs, from mulberry32(seed) (src/engine/init.ts), rounded to 4 decimals so the spec stays readable. */
export function randomInputs(seed: number, T: number, I: number): number[][] {
  const draw = mulberry32(seed >>> 0);
  const rows: number[][] = [];
  for (let t = 0; t < T; t++) {
    const row: number[] = [];
    for (let i = 0; i < I; i++) row.push(Math.round(RANDOM_INPUT_SCALE * (2 * (draw() / 4294967296) - 1) * 1e4) / 1e4 + 0);
    rows.push(row);
  }
  return rows;
}

/**
 * The spec text. `modelPath` is written as given (the caller passes an absolute path, see the
 * header); `fileName` is only for the name and the comment.
 */
export function buildModelSpec(modelPath: string, fileName: string, m: RecurrentModule, choices: NewSpecChoices): string {
  const D = m.bidirectional ? 2 : 1;
  const I = m.inputSize;
  const lines: string[] = [];
  lines.push('{');
  // no comments: plain JSON, readable by any JSON tool
  lines.push(`  "name": ${JSON.stringify(`${fileName}${m.prefix ? `: ${m.prefix}` : ''}`)},`);
  lines.push(`  "description": ${JSON.stringify(`Made by "LSTM: New Spec from Model File…" from ${fileName} (${describeModule(m)}). The model path is absolute because an untitled spec has no folder; after saving, it may be made relative to the spec's folder. docs/spec-format.md lists every key.`)},`);
  // the prefix is always written: the spec then still means this module if the file gains another
  lines.push(`  "model": { "file": ${JSON.stringify(modelPath)}, "prefix": ${JSON.stringify(m.prefix)} },`);
  const input = choices.input;
  if (input.kind === 'file') {
    lines.push(`  "inputs": { "file": ${JSON.stringify(input.path)} },`);
  } else {
    const T = clampT(choices.T);
    const rows = input.kind === 'zeros' ? zeros(T, I) : randomInputs(input.seed, T, I);
    lines.push('  "inputs": [');
    rows.forEach((row, t) => lines.push(`    ${JSON.stringify(row).replace(/,/g, ', ')}${t < rows.length - 1 ? ',' : ''}`));
    lines.push('  ],');
  }
  lines.push(`  "loss": ${lossText(choices.loss, D * m.hiddenSize)}`);
  lines.push('}');
  return lines.join('\n') + '\n';
}

function lossText(loss: LossChoice, width: number): string {
  switch (loss.kind) {
    case 'sum': return '{ "kind": "sum" }';
    case 'mse': return `{ "kind": "mse", "target": ${JSON.stringify(new Array(width).fill(0)).replace(/,/g, ', ')} }`;
    case 'crossEntropy': return `{ "kind": "crossEntropy", "head": { "from": ${JSON.stringify(loss.head)} }, "target": ${loss.target ?? 0} }`;
    // an upstream gradient a framework gave; all ones is the sum's, to be replaced by the user's
    case 'given': return `{ "kind": "given", "dL_dy": ${JSON.stringify(new Array(width).fill(1)).replace(/,/g, ', ')} }`;
  }
}

function clampT(T: number | undefined): number {
  if (T === undefined || !Number.isFinite(T)) return DEFAULT_T;
  return Math.min(MAX_T, Math.max(1, Math.floor(T)));
}

function zeros(T: number, I: number): number[][] {
  return Array.from({ length: T }, () => new Array<number>(I).fill(0));
}
