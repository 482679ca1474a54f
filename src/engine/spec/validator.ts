// The spec validator: walks jsonc-parser's tree of a spec's text and builds a Spec, reporting
// every problem with its JSON path and position (see index.ts for the decisions it follows).
// Value readers each report their own problems and return undefined when invalid, so one pass
// collects every problem. What a cell needs (its parameters, PyTorch layout, cell state, forget
// bias) comes from the cell table (cells.ts) through shapes.ts and pytorchNames.ts.

import { parseTree, type Node, type ParseError } from 'jsonc-parser';
import { CELLS } from '../cells';
import { initWeights } from '../init';
import type { CellKind, LossSpec, Spec, SpecIssue } from '../types';
import { CELL_KINDS } from '../types';
import { mapPyTorch, PYTORCH_NAME_PATTERN, PYTORCH_NAMES, pytorchCells, pytorchParameterShapes } from './pytorchNames';
import { parameterCount, textbookParameterShapes, type Shape } from './shapes';
import { formatPath, PARSE_OPTIONS, SourceLines, type Path } from './sourcePositions';
import { closest } from './suggestions';
import { scanSyntaxErrors } from './syntaxErrors';

export const MAX_SIZE = 4096;
export const MAX_PARAMETERS = 1 << 24;
export const MAX_STEP_UNITS = 1 << 21;

export interface ParseSpecOptions {
  /** Overrides the spec's loss kind (the CLI's `--loss`); `mse` then requires `loss.target`. */
  loss?: 'sum' | 'mse';
}

const TOP_LEVEL_KEYS = ['$schema', 'name', 'description', 'cell', 'inputSize', 'hiddenSize', 'weights', 'init',
  'h0', 'c0', 'inputs', 'tokens', 'loss', 'samples'];
const INIT_KEYS = ['seed', 'scale', 'forgetBias'];
const LOSS_KEYS = ['kind', 'target'];

/** "an lstm cell", "a gru cell": for messages. */
function cellPhrase(cell: CellKind): string {
  return CELLS[cell].phrase;
}

/** "lstm, gru and rnn" */
function listWithAnd(items: readonly string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

export class SpecValidator {
  readonly issues: SpecIssue[] = [];
  private readonly lines: SourceLines;
  private root: Node | undefined;
  /** Only for a file with syntax errors: array children whose file position differs from their child index. */
  private sourceIndex: Map<number, number> | undefined;
  /** Only for a file with syntax errors: arrays whose entry count in the file differs from their child count. */
  private sourceLength: Map<number, number> | undefined;

  constructor(private readonly text: string, private readonly options: ParseSpecOptions) {
    this.lines = new SourceLines(text);
  }

  // ---- reporting ----

  /** `messagePath` prefixes the message when it differs from the node's path (a row's problem told about its matrix). */
  private report(severity: 'error' | 'warning', at: Node | { offset: number; length: number }, path: Path, detail: string, messagePath: Path = path): void {
    const pathText = formatPath(path);
    const prefix = formatPath(messagePath);
    this.issues.push({
      severity,
      path: pathText,
      message: prefix === '' ? detail : `${prefix}: ${detail}`,
      range: this.lines.range(at.offset, at.length),
    });
  }

  private error(at: Node | { offset: number; length: number }, path: Path, detail: string, messagePath: Path = path): void {
    this.report('error', at, path, detail, messagePath);
  }

  private warning(at: Node | { offset: number; length: number }, path: Path, detail: string): void {
    this.report('warning', at, path, detail);
  }

  /** Describes a node for "found …": the source text of literals, the kind of containers. */
  private describe(node: Node): string {
    switch (node.type) {
      case 'string': {
        const raw = this.text.substr(node.offset, node.length);
        return `string ${raw.length > 40 ? raw.slice(0, 37) + '..."' : raw}`;
      }
      case 'number': {
        const raw = this.text.substr(node.offset, node.length);
        return Number.isFinite(node.value) ? raw : `${raw} (${node.value})`;
      }
      case 'boolean': return String(node.value);
      case 'null': return 'null';
      case 'array': {
        const count = this.lengthOf(node);
        return `an array of ${count} ${count === 1 ? 'entry' : 'entries'}`;
      }
      case 'object': return 'an object';
      default: return node.type;
    }
  }

  /** The properties of an object node by key (the last one wins), with duplicates warned. */
  private properties(objectNode: Node, path: Path): Map<string, { key: Node; value?: Node }> {
    const map = new Map<string, { key: Node; value?: Node }>();
    for (const property of objectNode.children ?? []) {
      const [key, value] = property.children ?? [];
      if (!key || typeof key.value !== 'string') continue;
      if (map.has(key.value)) this.warning(key, [...path, key.value], 'duplicate key; the last one is used');
      map.set(key.value, { key, value });
    }
    return map;
  }

  /** Where to point when a key is missing: the enclosing object's key, or the root's `{`. */
  private missingAnchor(objectNode: Node): { offset: number; length: number } {
    const parentKey = objectNode.parent?.type === 'property' ? objectNode.parent.children?.[0] : undefined;
    return parentKey ?? { offset: objectNode.offset, length: 1 };
  }

  // ---- value readers: each reports its own problems and returns undefined when invalid ----

  /** `path` may be a function so that the hot loops over matrix entries allocate nothing. */
  private readNumber(node: Node, path: Path | (() => Path)): number | undefined {
    if (node.type === 'number' && Number.isFinite(node.value)) return node.value as number;
    const where = typeof path === 'function' ? path() : path;
    const expected = node.type === 'number' ? 'a finite number' : 'a number';
    this.error(node, where, `expected ${expected}, found ${this.describe(node)}`);
    return undefined;
  }

  private readPositiveInteger(node: Node, path: Path, role: string): number | undefined {
    if (node.type !== 'number' || !Number.isInteger(node.value) || node.value <= 0) {
      this.error(node, path, `expected a positive integer (${role}), found ${this.describe(node)}`);
      return undefined;
    }
    if (node.value > MAX_SIZE) {
      this.error(node, path, `expected at most ${MAX_SIZE} (${role}), found ${this.describe(node)}`);
      return undefined;
    }
    return node.value as number;
  }

  private readString(node: Node, path: Path): string | undefined {
    if (node.type !== 'string') {
      this.error(node, path, `expected a string, found ${this.describe(node)}`);
      return undefined;
    }
    return node.value as string;
  }

  /**
   * A vector of `length` numbers (undefined length: size unknown, only the entries are checked),
   * or one number filling it. `lengthRole` names where the length comes from (`hiddenSize`).
   */
  private readVector(node: Node, path: Path, length: number | undefined, lengthRole: string): Float64Array | undefined {
    if (node.type === 'number') {
      const value = this.readNumber(node, path);
      return value === undefined || length === undefined ? undefined : new Float64Array(length).fill(value);
    }
    if (node.type !== 'array') {
      const expected = length === undefined ? 'an array of numbers' : `${length} numbers (${lengthRole})`;
      this.error(node, path, `expected ${expected} or one number, found ${this.describe(node)}`);
      return undefined;
    }
    const items = node.children ?? [];
    let ok = true;
    const itemCount = this.lengthOf(node);
    if (length !== undefined && itemCount !== length) {
      this.error(node, path, `expected ${length} numbers (${lengthRole}), found ${itemCount}`);
      ok = false;
    }
    const out = new Float64Array(items.length);
    items.forEach((item, k) => {
      const value = this.readNumber(item, () => [...path, this.indexOf(item, k)]);
      if (value === undefined) ok = false; else out[k] = value;
    });
    return ok && length !== undefined ? out : undefined;
  }

  /**
   * A (rows, cols) matrix as rows of numbers, flattened row-major, or one number filling it.
   * Unknown rows/cols (sizes invalid elsewhere): only the entries are checked.
   */
  private readMatrix(node: Node, path: Path, rows: number | undefined, cols: number | undefined): Float64Array | undefined {
    const known = rows !== undefined && cols !== undefined;
    const expected = known ? `${rows} rows of ${cols} numbers` : 'rows of numbers';
    if (node.type === 'number') {
      const value = this.readNumber(node, path);
      return value === undefined || !known ? undefined : new Float64Array(rows * cols).fill(value);
    }
    if (node.type !== 'array') {
      this.error(node, path, `expected ${expected} or one number, found ${this.describe(node)}`);
      return undefined;
    }
    const rowNodes = node.children ?? [];
    const rowCount = this.lengthOf(node);
    let ok = known;
    if (known && rowCount !== rows) {
      this.error(node, path, `expected ${expected}, found ${rowCount} row${rowCount === 1 ? '' : 's'}`);
      ok = false;
    }
    const out = known ? new Float64Array(rows * cols) : undefined;
    rowNodes.forEach((rowNode, childRow) => {
      const r = this.indexOf(rowNode, childRow);
      if (rowNode.type !== 'array') {
        this.error(rowNode, [...path, r], `expected ${expected}, row ${r} is ${this.describe(rowNode)}`, path);
        ok = false;
        return;
      }
      const entries = rowNode.children ?? [];
      const entryCount = this.lengthOf(rowNode);
      if (cols !== undefined && entryCount !== cols) {
        this.error(rowNode, [...path, r], `expected ${expected}, row ${r} has ${entryCount}`, path);
        ok = false;
      }
      entries.forEach((entry, c) => {
        // the file's index only when reporting: a shifted entry means a syntax error, so no spec is built
        const value = this.readNumber(entry, () => [...path, r, this.indexOf(entry, c)]);
        if (value === undefined) ok = false;
        else if (out && cols !== undefined && r < rows! && c < cols) out[r * cols + c] = value;
      });
    });
    return ok ? out : undefined;
  }

  private readShaped(node: Node, path: Path, shape: Shape | undefined): Float64Array | undefined {
    if (!shape) {
      // size unknown: accept either form and check the entries
      return node.type === 'array' && node.children?.some(child => child.type === 'array')
        ? this.readMatrix(node, path, undefined, undefined)
        : this.readVector(node, path, undefined, '');
    }
    return shape.kind === 'matrix'
      ? this.readMatrix(node, path, shape.rows, shape.cols)
      : this.readVector(node, path, shape.length, shape.role);
  }

  // ---- the spec ----

  run(): Spec | undefined {
    const syntaxErrors: ParseError[] = [];
    this.root = parseTree(this.text, syntaxErrors, PARSE_OPTIONS);
    if (syntaxErrors.length > 0) this.reportSyntaxErrors();
    const root = this.root;
    if (!root) {
      if (syntaxErrors.length === 0) this.error({ offset: 0, length: 0 }, [], 'expected a JSON object describing the network, found an empty file');
      return undefined;
    }
    if (root.type !== 'object') {
      this.error(root, [], `expected a JSON object describing the network, found ${this.describe(root)}`);
      return undefined;
    }
    const props = this.properties(root, []);
    const value = (key: string): Node | undefined => props.get(key)?.value;

    for (const [key, { key: keyNode }] of props) {
      if (!TOP_LEVEL_KEYS.includes(key)) {
        const suggestion = closest(key, TOP_LEVEL_KEYS);
        this.warning(keyNode, [key], `unknown key, ignored${suggestion ? ` (did you mean "${suggestion}"?)` : ''}; known keys: ${TOP_LEVEL_KEYS.filter(k => k !== '$schema').join(', ')}`);
      }
    }

    let name: string | undefined;
    const nameNode = value('name');
    if (nameNode) name = this.readString(nameNode, ['name']);
    const descriptionNode = value('description');
    if (descriptionNode) this.readString(descriptionNode, ['description']);

    let cell: CellKind | undefined = 'lstm';
    const cellNode = value('cell');
    if (cellNode) {
      if (cellNode.type === 'string' && (CELL_KINDS as readonly string[]).includes(cellNode.value)) cell = cellNode.value as CellKind;
      else {
        this.error(cellNode, ['cell'], `expected one of ${CELL_KINDS.map(k => `"${k}"`).join(', ')}, found ${this.describe(cellNode)}`);
        cell = undefined;
      }
    }

    const I = this.requiredSize(root, props, 'inputSize', 'inputs per step');
    let H = this.requiredSize(root, props, 'hiddenSize', 'hidden units');

    if (cell && H !== undefined && I !== undefined) {
      const count = parameterCount(cell, H, I);
      if (count > MAX_PARAMETERS) {
        this.error(value('hiddenSize')!, ['hiddenSize'], `${cellPhrase(cell)} with hiddenSize ${H} and inputSize ${I} has ${count} weights; at most ${MAX_PARAMETERS} are supported`);
        H = undefined;
      }
    }

    const inputs = this.readInputs(root, value('inputs'), I, H);
    // T is known from the row count even when some rows are invalid, so tokens can still be checked
    const inputsNode = value('inputs');
    const T = inputs?.T ?? (inputsNode?.type === 'array' ? this.lengthOf(inputsNode) || undefined : undefined);
    const tokens = this.readTokens(value('tokens'), T);

    const h0Node = value('h0');
    const h0 = h0Node ? this.readVector(h0Node, ['h0'], H, 'hiddenSize') : undefined;
    const c0Node = value('c0');
    let c0: Float64Array | undefined;
    if (c0Node) {
      if (cell && !CELLS[cell].hasCellState) {
        this.warning(props.get('c0')!.key, ['c0'], `ignored: ${cellPhrase(cell)} has no cell state`);
      } else c0 = this.readVector(c0Node, ['c0'], H, 'hiddenSize');
    }

    const loss = this.readLoss(root, props.get('loss'), H);
    const params = this.readParameters(root, props, cell, H, I);

    if (!cell || H === undefined || I === undefined || !inputs || !loss || !params) return undefined;
    return {
      name,
      cell,
      inputSize: I,
      hiddenSize: H,
      T: inputs.T,
      params,
      h0: h0 ?? new Float64Array(H),
      c0: c0 ?? new Float64Array(H),
      inputs: inputs.data,
      tokens,
      loss,
    };
  }


  /** Reports the text's syntax errors (see scanSyntaxErrors) and keeps the shifted positions they cause. */
  private reportSyntaxErrors(): void {
    const scan = scanSyntaxErrors(this.text);
    this.sourceIndex = scan.sourceIndex;
    this.sourceLength = scan.sourceLength;
    for (const error of scan.errors) this.error({ offset: error.offset, length: error.length }, error.path, error.message);
  }

  /** An array child's position in the file, when an invalid token before it shifted it (see reportSyntaxErrors). */
  private indexOf(child: Node, childIndex: number): number {
    return this.sourceIndex?.get(child.offset) ?? childIndex;
  }

  /** The number of entries an array shows in the file, counting those jsonc-parser dropped. */
  private lengthOf(arrayNode: Node): number {
    return this.sourceLength?.get(arrayNode.offset) ?? arrayNode.children?.length ?? 0;
  }

  private requiredSize(root: Node, props: Map<string, { key: Node; value?: Node }>, key: string, role: string): number | undefined {
    const entry = props.get(key);
    if (!entry) {
      this.error(this.missingAnchor(root), [key], `missing; expected a positive integer (${role})`);
      return undefined;
    }
    return entry.value ? this.readPositiveInteger(entry.value, [key], role) : undefined;
  }

  private readInputs(root: Node, node: Node | undefined, I: number | undefined, H: number | undefined): { data: Float64Array; T: number } | undefined {
    const path = ['inputs'];
    if (!node) {
      if (!this.hasKey(root, 'inputs')) this.error(this.missingAnchor(root), path, `missing; expected at least one input row of ${I ?? 'inputSize'} numbers`);
      return undefined;
    }
    if (node.type !== 'array') {
      this.error(node, path, `expected an array of input rows (one per time step), found ${this.describe(node)}`);
      return undefined;
    }
    const rows = node.children ?? [];
    const T = this.lengthOf(node);
    if (T === 0) {
      this.error(node, path, `expected at least one input row of ${I ?? 'inputSize'} numbers, found an empty array`);
      return undefined;
    }
    // a row jsonc-parser dropped (a syntax error, reported already) leaves a hole
    let ok = I !== undefined && rows.length === T;
    if (H !== undefined && T * H > MAX_STEP_UNITS) {
      this.error(node, path, `${T} steps with hiddenSize ${H} is too large a trace (T·H = ${T * H}); at most ${MAX_STEP_UNITS} is supported`);
      ok = false;
    }
    const data = new Float64Array(T * (I ?? 0));
    rows.forEach((row, childIndex) => {
      const t = this.indexOf(row, childIndex);
      if (row.type === 'number' && I === 1) {
        const value = this.readNumber(row, [...path, t]);
        if (value === undefined) ok = false; else data[t] = value;
        return;
      }
      if (row.type !== 'array') {
        this.error(row, [...path, t], `expected ${I ?? 'inputSize'} numbers (inputSize), found ${this.describe(row)}`);
        ok = false;
        return;
      }
      const vector = this.readVector(row, [...path, t], I, 'inputSize');
      if (vector && I !== undefined) data.set(vector, t * I); else ok = false;
    });
    return ok ? { data, T } : undefined;
  }

  private hasKey(objectNode: Node, key: string): boolean {
    return (objectNode.children ?? []).some(property => property.children?.[0]?.value === key);
  }

  private readTokens(node: Node | undefined, T: number | undefined): string[] | undefined {
    if (!node) return undefined;
    if (node.type !== 'array') {
      this.error(node, ['tokens'], `expected an array of strings (one label per input), found ${this.describe(node)}`);
      return undefined;
    }
    const items = node.children ?? [];
    const labelCount = this.lengthOf(node);
    if (T !== undefined && labelCount !== T) {
      this.error(node, ['tokens'], `expected ${T} labels (one per input row), found ${labelCount}`);
    }
    const tokens: string[] = [];
    items.forEach((item, k) => {
      const token = this.readString(item, ['tokens', this.indexOf(item, k)]);
      if (token !== undefined) tokens.push(token);
    });
    return tokens.length === items.length && items.length === labelCount ? tokens : undefined;
  }

  private readLoss(root: Node, entry: { key: Node; value?: Node } | undefined, H: number | undefined): LossSpec | undefined {
    const override = this.options.loss;
    if (!entry) {
      if (override === 'mse') {
        this.error(this.missingAnchor(root), ['loss'], `--loss mse needs "loss": {"kind": "mse", "target": [${H ?? 'hiddenSize'} numbers]} in the spec`);
        return undefined;
      }
      return { kind: 'sum' };
    }
    const node = entry.value;
    if (!node) return undefined;
    if (node.type !== 'object') {
      this.error(node, ['loss'], `expected an object like {"kind": "sum"} or {"kind": "mse", "target": [...]}, found ${this.describe(node)}`);
      return undefined;
    }
    const props = this.properties(node, ['loss']);
    for (const [key, { key: keyNode }] of props) {
      if (!LOSS_KEYS.includes(key)) this.warning(keyNode, ['loss', key], `unknown key, ignored; expected "kind" or "target"`);
    }
    let kind: 'sum' | 'mse' | undefined;
    const kindNode = props.get('kind')?.value;
    if (!props.has('kind')) {
      this.error(this.missingAnchor(node), ['loss', 'kind'], 'missing; expected "sum" or "mse"');
    } else if (kindNode) {
      if (kindNode.type === 'string' && (kindNode.value === 'sum' || kindNode.value === 'mse')) kind = kindNode.value;
      else this.error(kindNode, ['loss', 'kind'], `expected "sum" or "mse", found ${this.describe(kindNode)}`);
    }
    const targetEntry = props.get('target');
    const effective = override ?? kind;
    if (effective === undefined) return undefined;
    if (effective === 'sum') {
      if (targetEntry && kind === 'sum') this.warning(targetEntry.key, ['loss', 'target'], 'ignored: a sum loss has no target');
      return { kind: 'sum' };
    }
    if (!targetEntry) {
      const why = kind === 'mse' ? 'an mse loss needs' : '--loss mse needs';
      this.error(this.missingAnchor(node), ['loss', 'target'], `missing; ${why} a target of ${H ?? 'hiddenSize'} numbers`);
      return undefined;
    }
    const target = targetEntry.value ? this.readVector(targetEntry.value, ['loss', 'target'], H, 'hiddenSize') : undefined;
    return target ? { kind: 'mse', target } : undefined;
  }

  private readParameters(root: Node, props: Map<string, { key: Node; value?: Node }>, cell: CellKind | undefined,
    H: number | undefined, I: number | undefined): Record<string, Float64Array> | undefined {
    const weightsEntry = props.get('weights');
    const initEntry = props.get('init');
    const sizesKnown = H !== undefined && I !== undefined;
    const textbookNames = Object.keys(textbookParameterShapes(cell ?? 'lstm', 1, 1));

    if (initEntry) {
      const init = this.readInit(initEntry, cell);
      if (weightsEntry) {
        this.warning(initEntry.key, ['init'], 'ignored: "weights" is given, and explicit weights win');
      } else {
        if (!init || !cell || !sizesKnown) return undefined;
        return initWeights(cell, H, I, init);
      }
    }
    if (!weightsEntry) {
      const pytorch = cell && CELLS[cell].pytorch !== undefined ? ` (or PyTorch's ${PYTORCH_NAMES.join(', ')})` : '';
      this.error(this.missingAnchor(root), ['weights'],
        `missing, and no "init" either: ${cell ? `${cellPhrase(cell)} needs ${textbookNames.join(', ')}${pytorch}` : 'give the weights'}, or give "init": {"seed": 1} for random weights`);
      return undefined;
    }
    const node = weightsEntry.value;
    if (!node) return undefined;
    if (node.type !== 'object') {
      this.error(node, ['weights'], `expected an object of named weights (${textbookNames.join(', ')}), found ${this.describe(node)}`);
      return undefined;
    }
    const weightProps = this.properties(node, ['weights']);
    const textbookShapes = cell ? textbookParameterShapes(cell, H ?? 0, I ?? 0) : undefined;
    const pytorchShapes = cell ? pytorchParameterShapes(cell, H ?? 0, I ?? 0) : undefined;
    const allTextbook = new Set(CELL_KINDS.flatMap(kind => Object.keys(textbookParameterShapes(kind, 1, 1))));

    const values: Record<string, Float64Array | undefined> = {};
    let firstTextbook: Node | undefined;
    let firstPytorch: Node | undefined;
    let ok = cell !== undefined && sizesKnown;
    for (const [key, { key: keyNode, value: valueNode }] of weightProps) {
      const path = ['weights', key];
      const isPytorch = PYTORCH_NAMES.includes(key);
      if (isPytorch && pytorchShapes) firstPytorch ??= keyNode;
      else if (textbookShapes && key in textbookShapes) firstTextbook ??= keyNode;
      let shape: Shape | undefined;
      if (!cell) shape = undefined;
      else if (isPytorch && !pytorchShapes) {
        this.error(keyNode, path, `PyTorch names are accepted for ${listWithAnd(pytorchCells())} cells, not ${cell}; use ${textbookNames.join(', ')}`);
        ok = false;
        continue;
      } else if (isPytorch || (textbookShapes && key in textbookShapes)) {
        shape = sizesKnown ? (isPytorch ? pytorchShapes! : textbookShapes!)[key] : undefined;
      } else {
        this.error(keyNode, path, this.unknownWeightMessage(key, cell, textbookNames, allTextbook));
        ok = false;
        continue;
      }
      if (!valueNode) { ok = false; continue; }
      values[key] = this.readShaped(valueNode, path, shape);
      if (!values[key]) ok = false;
    }
    if (!cell) return undefined;
    // PyTorch names on a cell without a PyTorch layout were reported above; a list of missing
    // textbook names on top would only repeat it
    if (!pytorchShapes && PYTORCH_NAMES.some(n => weightProps.has(n))) return undefined;

    if (firstTextbook && firstPytorch) {
      const later = firstTextbook.offset > firstPytorch.offset ? firstTextbook : firstPytorch;
      this.error(later, ['weights', later.value as string],
        `mixes PyTorch names (${PYTORCH_NAMES.filter(n => weightProps.has(n)).join(', ')}) with textbook names (${textbookNames.filter(n => weightProps.has(n)).join(', ')}); use one naming scheme`);
      return undefined;
    }
    const names = firstPytorch ? PYTORCH_NAMES : textbookNames;
    const missing = names.filter(n => !weightProps.has(n));
    if (missing.length > 0) {
      this.error(weightsEntry.key, ['weights'], `missing ${missing.join(', ')} for ${cellPhrase(cell)}${firstPytorch ? ' (PyTorch names)' : ''}`);
      return undefined;
    }
    if (!ok || H === undefined || I === undefined) return undefined;
    const complete = values as Record<string, Float64Array>;
    return firstPytorch ? mapPyTorch(cell, H, I, complete) : complete;
  }

  private unknownWeightMessage(key: string, cell: CellKind, textbookNames: string[], allTextbook: Set<string>): string {
    const hasPytorch = CELLS[cell].pytorch !== undefined;
    const expected = `expected ${textbookNames.join(', ')}${hasPytorch ? ` or ${PYTORCH_NAMES.join(', ')}` : ''}`;
    if (PYTORCH_NAME_PATTERN.test(key)) {
      return `unknown weight for ${cellPhrase(cell)}: only one layer, one direction (the _l0 tensors) is supported; ${expected}`;
    }
    if (allTextbook.has(key)) {
      const owners = CELL_KINDS.filter(kind => key in textbookParameterShapes(kind, 1, 1));
      return `unknown weight for ${cellPhrase(cell)} (it belongs to ${owners.join(', ')}); ${expected}`;
    }
    const suggestion = closest(key, [...textbookNames, ...(hasPytorch ? PYTORCH_NAMES : [])]);
    return `unknown weight for ${cellPhrase(cell)}${suggestion ? ` (did you mean "${suggestion}"?)` : ''}; ${expected}`;
  }

  private readInit(entry: { key: Node; value?: Node }, cell: CellKind | undefined): { seed: number; scale: number; forgetBias: number } | undefined {
    const node = entry.value;
    if (!node) return undefined;
    if (node.type !== 'object') {
      this.error(node, ['init'], `expected an object like {"seed": 1, "scale": 0.1, "forgetBias": 1}, found ${this.describe(node)}`);
      return undefined;
    }
    const props = this.properties(node, ['init']);
    for (const [key, { key: keyNode }] of props) {
      if (!INIT_KEYS.includes(key)) this.warning(keyNode, ['init', key], `unknown key, ignored; expected ${INIT_KEYS.join(', ')}`);
    }
    let ok = true;
    let seed = 0;
    const seedNode = props.get('seed')?.value;
    if (seedNode) {
      if (seedNode.type !== 'number' || !Number.isInteger(seedNode.value) || seedNode.value < 0 || seedNode.value > 0xffffffff) {
        this.error(seedNode, ['init', 'seed'], `expected an integer from 0 to 4294967295, found ${this.describe(seedNode)}`);
        ok = false;
      } else seed = seedNode.value;
    }
    let scale = 0.1;
    const scaleNode = props.get('scale')?.value;
    if (scaleNode) {
      const value = this.readNumber(scaleNode, ['init', 'scale']);
      if (value === undefined) ok = false;
      else if (value < 0) {
        this.error(scaleNode, ['init', 'scale'], `expected a number >= 0, found ${this.describe(scaleNode)}`);
        ok = false;
      } else scale = value;
    }
    let forgetBias = 0;
    const forgetBiasEntry = props.get('forgetBias');
    if (forgetBiasEntry?.value) {
      const value = this.readNumber(forgetBiasEntry.value, ['init', 'forgetBias']);
      if (value === undefined) ok = false;
      else {
        forgetBias = value;
        if (cell && !CELLS[cell].forgetBiasParameter && value !== 0) this.warning(forgetBiasEntry.key, ['init', 'forgetBias'], `ignored: ${cellPhrase(cell)} has no forget gate`);
      }
    }
    return ok ? { seed, scale, forgetBias } : undefined;
  }
}
