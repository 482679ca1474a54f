// The spec validator: walks jsonc-parser's tree of a spec's text and builds a Spec, reporting
// every problem with its JSON path and position (see index.ts for the decisions it follows).
// Value readers each report their own problems and return undefined when invalid, so one pass
// collects every problem. What a cell needs (its parameters, PyTorch layout, cell state, forget
// bias) comes from the cell table (cells.ts) through shapes.ts and pytorchNames.ts.

import { parseTree, type Node, type ParseError } from 'jsonc-parser';
import { CELLS } from '../cells';
import { pytorchToStackParams } from '../framework';
import { initWeights } from '../init';
import type { LinearHead, StackLoss } from '../loss';
import type { StackConfig, StackParams } from '../stack';
import type { StackSample } from '../stackTrace';
import type { CellKind, LossSpec, Spec, SpecIssue } from '../types';
import type { ResolvedModel, SpecFileResolver } from './files';
import { CELL_KINDS } from '../types';
import { mapPyTorch, PYTORCH_NAME_PATTERN, PYTORCH_NAMES, pytorchCells, stackPytorchShapes } from './pytorchNames';
import { parameterCount, textbookParameterShapes, type Shape } from './shapes';
import { formatPath, PARSE_OPTIONS, SourceLines, type Path } from './sourcePositions';
import { closest } from './suggestions';
import { numbersOf } from './strictJson';
import { scanSyntaxErrors } from './syntaxErrors';

export const MAX_SIZE = 4096;
export const MAX_PARAMETERS = 1 << 24;
export const MAX_STEP_UNITS = 1 << 21;

export interface ParseSpecOptions {
  /** Overrides the spec's loss kind (the CLI's `--loss`); `mse` then requires `loss.target`. */
  loss?: 'sum' | 'mse';
  /** Reads `model` and `inputs: {"file"}` (src/runtime/specLoader.ts); without it such specs get an error. */
  files?: SpecFileResolver;
  /** Also returns the text's shape (spec/textShape.ts), as the worker does. */
  textShape?: boolean;
}

const TOP_LEVEL_KEYS = ['$schema', 'name', 'description', 'model', 'cell', 'resetAfter', 'inputSize', 'hiddenSize',
  'numLayers', 'bidirectional', 'weights', 'init', 'h0', 'c0', 'inputs', 'tokens', 'samples', 'loss'];
/** the keys a single-layer spec uses, the list an unknown key's warning prints (stack and model keys are suggested too) */
const CORE_KEYS = ['name', 'description', 'cell', 'inputSize', 'hiddenSize', 'weights', 'init', 'h0', 'c0', 'inputs', 'tokens', 'loss'];
const INIT_KEYS = ['seed', 'scale', 'forgetBias'];
const LOSS_KEYS = ['kind', 'target', 'at', 'on', 'head', 'dL_dy'];
const LOSS_KINDS = ['sum', 'mse', 'crossEntropy', 'given'] as const;
const MODEL_KEYS = ['file', 'format', 'prefix'];
const SAMPLE_KEYS = ['inputs', 'target', 'dL_dy', 'tokens'];
const NO_READER = 'model files need a file reader (open the spec from a folder, or use the CLI)';

type Props = Map<string, { key: Node; value?: Node }>;

/** The loss as read, before its per-sample data (target, dL_dy) is known. */
interface LossTemplate {
  kind: 'sum' | 'mse' | 'crossEntropy' | 'given';
  at?: 'last' | 'every';
  on?: 'output' | 'h_n';
  head?: LinearHead;
  headPrefix?: string;
  /** loss.target / loss.dL_dy nodes, the default for every sample */
  target?: Node;
  dL_dy?: Node;
  /** only sum/mse at the last step: the single-layer engine can compute it */
  legacy: boolean;
}

/** The weights as read: the stack's per-entry textbook parameters, `single` for one layer in one direction. */
interface Weights {
  stack: StackParams;
  single?: Record<string, Float64Array>;
  /** the names the weights came with (PyTorch names in `weights`, or a model file) */
  framework?: { prefix: string; layout?: ResolvedModel['layout']; tensors?: Record<string, Float64Array> };
}

/**
 * A model file's module (PyTorch layout, unprefixed names) as the stack's textbook parameters.
 * ONNX peepholes (p_i_l0 p_o_l0 p_f_l0) make it lstm_peephole: the gate weights map like an lstm's.
 */
function modelStackParams(model: ResolvedModel, config: StackConfig): StackParams {
  if (config.cell !== 'lstm_peephole') return pytorchToStackParams(config, model.tensors, '');
  const params = pytorchToStackParams({ ...config, cell: 'lstm' }, model.tensors, '');
  const D = config.bidirectional ? 2 : 1;
  params.entries.forEach((entry, e) => {
    const suffix = `_l${Math.floor(e / D)}${e % D === 1 ? '_reverse' : ''}`;
    for (const gate of ['f', 'i', 'o']) {
      const p = model.tensors[`p_${gate}${suffix}`];
      if (!p) throw new Error(`p_${gate}${suffix}: peephole tensor missing`);
      entry[`p_${gate}`] = p;
    }
  });
  return { ...params, cell: 'lstm_peephole' };
}

/** "an lstm cell", "a gru cell": for messages. */
function cellPhrase(cell: CellKind): string {
  return CELLS[cell].phrase;
}

/** "lstm, gru and rnn" */
function listWithAnd(items: readonly string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function allFinite(numbers: readonly number[]): boolean {
  for (let k = 0; k < numbers.length; k++) if (!Number.isFinite(numbers[k])) return false;
  return true;
}

export class SpecValidator {
  readonly issues: SpecIssue[] = [];
  /** files the spec names (model.file, inputs.file), as written */
  readonly dependencies: string[] = [];
  /** built on the first report: a spec with nothing to report never scans its text for lines */
  private linesOfText: SourceLines | undefined;
  private root: Node | undefined;
  /** The text's JSON tree, once run() has parsed it. */
  get jsonRoot(): Node | undefined { return this.root; }
  /** Only for a file with syntax errors: array children whose file position differs from their child index. */
  private sourceIndex: Map<number, number> | undefined;
  /** Only for a file with syntax errors: arrays whose entry count in the file differs from their child count. */
  private sourceLength: Map<number, number> | undefined;
  /** hiddenSize once known, for messages ("(hiddenSize)" when a width is H) */
  private hidden: number | undefined;

  /**
   * `tree`: the text's tree without positions (strictJson.ts), read instead of parsing the text;
   * parseSpec validates again from the text when this found anything to report.
   */
  constructor(private readonly text: string, private readonly options: ParseSpecOptions, private readonly tree?: Node) {}

  private get lines(): SourceLines {
    return this.linesOfText ??= new SourceLines(this.text);
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
    let ok = true;
    const itemCount = this.lengthOf(node);
    if (length !== undefined && itemCount !== length) {
      this.error(node, path, `expected ${length} numbers (${lengthRole}), found ${itemCount}`);
      ok = false;
    }
    // JSON.parse's numbers (strictJson.ts), when all finite: nothing to report about the entries
    const numbers = numbersOf(node);
    if (numbers && allFinite(numbers)) return ok && length !== undefined ? Float64Array.from(numbers) : undefined;
    const items = node.children ?? [];
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
      const entryCount = this.lengthOf(rowNode);
      if (cols !== undefined && entryCount !== cols) {
        this.error(rowNode, [...path, r], `expected ${expected}, row ${r} has ${entryCount}`, path);
        ok = false;
      }
      // JSON.parse's numbers (strictJson.ts), when all finite: copied as they are
      const numbers = numbersOf(rowNode);
      if (numbers && allFinite(numbers)) {
        if (out && cols !== undefined && r < rows!) for (let c = 0; c < cols && c < numbers.length; c++) out[r * cols + c] = numbers[c];
        return;
      }
      const entries = rowNode.children ?? [];
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
    this.root = this.tree ?? parseTree(this.text, syntaxErrors, PARSE_OPTIONS);
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
        this.warning(keyNode, [key], `unknown key, ignored${suggestion ? ` (did you mean "${suggestion}"?)` : ''}; known keys: ${CORE_KEYS.join(', ')}`);
      }
    }

    let name: string | undefined;
    const nameNode = value('name');
    if (nameNode) name = this.readString(nameNode, ['name']);
    const descriptionNode = value('description');
    if (descriptionNode) this.readString(descriptionNode, ['description']);

    const modelEntry = props.get('model');
    const model = modelEntry ? this.readModel(modelEntry) : undefined;
    // a model that failed to load leaves its sizes unknown: no cascade of "missing" errors
    const fromModel = modelEntry !== undefined;

    let cell: CellKind | undefined = model?.cell ?? 'lstm';
    const cellNode = value('cell');
    if (cellNode) {
      if (cellNode.type === 'string' && (CELL_KINDS as readonly string[]).includes(cellNode.value)) {
        if (model && cellNode.value !== model.cell) this.error(cellNode, ['cell'], `expected "${model.cell}" (the model file ${model.file} holds ${cellPhrase(model.cell)}), found ${this.describe(cellNode)}`);
        else cell = cellNode.value as CellKind;
      } else {
        this.error(cellNode, ['cell'], `expected one of ${CELL_KINDS.map(k => `"${k}"`).join(', ')}, found ${this.describe(cellNode)}`);
        cell = undefined;
      }
    } else if (fromModel && !model) cell = undefined;

    const I = this.sizeOf(root, props, 'inputSize', 'inputs per step', model?.inputSize, fromModel);
    let H = this.sizeOf(root, props, 'hiddenSize', 'hidden units', model?.hiddenSize, fromModel);
    this.hidden = H;
    const L = this.layersOf(props, model);
    const bidirectional = this.booleanOf(props, 'bidirectional', model?.bidirectional, false, model);
    const D = bidirectional ? 2 : 1;
    const resetAfter = this.resetAfterOf(props, cell, model);

    if (cell && H !== undefined && I !== undefined && L !== undefined) {
      const count = D * (parameterCount(cell, H, I) + (L - 1) * parameterCount(cell, H, D * H));
      if (count > MAX_PARAMETERS) {
        const at = value('hiddenSize') ?? modelEntry?.value ?? root;
        this.error(at, [value('hiddenSize') ? 'hiddenSize' : 'model'], `${cellPhrase(cell)} with hiddenSize ${H} and inputSize ${I}${L * D > 1 ? ` (${L} layers × ${D} directions)` : ''} has ${count} weights; at most ${MAX_PARAMETERS} are supported`);
        H = undefined;
      }
    }
    const LD = L === undefined ? undefined : L * D;

    const samplesEntry = props.get('samples');
    const inputsNode = value('inputs');
    let inputs: { data: Float64Array; T: number } | undefined;
    if (inputsNode || !samplesEntry) inputs = this.readInputs(root, inputsNode, I, H === undefined || LD === undefined ? undefined : H * LD, ['inputs']);
    const samples = samplesEntry ? this.readSamples(samplesEntry, I, H === undefined || LD === undefined ? undefined : H * LD) : undefined;
    // what the stepper shows: top-level inputs, or samples[0]
    const shownInputs = inputs ?? samples?.[0]?.inputs;
    // T is known from the row count even when some rows are invalid, so tokens can still be checked
    const T = shownInputs?.T ?? (inputsNode?.type === 'array' ? this.lengthOf(inputsNode) || undefined : undefined);
    const tokens = this.readTokens(value('tokens'), T);

    const h0Node = value('h0');
    const h0 = h0Node ? this.readState(h0Node, ['h0'], LD, H) : undefined;
    const c0Node = value('c0');
    let c0: Float64Array | undefined;
    if (c0Node) {
      if (cell && !CELLS[cell].hasCellState) {
        this.warning(props.get('c0')!.key, ['c0'], `ignored: ${cellPhrase(cell)} has no cell state`);
      } else c0 = this.readState(c0Node, ['c0'], LD, H);
    }

    const template = this.readLossTemplate(root, props.get('loss'), H, D, model);
    const isStack = LD !== undefined && LD > 1;
    const needsStack = isStack || samplesEntry !== undefined || (template !== undefined && !template.legacy) || resetAfter === false;
    const config: StackConfig | undefined = cell && H !== undefined && I !== undefined && L !== undefined
      ? { cell, inputSize: I, hiddenSize: H, numLayers: L, bidirectional, ...(cell === 'gru' && resetAfter === false ? { resetAfter: false } : {}) }
      : undefined;
    const weights = fromModel ? this.modelParameters(props, model, config) : this.readParameters(root, props, cell, H, I, config);

    if (!cell || H === undefined || I === undefined || L === undefined || LD === undefined || !shownInputs || !template || !weights || !config) return undefined;
    if (samplesEntry && !samples) return undefined;
    if (inputsNode && !inputs) return undefined;

    // the loss is the mean over `samples` only (docs/spec-format.md, "Samples"); without them the
    // top-level inputs are the one sample. With both, the top-level inputs are what the stepper
    // shows: the sample with equal inputs, else a display-only run outside the loss.
    const sampleList: { inputs: { data: Float64Array; T: number }; target?: Node; dL_dy?: Node; path: Path }[] = samples ?? [];
    if (!samples && inputs) sampleList.push({ inputs, path: ['loss'] });
    const stackSamples: StackSample[] = [];
    let lossesOk = true;
    for (const sample of sampleList) {
      const loss = this.sampleLoss(template, sample, D * H);
      if (!loss) lossesOk = false; else stackSamples.push({ T: sample.inputs.T, inputs: sample.inputs.data, loss });
    }
    let shownIndex = 0;
    let display: StackSample | undefined;
    if (samples && inputs) {
      const same = (a: Float64Array, b: Float64Array): boolean => a.length === b.length && a.every((v, k) => v === b[k]);
      shownIndex = samples.findIndex(sample => sample.inputs.T === inputs.T && same(sample.inputs.data, inputs.data));
      if (shownIndex < 0) {
        shownIndex = 0;
        const loss = this.sampleLoss(template, { inputs, path: ['loss'] }, D * H);
        if (!loss) lossesOk = false; else display = { T: inputs.T, inputs: inputs.data, loss };
      }
    }
    if (!lossesOk) return undefined;

    const shown = display ? { inputs } : sampleList[shownIndex];
    const h0Full = h0 ?? new Float64Array(LD * H);
    const c0Full = c0 ?? new Float64Array(LD * H);
    const framework = weights.framework ? { ...weights.framework, ...(template.headPrefix ? { headPrefix: template.headPrefix } : {}) } : undefined;
    const spec: Spec = {
      name,
      cell,
      inputSize: I,
      hiddenSize: H,
      T: shown.inputs!.T,
      params: weights.single ?? weights.stack.entries[0],
      h0: h0Full.slice(0, H),
      c0: c0Full.slice(0, H),
      inputs: shown.inputs!.data,
      tokens,
      loss: needsStack ? { kind: 'sum' } : (stackSamples[0].loss as LossSpec),
    };
    if (framework) spec.framework = framework;
    if (needsStack) spec.stack = { params: weights.stack, h0: h0Full, c0: c0Full, samples: stackSamples, ...(shownIndex ? { shown: shownIndex } : {}), ...(display ? { display } : {}), ...(tokens ? { tokens } : {}) };
    return spec;
  }

  // ---- model files ----

  private readModel(entry: { key: Node; value?: Node }): ResolvedModel | undefined {
    const node = entry.value;
    if (!node) return undefined;
    if (node.type !== 'object') {
      this.error(node, ['model'], `expected an object like {"file": "model.pt"}, found ${this.describe(node)}`);
      return undefined;
    }
    const props = this.properties(node, ['model']);
    for (const [key, { key: keyNode }] of props) {
      if (!MODEL_KEYS.includes(key)) this.warning(keyNode, ['model', key], `unknown key, ignored; expected ${MODEL_KEYS.join(', ')}`);
    }
    const fileNode = props.get('file')?.value;
    if (!props.has('file')) {
      this.error(this.missingAnchor(node), ['model', 'file'], 'missing; expected the model file\'s path, relative to the spec');
      return undefined;
    }
    if (!fileNode) return undefined;
    const file = this.readString(fileNode, ['model', 'file']);
    const formatNode = props.get('format')?.value;
    const format = formatNode ? this.readString(formatNode, ['model', 'format']) : undefined;
    const prefixNode = props.get('prefix')?.value;
    const prefix = prefixNode ? this.readString(prefixNode, ['model', 'prefix']) : undefined;
    if (file === undefined || (formatNode && format === undefined) || (prefixNode && prefix === undefined)) return undefined;
    if (!this.dependencies.includes(file)) this.dependencies.push(file);
    if (!this.options.files) {
      this.error(fileNode, ['model', 'file'], NO_READER);
      return undefined;
    }
    try {
      return this.options.files.model({ file, ...(format !== undefined ? { format } : {}), ...(prefix !== undefined ? { prefix } : {}) });
    } catch (error) {
      // a bad prefix or format is the file's answer about that key: point at the key when given
      const message = error instanceof Error ? error.message : String(error);
      const at = / prefix: /.test(message) && prefixNode ? { node: prefixNode, path: ['model', 'prefix'] }
        : / format: /.test(message) && formatNode ? { node: formatNode, path: ['model', 'format'] }
          : { node: fileNode, path: ['model', 'file'] };
      this.error(at.node, at.path, message);
      return undefined;
    }
  }

  /** A size from the spec, or from the model file (then the spec's must agree). */
  private sizeOf(root: Node, props: Props, key: string, role: string, fromFile: number | undefined, hasModel: boolean): number | undefined {
    const entry = props.get(key);
    if (!hasModel) return this.requiredSize(root, props, key, role);
    if (!entry?.value) return fromFile;
    const given = this.readPositiveInteger(entry.value, [key], role);
    if (given !== undefined && fromFile !== undefined && given !== fromFile) {
      this.error(entry.value, [key], `expected ${fromFile} (from the model file), found ${given}`);
      return undefined;
    }
    return fromFile ?? given;
  }

  private layersOf(props: Props, model: ResolvedModel | undefined): number | undefined {
    const entry = props.get('numLayers');
    if (!entry?.value) return model?.numLayers ?? 1;
    const given = this.readPositiveInteger(entry.value, ['numLayers'], 'layers');
    if (given !== undefined && model && given !== model.numLayers) {
      this.error(entry.value, ['numLayers'], `expected ${model.numLayers} (from the model file), found ${given}`);
      return undefined;
    }
    return model?.numLayers ?? given;
  }

  private booleanOf(props: Props, key: string, fromFile: boolean | undefined, fallback: boolean, model: ResolvedModel | undefined): boolean {
    const node = props.get(key)?.value;
    if (!node) return fromFile ?? fallback;
    if (node.type !== 'boolean') {
      this.error(node, [key], `expected true or false, found ${this.describe(node)}`);
      return fromFile ?? fallback;
    }
    if (model && fromFile !== undefined && node.value !== fromFile) this.error(node, [key], `expected ${fromFile} (from the model file), found ${String(node.value)}`);
    return fromFile ?? (node.value as boolean);
  }

  private resetAfterOf(props: Props, cell: CellKind | undefined, model: ResolvedModel | undefined): boolean | undefined {
    const entry = props.get('resetAfter');
    if (entry && cell && cell !== 'gru') {
      this.warning(entry.key, ['resetAfter'], `ignored: only a gru cell has a reset gate, not ${cellPhrase(cell)}`);
      return undefined;
    }
    if (cell !== 'gru') return undefined;
    return this.booleanOf(props, 'resetAfter', model ? model.resetAfter ?? true : undefined, true, model);
  }

  /** The weights from the model file: `weights` and `init` have no place next to it. */
  private modelParameters(props: Props, model: ResolvedModel | undefined, config: StackConfig | undefined): Weights | undefined {
    const weightsEntry = props.get('weights');
    if (weightsEntry) this.error(weightsEntry.key, ['weights'], 'not allowed with "model": the weights come from the model file');
    const initEntry = props.get('init');
    if (initEntry) this.warning(initEntry.key, ['init'], 'ignored: the weights come from the model file');
    if (!model || !config || weightsEntry) return undefined;
    try {
      const stack = modelStackParams(model, config);
      return { stack, single: undefined, framework: { prefix: model.prefix, layout: model.layout, tensors: model.tensors } };
    } catch (error) {
      const fileNode = props.get('model')?.value?.children?.find(p => p.children?.[0]?.value === 'file')?.children?.[1];
      this.error(fileNode ?? props.get('model')!.key, ['model', 'file'], `${model.file}: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
  }

  // ---- states, samples, losses of stacks ----

  /** h0/c0: (H) for one layer and direction (a flat vector), else (L·D, H) in PyTorch's order. */
  private readState(node: Node, path: Path, LD: number | undefined, H: number | undefined): Float64Array | undefined {
    // one layer and direction: a flat vector, or PyTorch's (1, H)
    const oneRow = node.type === 'array' && node.children?.length === 1 && node.children[0].type === 'array';
    if (LD === 1 && oneRow) return this.readMatrix(node, path, 1, H);
    if (LD === undefined || LD === 1) return this.readVector(node, path, H, 'hiddenSize');
    if (node.type === 'array' && (node.children ?? []).some(child => child.type !== 'array')) {
      this.error(node, path, `expected ${LD} rows of ${H ?? 'hiddenSize'} numbers (numLayers × directions, PyTorch's order l0 fwd, l0 rev, l1 fwd, …), found a flat vector`);
      return undefined;
    }
    return this.readMatrix(node, path, LD, H);
  }

  private readSamples(entry: { key: Node; value?: Node }, I: number | undefined, W: number | undefined):
    { inputs: { data: Float64Array; T: number }; target?: Node; dL_dy?: Node; path: Path }[] | undefined {
    const node = entry.value;
    if (!node) return undefined;
    if (node.type !== 'array' || (node.children ?? []).length === 0) {
      this.error(node, ['samples'], `expected an array of samples like [{"inputs": [[…]], "target": …}], found ${this.describe(node)}`);
      return undefined;
    }
    let ok = true;
    const out: { inputs: { data: Float64Array; T: number }; target?: Node; dL_dy?: Node; path: Path }[] = [];
    (node.children ?? []).forEach((sampleNode, childIndex) => {
      const k = this.indexOf(sampleNode, childIndex);
      const path = ['samples', k];
      if (sampleNode.type !== 'object') {
        this.error(sampleNode, path, `expected an object like {"inputs": [[…]], "target": …}, found ${this.describe(sampleNode)}`);
        ok = false;
        return;
      }
      const props = this.properties(sampleNode, path);
      for (const [key, { key: keyNode }] of props) {
        if (!SAMPLE_KEYS.includes(key)) this.warning(keyNode, [...path, key], `unknown key, ignored; expected ${SAMPLE_KEYS.join(', ')}`);
      }
      const inputsNode = props.get('inputs')?.value;
      if (!props.has('inputs')) {
        this.error(this.missingAnchor(sampleNode), [...path, 'inputs'], `missing; expected at least one input row of ${I ?? 'inputSize'} numbers`);
        ok = false;
        return;
      }
      const inputs = inputsNode ? this.readInputs(sampleNode, inputsNode, I, W, [...path, 'inputs']) : undefined;
      if (!inputs) { ok = false; return; }
      out.push({ inputs, target: props.get('target')?.value, dL_dy: props.get('dL_dy')?.value, path });
    });
    return ok ? out : undefined;
  }

  private readLossTemplate(root: Node, entry: { key: Node; value?: Node } | undefined, H: number | undefined, D: number, model: ResolvedModel | undefined): LossTemplate | undefined {
    const override = this.options.loss;
    if (!entry) {
      if (override === 'mse') {
        this.error(this.missingAnchor(root), ['loss'], `--loss mse needs "loss": {"kind": "mse", "target": [${H === undefined ? 'hiddenSize' : D * H} numbers]} in the spec`);
        return undefined;
      }
      return { kind: 'sum', legacy: true };
    }
    const node = entry.value;
    if (!node) return undefined;
    if (node.type !== 'object') {
      this.error(node, ['loss'], `expected an object like {"kind": "sum"} or {"kind": "mse", "target": [...]}, found ${this.describe(node)}`);
      return undefined;
    }
    const props = this.properties(node, ['loss']);
    for (const [key, { key: keyNode }] of props) {
      if (!LOSS_KEYS.includes(key)) this.warning(keyNode, ['loss', key], `unknown key, ignored; expected ${LOSS_KEYS.map(k => `"${k}"`).join(', ')}`);
    }
    const kindsText = `${LOSS_KINDS.slice(0, -1).map(k => `"${k}"`).join(', ')} or "${LOSS_KINDS[LOSS_KINDS.length - 1]}"`;
    let kind: LossTemplate['kind'] | undefined;
    const kindNode = props.get('kind')?.value;
    if (!props.has('kind')) {
      this.error(this.missingAnchor(node), ['loss', 'kind'], `missing; expected ${kindsText}`);
    } else if (kindNode) {
      if (kindNode.type === 'string' && (LOSS_KINDS as readonly string[]).includes(kindNode.value)) kind = kindNode.value as LossTemplate['kind'];
      else this.error(kindNode, ['loss', 'kind'], `expected ${kindsText}, found ${this.describe(kindNode)}`);
    }
    let ok = true;
    let at: LossTemplate['at'];
    const atNode = props.get('at')?.value;
    if (atNode) {
      if (atNode.type === 'string' && (atNode.value === 'last' || atNode.value === 'every')) at = atNode.value;
      else { this.error(atNode, ['loss', 'at'], `expected "last" or "every", found ${this.describe(atNode)}`); ok = false; }
    }
    let on: LossTemplate['on'];
    const onNode = props.get('on')?.value;
    if (onNode) {
      if (onNode.type === 'string' && (onNode.value === 'output' || onNode.value === 'h_n')) on = onNode.value;
      else { this.error(onNode, ['loss', 'on'], `expected "output" or "h_n", found ${this.describe(onNode)}`); ok = false; }
    }
    if (on === 'h_n' && at === 'every') {
      this.error(onNode!, ['loss', 'on'], '"h_n" is one vector (the last state of each direction); it cannot be used with "at": "every"');
      ok = false;
    }
    const effective = override ?? kind;
    if (effective === undefined) return undefined;
    const targetEntry = props.get('target');
    const legacy = (effective === 'sum' || effective === 'mse') && at !== 'every' && on === undefined;
    const template: LossTemplate = { kind: effective, legacy, ...(at ? { at } : {}), ...(on ? { on } : {}) };
    if (effective === 'sum') {
      if (targetEntry && kind === 'sum') this.warning(targetEntry.key, ['loss', 'target'], 'ignored: a sum loss has no target');
    } else if (effective === 'mse' || effective === 'crossEntropy') {
      template.target = targetEntry?.value;
      if (!targetEntry) template.target = undefined;
    } else if (effective === 'given') {
      template.dL_dy = props.get('dL_dy')?.value;
    }
    if (effective === 'crossEntropy') {
      const headEntry = props.get('head');
      if (!headEntry) {
        this.error(this.missingAnchor(node), ['loss', 'head'], `missing; a crossEntropy loss needs a linear head: {"weight": [[…]], "bias": […]} (C × ${H === undefined ? 'D·H' : D * H}) or {"from": "fc"} (a model file's head)`);
        ok = false;
      } else if (headEntry.value) {
        const head = this.readHead(headEntry.value, H === undefined ? undefined : D * H, model);
        if (!head) ok = false; else { template.head = head.head; if (head.prefix !== undefined) template.headPrefix = head.prefix; }
      } else ok = false;
    } else if (props.has('head')) this.warning(props.get('head')!.key, ['loss', 'head'], `ignored: only a crossEntropy loss has a head`);
    return ok ? template : undefined;
  }

  private readHead(node: Node, W: number | undefined, model: ResolvedModel | undefined): { head: LinearHead; prefix?: string } | undefined {
    const path = ['loss', 'head'];
    if (node.type !== 'object') {
      this.error(node, path, `expected {"weight": [[…]], "bias": […]} or {"from": "fc"}, found ${this.describe(node)}`);
      return undefined;
    }
    const props = this.properties(node, path);
    const fromNode = props.get('from')?.value;
    if (fromNode) {
      const prefix = this.readString(fromNode, [...path, 'from']);
      if (prefix === undefined) return undefined;
      if (!model) {
        if (!props.get('model')) this.error(fromNode, [...path, 'from'], `"from" names a head in the model file, and the spec has no readable "model"`);
        return undefined;
      }
      const head = model.heads[prefix];
      if (!head) {
        const names = Object.keys(model.heads);
        this.error(fromNode, [...path, 'from'], `${model.file} has no linear head "${prefix}" (tensors ${prefix}.weight, ${prefix}.bias); ${names.length ? `it has ${names.map(n => `"${n}"`).join(', ')}` : 'it has none'}`);
        return undefined;
      }
      if (W !== undefined && head.inFeatures !== W) {
        this.error(fromNode, [...path, 'from'], `${head.weightName} has ${head.inFeatures} input features; the output has ${W} (directions × hiddenSize)`);
        return undefined;
      }
      return { head: { classes: head.outFeatures, weight: head.weight, bias: head.bias ?? new Float64Array(head.outFeatures) }, prefix };
    }
    for (const [key, { key: keyNode }] of props) {
      if (key !== 'weight' && key !== 'bias') this.warning(keyNode, [...path, key], 'unknown key, ignored; expected "weight" and "bias", or "from"');
    }
    const weightNode = props.get('weight')?.value;
    if (!weightNode) {
      this.error(this.missingAnchor(node), [...path, 'weight'], `missing; expected C rows of ${W ?? 'D·H'} numbers (one per class), or "from": "fc"`);
      return undefined;
    }
    if (weightNode.type !== 'array' || this.lengthOf(weightNode) === 0) {
      this.error(weightNode, [...path, 'weight'], `expected C rows of ${W ?? 'D·H'} numbers (one per class), found ${this.describe(weightNode)}`);
      return undefined;
    }
    const C = this.lengthOf(weightNode);
    const weight = this.readMatrix(weightNode, [...path, 'weight'], C, W);
    const biasNode = props.get('bias')?.value;
    const bias = biasNode ? this.readVector(biasNode, [...path, 'bias'], C, 'classes, the rows of weight') : new Float64Array(C);
    if (!weight || !bias) return undefined;
    return { head: { classes: C, weight, bias } };
  }

  /** One sample's loss: the template with the sample's target / dL_dy (or the loss's own). */
  private sampleLoss(template: LossTemplate, sample: { inputs: { T: number }; target?: Node; dL_dy?: Node; path: Path }, W: number): StackLoss | undefined {
    const placement = { ...(template.at ? { at: template.at } : {}), ...(template.on ? { on: template.on } : {}) };
    const every = template.at === 'every';
    const T = sample.inputs.T;
    const own = sample.path[0] === 'samples';
    const pick = (sampleNode: Node | undefined, lossNode: Node | undefined, key: string): { node: Node; path: Path } | undefined =>
      // a sample's target / dL_dy is its own; loss.target / loss.dL_dy belong to the top-level inputs
      own ? (sampleNode ? { node: sampleNode, path: [...sample.path, key] } : undefined) : lossNode ? { node: lossNode, path: ['loss', key] } : undefined;
    const missing = (key: string, what: string): undefined => {
      const anchor = this.root && own ? this.nodeAt(sample.path) : this.nodeAt(['loss']);
      const where: Path = own ? [...sample.path, key] : ['loss', key];
      const kindText = template.kind === 'mse' && this.options.loss === 'mse' ? '--loss mse needs' : `${template.kind === 'mse' ? 'an mse' : `a ${template.kind}`} loss needs`;
      this.error(anchor ? this.missingAnchor(anchor) : { offset: 0, length: 0 }, where, `missing; ${kindText} ${what}`);
      return undefined;
    };
    switch (template.kind) {
      case 'sum': return { kind: 'sum', ...placement };
      case 'mse': {
        const at = pick(sample.target, template.target, 'target');
        const what = every ? `a target of ${T} rows of ${W} numbers (one per step)` : `a target of ${W} numbers`;
        if (!at) return missing('target', what);
        const target = every ? this.readMatrix(at.node, at.path, T, W) : this.readVector(at.node, at.path, W, W === this.hidden ? 'hiddenSize' : 'directions × hiddenSize');
        return target ? { kind: 'mse', target, ...placement } : undefined;
      }
      case 'given': {
        const at = pick(sample.dL_dy, template.dL_dy, 'dL_dy');
        if (!at) return missing('dL_dy', every ? `a gradient of ${T} rows of ${W} numbers` : `a gradient of ${W} numbers`);
        const dL_dy = every ? this.readMatrix(at.node, at.path, T, W) : this.readVector(at.node, at.path, W, 'directions × hiddenSize');
        return dL_dy ? { kind: 'given', dL_dy, ...placement } : undefined;
      }
      case 'crossEntropy': {
        const head = template.head!;
        const at = pick(sample.target, template.target, 'target');
        if (!at) return missing('target', every ? `one class index per step (${T}), 0..${head.classes - 1}` : `a class index 0..${head.classes - 1}`);
        const target = this.readClasses(at.node, at.path, every ? T : undefined, head.classes);
        return target === undefined ? undefined : { kind: 'crossEntropy', head, target, ...placement };
      }
    }
  }

  private readClasses(node: Node, path: Path, T: number | undefined, C: number): number | number[] | undefined {
    const one = (n: Node, p: Path): number | undefined => {
      if (n.type !== 'number' || !Number.isInteger(n.value) || n.value < 0 || n.value >= C) {
        this.error(n, p, `expected a class index 0..${C - 1}, found ${this.describe(n)}`);
        return undefined;
      }
      return n.value as number;
    };
    if (T === undefined || node.type === 'number') return one(node, path);
    if (node.type !== 'array') {
      this.error(node, path, `expected ${T} class indices (one per step), found ${this.describe(node)}`);
      return undefined;
    }
    const count = this.lengthOf(node);
    if (count !== T) {
      this.error(node, path, `expected ${T} class indices (one per step), found ${count}`);
      return undefined;
    }
    const out: number[] = [];
    let ok = true;
    (node.children ?? []).forEach((child, k) => {
      const c = one(child, [...path, this.indexOf(child, k)]);
      if (c === undefined) ok = false; else out.push(c);
    });
    return ok ? out : undefined;
  }

  /** The node at a simple path of object keys and array indices. */
  private nodeAt(path: Path): Node | undefined {
    let node = this.root;
    for (const segment of path) {
      if (!node) return undefined;
      if (typeof segment === 'number') node = node.type === 'array' ? node.children?.[segment] : undefined;
      else node = node.type === 'object' ? node.children?.find(p => p.children?.[0]?.value === segment)?.children?.[1] : undefined;
    }
    return node;
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
    return this.sourceLength?.get(arrayNode.offset) ?? numbersOf(arrayNode)?.length ?? arrayNode.children?.length ?? 0;
  }

  private requiredSize(root: Node, props: Map<string, { key: Node; value?: Node }>, key: string, role: string): number | undefined {
    const entry = props.get(key);
    if (!entry) {
      this.error(this.missingAnchor(root), [key], `missing; expected a positive integer (${role})`);
      return undefined;
    }
    return entry.value ? this.readPositiveInteger(entry.value, [key], role) : undefined;
  }

  /** `width` is what T multiplies in the trace-size limit (H, or L·D·H for a stack). */
  private readInputs(root: Node, node: Node | undefined, I: number | undefined, H: number | undefined, path: Path = ['inputs']): { data: Float64Array; T: number } | undefined {
    if (!node) {
      if (!this.hasKey(root, 'inputs')) this.error(this.missingAnchor(root), path, `missing; expected at least one input row of ${I ?? 'inputSize'} numbers`);
      return undefined;
    }
    if (node.type === 'object') return this.readInputsFile(node, path, I, H);
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

  /** `inputs: {"file": "x.npy"}` or x.csv: a (T, I) matrix read by the file resolver. */
  private readInputsFile(node: Node, path: Path, I: number | undefined, H: number | undefined): { data: Float64Array; T: number } | undefined {
    const props = this.properties(node, path);
    for (const [key, { key: keyNode }] of props) {
      if (key !== 'file') this.warning(keyNode, [...path, key], 'unknown key, ignored; expected "file"');
    }
    const fileNode = props.get('file')?.value;
    if (!props.has('file')) {
      this.error(this.missingAnchor(node), [...path, 'file'], 'missing; expected rows of numbers, or {"file": "x.npy"} (a .npy or .csv file of shape (T, inputSize))');
      return undefined;
    }
    if (!fileNode) return undefined;
    const file = this.readString(fileNode, [...path, 'file']);
    if (file === undefined) return undefined;
    if (!this.dependencies.includes(file)) this.dependencies.push(file);
    if (!this.options.files) {
      this.error(fileNode, [...path, 'file'], NO_READER);
      return undefined;
    }
    let matrix: { shape: number[]; data: Float64Array };
    try {
      matrix = this.options.files.inputs(file);
    } catch (error) {
      this.error(fileNode, [...path, 'file'], error instanceof Error ? error.message : String(error));
      return undefined;
    }
    const [T, cols] = matrix.shape;
    if (!(T >= 1)) {
      this.error(fileNode, [...path, 'file'], `${file}: expected at least one input row, found none`);
      return undefined;
    }
    if (I !== undefined && cols !== I) {
      this.error(fileNode, [...path, 'file'], `${file}: expected ${I} columns (inputSize), found ${cols} (shape ${JSON.stringify(matrix.shape)})`);
      return undefined;
    }
    if (H !== undefined && T * H > MAX_STEP_UNITS) {
      this.error(fileNode, [...path, 'file'], `${T} steps with hiddenSize ${H} is too large a trace (T·H = ${T * H}); at most ${MAX_STEP_UNITS} is supported`);
      return undefined;
    }
    return I === undefined ? undefined : { data: matrix.data, T };
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

  private readParameters(root: Node, props: Props, cell: CellKind | undefined,
    H: number | undefined, I: number | undefined, config: StackConfig | undefined): Weights | undefined {
    const weightsEntry = props.get('weights');
    const initEntry = props.get('init');
    const sizesKnown = H !== undefined && I !== undefined && config !== undefined;
    const textbookNames = Object.keys(textbookParameterShapes(cell ?? 'lstm', 1, 1));
    const L = config?.numLayers ?? 1, D = config?.bidirectional ? 2 : 1;
    const single = (params: Record<string, Float64Array>): Weights => ({ single: params, stack: { ...config!, entries: [params] } });

    if (initEntry) {
      const init = this.readInit(initEntry, cell);
      if (weightsEntry) {
        this.warning(initEntry.key, ['init'], 'ignored: "weights" is given, and explicit weights win');
      } else {
        if (!init || !cell || !sizesKnown) return undefined;
        if (L * D === 1) return single(initWeights(cell, H, I, init));
        // entry e (PyTorch order) draws from seed + e
        const entries = Array.from({ length: L * D }, (_, e) => initWeights(cell, H, Math.floor(e / D) === 0 ? I : D * H, { ...init, seed: (init.seed + e) >>> 0 }));
        return { stack: { ...config, entries } };
      }
    }
    const stackNames = cell && CELLS[cell].pytorch ? Object.keys(stackPytorchShapes(cell, 1, 1, L, D) ?? {}) : [];
    if (!weightsEntry) {
      const pytorch = cell && CELLS[cell].pytorch !== undefined ? ` (or PyTorch's ${(L * D > 1 ? stackNames : PYTORCH_NAMES).join(', ')})` : '';
      const needs = L * D > 1 && cell && CELLS[cell].pytorch ? stackNames.join(', ') : `${textbookNames.join(', ')}${pytorch}`;
      this.error(this.missingAnchor(root), ['weights'],
        `missing, and no "init" either: ${cell ? `${cellPhrase(cell)} needs ${needs}` : 'give the weights'}, or give "init": {"seed": 1} for random weights`);
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
    const pytorchShapes = cell ? stackPytorchShapes(cell, H ?? 0, I ?? 0, L, D) : undefined;
    const allTextbook = new Set(CELL_KINDS.flatMap(kind => Object.keys(textbookParameterShapes(kind, 1, 1))));

    const values: Record<string, Float64Array | undefined> = {};
    let firstTextbook: Node | undefined;
    let firstPytorch: Node | undefined;
    let ok = cell !== undefined && sizesKnown;
    for (const [key, { key: keyNode, value: valueNode }] of weightProps) {
      const path = ['weights', key];
      const isPytorch = PYTORCH_NAME_PATTERN.test(key);
      const knownPytorch = isPytorch && pytorchShapes !== undefined && key in pytorchShapes;
      if (knownPytorch) firstPytorch ??= keyNode;
      else if (textbookShapes && key in textbookShapes) firstTextbook ??= keyNode;
      let shape: Shape | undefined;
      if (!cell) shape = undefined;
      else if (isPytorch && !pytorchShapes) {
        this.error(keyNode, path, `PyTorch names are accepted for ${listWithAnd(pytorchCells())} cells, not ${cell}; use ${textbookNames.join(', ')}`);
        ok = false;
        continue;
      } else if (knownPytorch || (textbookShapes && key in textbookShapes)) {
        shape = sizesKnown ? (knownPytorch ? pytorchShapes! : textbookShapes!)[key] : undefined;
      } else {
        this.error(keyNode, path, this.unknownWeightMessage(key, cell, textbookNames, allTextbook, L, D));
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
    if (!pytorchShapes && [...weightProps.keys()].some(n => PYTORCH_NAME_PATTERN.test(n))) return undefined;

    const pytorchGiven = [...weightProps.keys()].filter(n => pytorchShapes !== undefined && n in pytorchShapes);
    if (firstTextbook && firstPytorch) {
      const later = firstTextbook.offset > firstPytorch.offset ? firstTextbook : firstPytorch;
      this.error(later, ['weights', later.value as string],
        `mixes PyTorch names (${pytorchGiven.join(', ')}) with textbook names (${textbookNames.filter(n => weightProps.has(n)).join(', ')}); use one naming scheme`);
      return undefined;
    }
    if (firstTextbook && L * D > 1) {
      const stack = `${L} layer${L === 1 ? '' : 's'}${D === 2 ? ', bidirectional' : ''}`;
      this.error(firstTextbook, ['weights', firstTextbook.value as string],
        `textbook names describe one layer in one direction; a stack (${stack}) needs PyTorch's names: ${stackNames.join(', ')}`);
      return undefined;
    }
    const names = firstPytorch ? stackNames : textbookNames;
    const missing = names.filter(n => !weightProps.has(n));
    if (missing.length > 0) {
      this.error(weightsEntry.key, ['weights'], `missing ${missing.join(', ')} for ${cellPhrase(cell)}${firstPytorch ? ' (PyTorch names)' : ''}`);
      return undefined;
    }
    if (!ok || H === undefined || I === undefined || !config) return undefined;
    const complete = values as Record<string, Float64Array>;
    if (!firstPytorch) return single(complete);
    const framework = { prefix: '', tensors: complete };
    if (L * D === 1 && config.resetAfter !== false) return { ...single(mapPyTorch(cell, H, I, complete)), framework };
    return { stack: pytorchToStackParams(config, complete, ''), framework };
  }

  private unknownWeightMessage(key: string, cell: CellKind, textbookNames: string[], allTextbook: Set<string>, L: number, D: number): string {
    const hasPytorch = CELLS[cell].pytorch !== undefined;
    const expected = `expected ${textbookNames.join(', ')}${hasPytorch ? ` or ${PYTORCH_NAMES.join(', ')}` : ''}`;
    const match = /_l(\d+)(_reverse)?$/.exec(key);
    if (PYTORCH_NAME_PATTERN.test(key) && match) {
      const layer = Number(match[1]);
      if (layer >= L) return `unknown weight for ${cellPhrase(cell)}: layer ${layer} needs "numLayers": ${layer + 1} or more (numLayers is ${L})`;
      return `unknown weight for ${cellPhrase(cell)}: the _reverse tensors need "bidirectional": true${D === 2 ? '' : ' (it is false)'}`;
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
