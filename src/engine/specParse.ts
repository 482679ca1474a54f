// Parses and validates a `*.lstm.json` spec (DESIGN.md section 2) into a Spec. The text is read
// with jsonc-parser's error-tolerant parseTree, so every problem can be pinned to the exact node
// it is about: each SpecIssue carries the JSON path (`weights.W_f[1]`) and the node's range
// (1-based line and column, plus offset/length). Validation never stops at the first problem; it
// collects every one, and `spec` is returned only when no error-severity issue exists (warnings
// keep the spec). Messages say what was expected and what was found, prefixed by the path.
//
// Decisions worth knowing (the JSON Schema in schemas/lstm-spec.schema.json says the same):
// - Comments and trailing commas are tolerated (JSONC). Duplicate keys: warning, the last wins.
// - A syntax error carries the path of the container it is in, or of the value an invalid token
//   (`NaN`) stands in for; entries after an invalid token keep their file positions in paths and
//   counts (see reportSyntaxErrors).
// - A number where a matrix or vector is expected fills it (`"W_i": 0.5`); also for h0, c0 and
//   the mse target. An input row may be a bare number only when inputSize is 1.
// - Row indices in messages are 0-based, like the paths (`row 1` is `weights.W_f[1]`).
// - `weights` and `init` together: a warning on `init`, which is ignored (weights win).
// - `c0` on a gru or rnn cell: a warning, it is ignored (those cells have no cell state).
// - A `target` on a sum loss: a warning, ignored unless `--loss mse` asks for it.
// - Unknown top-level keys, unknown keys inside `init` and `loss`: warnings.
// - Size limits keep a bad file from exhausting memory: each size at most MAX_SIZE, at most
//   MAX_PARAMETERS weight entries, and T·H at most MAX_STEP_UNITS.
// - PyTorch tensor names (weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0) are accepted for
//   lstm, gru and rnn, and mapped to the textbook names here (see mapPyTorch*). Mixing them with
//   textbook names in one `weights` object is an error.

import { findNodeAtLocation, parseTree, printParseErrorCode, visit, type Node, type ParseError } from 'jsonc-parser';
import { initWeights } from './init';
import type { CellKind, LossSpec, SourceRange, Spec, SpecIssue } from './types';
import { CELL_KINDS } from './types';

export const MAX_SIZE = 4096;
export const MAX_PARAMETERS = 1 << 24;
export const MAX_STEP_UNITS = 1 << 21;

export interface ParseSpecOptions {
  /** Overrides the spec's loss kind (the CLI's `--loss`); `mse` then requires `loss.target`. */
  loss?: 'sum' | 'mse';
}

type Shape = { kind: 'matrix'; rows: number; cols: number } | { kind: 'vector'; length: number; role: string };

/** The textbook parameter names of each cell with their shapes, in canonical order. */
export function textbookParameterShapes(cell: CellKind, H: number, I: number): Record<string, Shape> {
  const mat = (rows: number, cols: number): Shape => ({ kind: 'matrix', rows, cols });
  const vec: Shape = { kind: 'vector', length: H, role: 'hiddenSize' };
  switch (cell) {
    case 'lstm':
    case 'lstm_peephole': {
      const shapes: Record<string, Shape> = {
        W_f: mat(H, H + I), W_i: mat(H, H + I), W_c: mat(H, H + I), W_o: mat(H, H + I),
        b_f: vec, b_i: vec, b_c: vec, b_o: vec,
      };
      if (cell === 'lstm_peephole') Object.assign(shapes, { p_f: vec, p_i: vec, p_o: vec });
      return shapes;
    }
    case 'gru':
      return {
        W_ir: mat(H, I), W_iz: mat(H, I), W_in: mat(H, I),
        W_hr: mat(H, H), W_hz: mat(H, H), W_hn: mat(H, H),
        b_ir: vec, b_iz: vec, b_in: vec, b_hr: vec, b_hz: vec, b_hn: vec,
      };
    case 'rnn':
      return { W: mat(H, H + I), b: vec };
  }
}

/** Gate blocks stacked in PyTorch's tensors: nn.LSTM i,f,g,o; nn.GRU r,z,n; nn.RNN one block. */
const PYTORCH_GATE_BLOCKS: Partial<Record<CellKind, number>> = { lstm: 4, gru: 3, rnn: 1 };
const PYTORCH_NAMES = ['weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0'];

function pytorchParameterShapes(cell: CellKind, H: number, I: number): Record<string, Shape> | undefined {
  const blocks = PYTORCH_GATE_BLOCKS[cell];
  if (blocks === undefined) return undefined;
  return {
    weight_ih_l0: { kind: 'matrix', rows: blocks * H, cols: I },
    weight_hh_l0: { kind: 'matrix', rows: blocks * H, cols: H },
    bias_ih_l0: { kind: 'vector', length: blocks * H, role: `${blocks > 1 ? `${blocks}·` : ''}hiddenSize` },
    bias_hh_l0: { kind: 'vector', length: blocks * H, role: `${blocks > 1 ? `${blocks}·` : ''}hiddenSize` },
  };
}

const TOP_LEVEL_KEYS = ['$schema', 'name', 'description', 'cell', 'inputSize', 'hiddenSize', 'weights', 'init',
  'h0', 'c0', 'inputs', 'tokens', 'loss'];
const INIT_KEYS = ['seed', 'scale', 'forgetBias'];
const LOSS_KEYS = ['kind', 'target'];
const PARSE_OPTIONS = { allowTrailingComma: true, disallowComments: false };

export function parseSpec(text: string, options: ParseSpecOptions = {}): { spec?: Spec; issues: SpecIssue[] } {
  const validator = new SpecValidator(text, options);
  const spec = validator.run();
  const issues = validator.issues.sort((a, b) => a.range.offset - b.range.offset);
  return { spec: issues.some(issue => issue.severity === 'error') ? undefined : spec, issues };
}

/** Where a problem is: the path segments and the node (or a sub-range) it points at. */
type Path = (string | number)[];

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
class SourceLines {
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

class SpecValidator {
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
      if (cell === 'gru' || cell === 'rnn') {
        this.warning(props.get('c0')!.key, ['c0'], `ignored: a ${cell} cell has no cell state`);
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

  /**
   * Reports jsonc-parser's syntax errors, each with the JSON path it sits in. jsonc-parser drops an
   * invalid token (`NaN`, `Infinity`, a bare word) from the tree, so in an array with one the
   * children no longer line up with the positions in the file: `[NaN, 1e999]` has one child,
   * 1e999. A second, visitor pass over the text therefore counts each array's slots by its
   * commas and records where a child's slot differs from its child index (`sourceIndex`) and
   * where an array's slot count differs from its child count (`sourceLength`), so that paths and
   * "found N" counts name what the file shows. It also drops the "expected a value" jsonc-parser
   * adds right after an invalid token: that token is the one error there. Runs only on a file
   * with syntax errors, and records only the shifted entries.
   */
  private reportSyntaxErrors(): void {
    interface Frame {
      kind: 'object' | 'array';
      /** the container's own path */
      path: Path;
      offset: number;
      /** object: the key whose value comes next */
      pendingKey?: string;
      /** array: the slot being filled (commas after a value, plus values missing their comma) */
      slot: number;
      slotFilled: boolean;
      /** array: children jsonc-parser's tree has so far */
      children: number;
    }
    // codes by name: ParseErrorCode is a const enum, which isolated modules cannot read
    interface Found { code: string; offset: number; length: number; path: Path }
    const frames: Frame[] = [];
    const found: Found[] = [];
    const sourceIndex = new Map<number, number>();
    const sourceLength = new Map<number, number>();
    /** A value starts in the innermost container: its path segment, and the shift it records. */
    const valueStarts = (offset: number): string | number | undefined => {
      const frame = frames[frames.length - 1];
      if (!frame) return undefined;
      if (frame.kind === 'object') {
        const key = frame.pendingKey;
        frame.pendingKey = undefined;
        return key;
      }
      if (frame.slotFilled) frame.slot++;
      frame.slotFilled = true;
      if (frame.slot !== frame.children) sourceIndex.set(offset, frame.slot);
      frame.children++;
      return frame.slot;
    };
    const containerStarts = (kind: 'object' | 'array', offset: number): void => {
      const parent = frames[frames.length - 1];
      const segment = valueStarts(offset);
      const path = parent ? (segment === undefined ? parent.path : [...parent.path, segment]) : [];
      frames.push({ kind, path, offset, slot: 0, slotFilled: false, children: 0 });
    };
    const containerEnds = (): void => {
      const frame = frames.pop();
      if (frame?.kind !== 'array') return;
      const slots = frame.slot + (frame.slotFilled ? 1 : 0);
      if (slots !== frame.children) sourceLength.set(frame.offset, slots);
    };
    const onlyTrivia = (from: number, to: number): boolean =>
      /^(?:\s|\/\/[^\n]*|\/\*[\s\S]*?\*\/)*$/.test(this.text.slice(from, to));
    visit(this.text, {
      onObjectBegin: offset => containerStarts('object', offset),
      onArrayBegin: offset => containerStarts('array', offset),
      onObjectEnd: containerEnds,
      onArrayEnd: containerEnds,
      onObjectProperty: property => {
        const frame = frames[frames.length - 1];
        if (frame) frame.pendingKey = property;
      },
      onLiteralValue: (_value, offset) => { valueStarts(offset); },
      onSeparator: character => {
        const frame = frames[frames.length - 1];
        if (character !== ',' || !frame) return;
        if (frame.kind === 'object') frame.pendingKey = undefined;
        else if (frame.slotFilled) {
          // a doubled comma (`[1,,2]`, reported) opens no new slot: most likely a typo
          frame.slot++;
          frame.slotFilled = false;
        }
      },
      onError: (errorCode, offset, length) => {
        const code = printParseErrorCode(errorCode);
        const previous = found[found.length - 1];
        const afterInvalid = previous?.code === 'InvalidSymbol';
        if (code === 'InvalidSymbol' && afterInvalid && previous.offset + previous.length === offset) {
          // `-Infinity` scans as `-` and `Infinity`: one token to the reader
          previous.length = offset + length - previous.offset;
          return;
        }
        if (code === 'ValueExpected' && afterInvalid && onlyTrivia(previous.offset + previous.length, offset)) return;
        const frame = frames[frames.length - 1];
        let path: Path = frame?.path ?? [];
        if (frame && code === 'InvalidSymbol') {
          // the invalid token stands where a value would: name that value's place
          if (frame.kind === 'array') {
            if (frame.slotFilled) frame.slot++;
            frame.slotFilled = true;
            path = [...frame.path, frame.slot];
          } else if (frame.pendingKey !== undefined) path = [...frame.path, frame.pendingKey];
        }
        found.push({ code, offset, length, path });
      },
    }, PARSE_OPTIONS);
    this.sourceIndex = sourceIndex;
    this.sourceLength = sourceLength;
    for (const error of found) this.reportSyntaxError(error.code, error.offset, error.length, error.path);
  }

  /** `codeName` is printParseErrorCode's name of the error (`InvalidSymbol`). */
  private reportSyntaxError(codeName: string, offset: number, length: number, path: Path): void {
    const expected: Record<string, string> = {
      InvalidSymbol: 'a valid JSON value',
      InvalidNumberFormat: 'a number',
      PropertyNameExpected: 'a property name in double quotes',
      ValueExpected: 'a value',
      ColonExpected: "':'",
      CommaExpected: "','",
      CloseBraceExpected: "'}'",
      CloseBracketExpected: "']'",
      EndOfFileExpected: 'the end of the file',
      InvalidCommentToken: 'a comment',
      UnexpectedEndOfComment: "'*/' closing the comment",
      UnexpectedEndOfString: 'a closing \'"\'',
      UnexpectedEndOfNumber: 'a digit',
      InvalidUnicode: 'a \\uXXXX escape',
      InvalidEscapeCharacter: 'a valid escape',
      InvalidCharacter: 'a printable character',
    };
    const foundText = offset >= this.text.length
      ? 'the end of the file'
      : JSON.stringify(this.text.substr(offset, Math.max(1, Math.min(length, 20))));
    const token = this.text.substr(offset, length);
    const detail = codeName === 'InvalidSymbol' && /^[-+]?(NaN|Infinity)$/.test(token)
      ? 'expected a finite number (JSON has no NaN or Infinity)'
      : `expected ${expected[codeName] ?? codeName}`;
    this.error({ offset, length }, path, `syntax error: ${detail}, found ${foundText}`);
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
      const pytorch = cell && PYTORCH_GATE_BLOCKS[cell] !== undefined ? ` (or PyTorch's ${PYTORCH_NAMES.join(', ')})` : '';
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
        this.error(keyNode, path, `PyTorch names are accepted for lstm, gru and rnn cells, not ${cell}; use ${textbookNames.join(', ')}`);
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
    const expected = `expected ${textbookNames.join(', ')}${PYTORCH_GATE_BLOCKS[cell] !== undefined ? ` or ${PYTORCH_NAMES.join(', ')}` : ''}`;
    if (/^(weight|bias)_(ih|hh)_l\d+(_reverse)?$/.test(key)) {
      return `unknown weight for ${cellPhrase(cell)}: only one layer, one direction (the _l0 tensors) is supported; ${expected}`;
    }
    if (allTextbook.has(key)) {
      const owners = CELL_KINDS.filter(kind => key in textbookParameterShapes(kind, 1, 1));
      return `unknown weight for ${cellPhrase(cell)} (it belongs to ${owners.join(', ')}); ${expected}`;
    }
    const suggestion = closest(key, [...textbookNames, ...(PYTORCH_GATE_BLOCKS[cell] !== undefined ? PYTORCH_NAMES : [])]);
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
        if (cell === 'rnn' && value !== 0) this.warning(forgetBiasEntry.key, ['init', 'forgetBias'], 'ignored: an rnn cell has no forget gate');
      }
    }
    return ok ? { seed, scale, forgetBias } : undefined;
  }
}

/** "an lstm cell", "a gru cell": for messages. */
function cellPhrase(cell: CellKind): string {
  return `${cell === 'gru' ? 'a' : 'an'} ${cell} cell`;
}

/** Number of weight entries (matrices, biases, peepholes) of a cell. */
export function parameterCount(cell: CellKind, H: number, I: number): number {
  let count = 0;
  for (const shape of Object.values(textbookParameterShapes(cell, H, I))) {
    count += shape.kind === 'matrix' ? shape.rows * shape.cols : shape.length;
  }
  return count;
}

/**
 * PyTorch tensors → textbook names.
 * nn.LSTM: weight_ih_l0 (4H, I), weight_hh_l0 (4H, H), bias_ih_l0/bias_hh_l0 (4H), row blocks
 *   i, f, g, o. W_k = [weight_hh[rows_k] | weight_ih[rows_k]] (H, H+I), b_k = bias_ih[rows_k] + bias_hh[rows_k].
 * nn.GRU: row blocks r, z, n; W_ir = weight_ih rows r, W_hr = weight_hh rows r, b_ir = bias_ih
 *   rows r, b_hr = bias_hh rows r (both biases kept apart: b_hn sits inside r*(…)).
 * nn.RNN: one block; W = [weight_hh | weight_ih], b = bias_ih + bias_hh.
 */
function mapPyTorch(
  cell: CellKind, H: number, I: number,
  tensors: Record<string, Float64Array>, // weight_ih_l0: (blocks*H, I), weight_hh_l0: (blocks*H, H), bias_*_l0: (blocks*H)
): Record<string, Float64Array> {
  const weightIh = tensors.weight_ih_l0;
  const weightHh = tensors.weight_hh_l0;
  const biasIh = tensors.bias_ih_l0;
  const biasHh = tensors.bias_hh_l0;
  const concatBlock = (block: number): Float64Array => {
    // out: (H, H+I), columns h first, then x
    const out = new Float64Array(H * (H + I));
    for (let r = 0; r < H; r++) {
      const source = block * H + r;
      out.set(weightHh.subarray(source * H, (source + 1) * H), r * (H + I));
      out.set(weightIh.subarray(source * I, (source + 1) * I), r * (H + I) + H);
    }
    return out;
  };
  const summedBias = (block: number): Float64Array => {
    const out = new Float64Array(H);
    for (let r = 0; r < H; r++) out[r] = biasIh[block * H + r] + biasHh[block * H + r];
    return out;
  };
  // matrix: (blocks*H, cols) -> block's (H, cols)
  const rowsOf = (matrix: Float64Array, block: number, cols: number): Float64Array =>
    matrix.slice(block * H * cols, (block + 1) * H * cols);
  switch (cell) {
    case 'lstm':
      return {
        W_f: concatBlock(1), W_i: concatBlock(0), W_c: concatBlock(2), W_o: concatBlock(3),
        b_f: summedBias(1), b_i: summedBias(0), b_c: summedBias(2), b_o: summedBias(3),
      };
    case 'gru':
      return {
        W_ir: rowsOf(weightIh, 0, I), W_iz: rowsOf(weightIh, 1, I), W_in: rowsOf(weightIh, 2, I),
        W_hr: rowsOf(weightHh, 0, H), W_hz: rowsOf(weightHh, 1, H), W_hn: rowsOf(weightHh, 2, H),
        b_ir: rowsOf(biasIh, 0, 1), b_iz: rowsOf(biasIh, 1, 1), b_in: rowsOf(biasIh, 2, 1),
        b_hr: rowsOf(biasHh, 0, 1), b_hz: rowsOf(biasHh, 1, 1), b_hn: rowsOf(biasHh, 2, 1),
      };
    case 'rnn':
      return { W: concatBlock(0), b: summedBias(0) };
    case 'lstm_peephole':
      throw new Error('lstm_peephole has no PyTorch layout');
  }
}

/** The candidate within edit distance 2 (case-insensitive), for "did you mean" hints. */
function closest(word: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.min(2, Math.floor(word.length / 3)) + 1;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) { best = candidate; bestDistance = distance; }
  }
  return best;
}

/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const distance = new Array<number>(rows * cols).fill(0);
  for (let i = 0; i < rows; i++) distance[i * cols] = i;
  for (let j = 0; j < cols; j++) distance[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(distance[(i - 1) * cols + j] + 1, distance[i * cols + j - 1] + 1, distance[(i - 1) * cols + j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, distance[(i - 2) * cols + j - 2] + 1);
      distance[i * cols + j] = best;
    }
  }
  return distance[rows * cols - 1];
}
