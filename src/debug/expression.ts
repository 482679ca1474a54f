// The debugger's expression language (Debug Console, Watch, hovers, breakpoint conditions and
// log messages; docs/debug-adapter.md): a tokenizer, a Pratt parser to a small syntax tree, and
// an interpreter over numbers, vectors and matrices. Nothing read here is ever run as JavaScript
// (no eval, no Function): names are looked up through the caller's `Environment`, functions in
// the FUNCTIONS table below. Every fault is an ExpressionError carrying the 1-based column of the
// character where it was found, printed "col 7: expected ')'".
//
// Grammar (lowest precedence first):
//   or      := and ('||' and)*
//   and     := cmp ('&&' cmp)*
//   cmp     := add (('<' | '<=' | '>' | '>=' | '==' | '!=') add)?
//   add     := mul (('+' | '-') mul)*
//   mul     := unary (('*' | '/' | '@') unary)*
//   unary   := ('-' | '+' | '!') unary | power
//   power   := postfix ('**' unary)?          (binds tighter than unary minus, right-associative:
//                                               2**3**2 = 2**9, -2**2 = -4, 2**-1 = 0.5)
//   postfix := primary ('[' or ']')*
//   primary := NUMBER | NAME | NAME '(' args ')' | '(' or ')'

/** A value: a number, a vector (n), or a row-major matrix (rows, cols). */
export type Value =
  | number
  | { readonly kind: 'vector'; readonly data: Float64Array }
  | { readonly kind: 'matrix'; readonly rows: number; readonly cols: number; readonly data: Float64Array };

export type Vector = Extract<Value, { kind: 'vector' }>;
export type Matrix = Extract<Value, { kind: 'matrix' }>;

export const vector = (data: Float64Array): Vector => ({ kind: 'vector', data });
export const matrix = (rows: number, cols: number, data: Float64Array): Matrix => ({ kind: 'matrix', rows, cols, data });

/**
 * Where names come from: a value, or a string saying why the name has no value here ("f is not
 * computed yet at t=0 (forward)"); undefined for a name that does not exist at all.
 */
export interface Environment {
  lookup(name: string): Value | string | undefined;
  /** the names that exist at this position, for the "unknown name" message */
  names(): string[];
}

export class ExpressionError extends Error {
  /**
   * column: 1-based position in the expression of the fault; notComputed: the fault is a name
   * that exists but has no value at this position yet (a breakpoint condition is then false)
   */
  constructor(readonly column: number, readonly detail: string, readonly notComputed = false) {
    super(`col ${column}: ${detail}`);
    this.name = 'ExpressionError';
  }
}

// ---- tokens ----

type TokenKind = 'number' | 'name' | 'op' | 'end';
interface Token { kind: TokenKind; text: string; value?: number; column: number }

const OPERATORS = ['**', '<=', '>=', '==', '!=', '&&', '||', '+', '-', '*', '/', '@', '<', '>', '!', '(', ')', '[', ']', ','];
const NUMBER = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let k = 0;
  while (k < source.length) {
    const ch = source[k];
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') { k++; continue; }
    const rest = source.slice(k);
    const number = NUMBER.exec(rest);
    if (number) {
      if (NAME.test(rest.slice(number[0].length))) throw new ExpressionError(k + 1 + number[0].length, `unexpected '${rest[number[0].length]}' after the number ${number[0]}`);
      tokens.push({ kind: 'number', text: number[0], value: Number(number[0]), column: k + 1 });
      k += number[0].length;
      continue;
    }
    const name = NAME.exec(rest);
    if (name) { tokens.push({ kind: 'name', text: name[0], column: k + 1 }); k += name[0].length; continue; }
    const op = OPERATORS.find(o => rest.startsWith(o));
    if (op) { tokens.push({ kind: 'op', text: op, column: k + 1 }); k += op.length; continue; }
    // the Unicode minus and multiplication signs people paste from the equations
    if (ch === '−') { tokens.push({ kind: 'op', text: '-', column: k + 1 }); k++; continue; }
    if (ch === '·' || ch === '×') { tokens.push({ kind: 'op', text: '*', column: k + 1 }); k++; continue; }
    throw new ExpressionError(k + 1, `unexpected character '${ch}'`);
  }
  tokens.push({ kind: 'end', text: '', column: source.length + 1 });
  return tokens;
}

// ---- syntax tree ----

export type Node =
  | { type: 'number'; value: number; column: number }
  | { type: 'name'; name: string; column: number }
  | { type: 'unary'; op: string; operand: Node; column: number }
  | { type: 'binary'; op: string; left: Node; right: Node; column: number }
  | { type: 'index'; target: Node; index: Node; column: number }
  | { type: 'call'; name: string; args: Node[]; column: number };

const BINARY_PRECEDENCE: Record<string, number> = {
  '||': 1, '&&': 2,
  '<': 3, '<=': 3, '>': 3, '>=': 3, '==': 3, '!=': 3,
  '+': 4, '-': 4,
  '*': 5, '/': 5, '@': 5,
};
const UNARY_PRECEDENCE = 6;

/** Parses a whole expression; throws ExpressionError at the first fault. */
export function parse(source: string): Node {
  const tokens = tokenize(source);
  let position = 0;
  const peek = () => tokens[position];
  const next = () => tokens[position++];
  const describe = (token: Token) => (token.kind === 'end' ? 'the end of the expression' : `'${token.text}'`);
  const expect = (text: string) => {
    const token = peek();
    if (token.kind !== 'op' || token.text !== text) throw new ExpressionError(token.column, `expected '${text}', found ${describe(token)}`);
    return next();
  };

  const primary = (): Node => {
    const token = next();
    if (token.kind === 'number') return { type: 'number', value: token.value ?? NaN, column: token.column };
    if (token.kind === 'name') {
      if (peek().kind === 'op' && peek().text === '(') {
        next();
        const args: Node[] = [];
        if (!(peek().kind === 'op' && peek().text === ')')) {
          args.push(expression(0));
          while (peek().kind === 'op' && peek().text === ',') { next(); args.push(expression(0)); }
        }
        expect(')');
        return { type: 'call', name: token.text, args, column: token.column };
      }
      return { type: 'name', name: token.text, column: token.column };
    }
    if (token.kind === 'op' && token.text === '(') {
      const inner = expression(0);
      expect(')');
      return inner;
    }
    throw new ExpressionError(token.column, token.kind === 'end' ? 'expected a number, a name or \'(\', found the end of the expression' : `expected a number, a name or '(', found ${describe(token)}`);
  };

  const postfix = (): Node => {
    let node = primary();
    while (peek().kind === 'op' && peek().text === '[') {
      const open = next();
      const index = expression(0);
      expect(']');
      node = { type: 'index', target: node, index, column: open.column };
    }
    return node;
  };

  const unary = (): Node => {
    const token = peek();
    if (token.kind === 'op' && (token.text === '-' || token.text === '+' || token.text === '!')) {
      next();
      return { type: 'unary', op: token.text, operand: expression(UNARY_PRECEDENCE), column: token.column };
    }
    const base = postfix();
    const op = peek();
    if (op.kind === 'op' && op.text === '**') {
      next();
      // right-associative, and the exponent may carry its own sign: 2 ** -1
      return { type: 'binary', op: '**', left: base, right: unary(), column: op.column };
    }
    return base;
  };

  /** Pratt loop: binary operators binding tighter than `minPrecedence`. */
  function expression(minPrecedence: number): Node {
    let left = unary();
    for (;;) {
      const op = peek();
      const precedence = op.kind === 'op' ? BINARY_PRECEDENCE[op.text] : undefined;
      if (precedence === undefined || precedence <= minPrecedence) break;
      next();
      const right = expression(precedence);
      left = { type: 'binary', op: op.text, left, right, column: op.column };
      // comparisons do not chain: a < b < c is almost always a mistake
      if (precedence === 3) {
        const after = peek();
        if (after.kind === 'op' && BINARY_PRECEDENCE[after.text] === 3) throw new ExpressionError(after.column, 'comparisons do not chain; use &&');
      }
    }
    return left;
  }

  const tree = expression(0);
  const rest = peek();
  if (rest.kind !== 'end') {
    throw new ExpressionError(rest.column, rest.kind === 'op' && rest.text === ')' ? `unexpected ')' (no '(' to close)` : `expected an operator or the end, found ${describe(rest)}`);
  }
  return tree;
}

// ---- interpreter ----

const sigmoid = (x: number) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));

type Unary = (x: number) => number;
interface FunctionInfo { arity: [number, number]; apply: (args: Value[], column: number) => Value }

const elementwise = (fn: Unary) => (args: Value[]): Value => map(args[0], fn);
const reduce = (fn: (data: Float64Array) => number) => (args: Value[]): Value => {
  const value = args[0];
  return typeof value === 'number' ? fn(Float64Array.of(value)) : fn(value.data);
};

/** The functions of the language, by name. */
export const FUNCTIONS: Readonly<Record<string, FunctionInfo>> = {
  sum: { arity: [1, 1], apply: reduce(data => data.reduce((a, b) => a + b, 0)) },
  mean: { arity: [1, 1], apply: reduce(data => data.reduce((a, b) => a + b, 0) / data.length) },
  norm: { arity: [1, 1], apply: reduce(data => Math.sqrt(data.reduce((a, b) => a + b * b, 0))) },
  max: { arity: [1, 2], apply: (args, column) => (args.length === 2 ? combine('max', args[0], args[1], Math.max, column) : reduce(data => data.reduce((a, b) => Math.max(a, b), -Infinity))(args)) },
  min: { arity: [1, 2], apply: (args, column) => (args.length === 2 ? combine('min', args[0], args[1], Math.min, column) : reduce(data => data.reduce((a, b) => Math.min(a, b), Infinity))(args)) },
  abs: { arity: [1, 1], apply: elementwise(Math.abs) },
  sigmoid: { arity: [1, 1], apply: elementwise(sigmoid) },
  tanh: { arity: [1, 1], apply: elementwise(Math.tanh) },
  exp: { arity: [1, 1], apply: elementwise(Math.exp) },
  log: { arity: [1, 1], apply: elementwise(Math.log) },
};

/** The table's own entries only: `constructor` or `toString` are no functions of the language. */
function functionNamed(name: string): FunctionInfo | undefined {
  return Object.prototype.hasOwnProperty.call(FUNCTIONS, name) ? FUNCTIONS[name] : undefined;
}

function map(value: Value, fn: Unary): Value {
  if (typeof value === 'number') return fn(value);
  const out = new Float64Array(value.data.length);
  for (let k = 0; k < out.length; k++) out[k] = fn(value.data[k]);
  return value.kind === 'vector' ? vector(out) : matrix(value.rows, value.cols, out);
}

export function shapeOf(value: Value): string {
  if (typeof value === 'number') return 'a number';
  return value.kind === 'vector' ? `a vector of ${value.data.length}` : `a ${value.rows}×${value.cols} matrix`;
}

/** a op b elementwise; a number combines with every entry of the other side. */
function combine(op: string, a: Value, b: Value, fn: (x: number, y: number) => number, column: number): Value {
  if (typeof a === 'number' && typeof b === 'number') return fn(a, b);
  if (typeof a === 'number') return map(b, y => fn(a, y));
  if (typeof b === 'number') return map(a, x => fn(x, b));
  const sameShape = a.kind === b.kind && a.data.length === b.data.length && (a.kind === 'vector' || (b.kind === 'matrix' && a.rows === b.rows));
  if (!sameShape) throw new ExpressionError(column, `'${op}' needs operands of the same shape, found ${shapeOf(a)} and ${shapeOf(b)}`);
  const out = new Float64Array(a.data.length);
  for (let k = 0; k < out.length; k++) out[k] = fn(a.data[k], b.data[k]);
  return a.kind === 'vector' ? vector(out) : matrix(a.rows, a.cols, out);
}

/** a @ b: matrix·vector, or the dot product of two vectors. */
function matmul(a: Value, b: Value, column: number): Value {
  if (typeof a !== 'number' && typeof b !== 'number' && b.kind === 'vector') {
    if (a.kind === 'matrix' && a.cols === b.data.length) {
      // a: (rows, cols), b: (cols) -> (rows)
      const out = new Float64Array(a.rows);
      for (let r = 0; r < a.rows; r++) {
        let acc = 0;
        const row = r * a.cols;
        for (let c = 0; c < a.cols; c++) acc += a.data[row + c] * b.data[c];
        out[r] = acc;
      }
      return vector(out);
    }
    if (a.kind === 'vector' && a.data.length === b.data.length) {
      let acc = 0;
      for (let k = 0; k < a.data.length; k++) acc += a.data[k] * b.data[k];
      return acc;
    }
  }
  throw new ExpressionError(column, `'@' needs a matrix (n×m) and a vector of m, or two vectors of the same length; found ${shapeOf(a)} and ${shapeOf(b)}`);
}

const COMPARISONS: Record<string, (x: number, y: number) => number> = {
  '<': (x, y) => Number(x < y), '<=': (x, y) => Number(x <= y), '>': (x, y) => Number(x > y),
  '>=': (x, y) => Number(x >= y), '==': (x, y) => Number(x === y), '!=': (x, y) => Number(x !== y),
};
const ARITHMETIC: Record<string, (x: number, y: number) => number> = {
  '+': (x, y) => x + y, '-': (x, y) => x - y, '*': (x, y) => x * y, '/': (x, y) => x / y, '**': (x, y) => x ** y,
};

/** A value as a truth value: a number is true when not 0; a vector or matrix when every entry is. */
export function truthy(value: Value): boolean {
  if (typeof value === 'number') return value !== 0 && !Number.isNaN(value);
  return value.data.every(x => x !== 0 && !Number.isNaN(x));
}

export function evaluateNode(node: Node, env: Environment): Value {
  switch (node.type) {
    case 'number': return node.value;
    case 'name': {
      const value = env.lookup(node.name);
      if (value === undefined) {
        const known = env.names();
        throw new ExpressionError(node.column, `unknown name '${node.name}'${functionNamed(node.name) ? ' (a function: call it with parentheses)' : known.length ? ` (known here: ${known.join(', ')})` : ''}`);
      }
      if (typeof value === 'string') throw new ExpressionError(node.column, value, true);
      return value;
    }
    case 'unary': {
      const operand = evaluateNode(node.operand, env);
      if (node.op === '-') return map(operand, x => -x);
      if (node.op === '!') return truthy(operand) ? 0 : 1;
      return operand;
    }
    case 'binary': {
      if (node.op === '&&' || node.op === '||') {
        const left = truthy(evaluateNode(node.left, env));
        if (node.op === '&&' ? !left : left) return Number(left);
        return Number(truthy(evaluateNode(node.right, env)));
      }
      const left = evaluateNode(node.left, env);
      const right = evaluateNode(node.right, env);
      if (node.op === '@') return matmul(left, right, node.column);
      const fn = ARITHMETIC[node.op] ?? COMPARISONS[node.op];
      return combine(node.op, left, right, fn, node.column);
    }
    case 'index': {
      const target = evaluateNode(node.target, env);
      const index = evaluateNode(node.index, env);
      if (typeof index !== 'number' || !Number.isInteger(index)) throw new ExpressionError(node.index.column, `an index must be a whole number, found ${typeof index === 'number' ? index : shapeOf(index)}`);
      if (typeof target === 'number') throw new ExpressionError(node.column, 'a number cannot be indexed');
      const length = target.kind === 'vector' ? target.data.length : target.rows;
      if (index < 0 || index >= length) throw new ExpressionError(node.index.column, `index ${index} is out of range 0..${length - 1}`);
      if (target.kind === 'vector') return target.data[index];
      return vector(target.data.slice(index * target.cols, (index + 1) * target.cols));
    }
    case 'call': {
      const fn = functionNamed(node.name);
      if (!fn) throw new ExpressionError(node.column, `unknown function '${node.name}' (known: ${Object.keys(FUNCTIONS).join(', ')})`);
      const [lo, hi] = fn.arity;
      if (node.args.length < lo || node.args.length > hi) {
        throw new ExpressionError(node.column, `${node.name} takes ${lo === hi ? lo : `${lo} or ${hi}`} argument${hi === 1 ? '' : 's'}, found ${node.args.length}`);
      }
      return fn.apply(node.args.map(arg => evaluateNode(arg, env)), node.column);
    }
  }
}

/** Parses and evaluates `source` in `env`; throws ExpressionError on any fault. */
export function evaluate(source: string, env: Environment): Value {
  return evaluateNode(parse(source), env);
}
