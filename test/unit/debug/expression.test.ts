// The debugger's expression language (src/debug/expression.ts): precedence and associativity
// checked against JavaScript's own arithmetic on literal numbers written in the test (an
// independent reference), vectors and matrices against loops written here, and every error
// with the column of its fault.
import assert from 'node:assert/strict';
import { evaluate, matrix, parse, vector, type Environment, type Value } from '../../../src/debug/expression';

const env = (values: Record<string, Value | string>): Environment => ({
  lookup: name => (Object.prototype.hasOwnProperty.call(values, name) ? values[name] : undefined),
  names: () => Object.keys(values),
});
const empty = env({});
const num = (source: string, e = empty) => evaluate(source, e) as number;
const vec = (source: string, e: Environment) => Array.from((evaluate(source, e) as { data: Float64Array }).data);
const fault = (source: string, e = empty) => {
  try { evaluate(source, e); } catch (error) { return (error as Error).message; }
  assert.fail(`${source} did not fail`);
};

describe('debug expression language', () => {
  it('follows the usual precedence: * over +, ** over unary minus, ** right-associative', () => {
    assert.equal(num('1 + 2 * 3'), 1 + 2 * 3);
    assert.equal(num('(1 + 2) * 3'), (1 + 2) * 3);
    assert.equal(num('10 - 4 - 3'), 10 - 4 - 3);
    assert.equal(num('2 ** 3 ** 2'), 2 ** (3 ** 2));
    assert.equal(num('-2 ** 2'), -(2 ** 2));
    assert.equal(num('2 ** -1'), 0.5);
    assert.equal(num('8 / 4 / 2'), 8 / 4 / 2);
    assert.equal(num('1e-3 * 2'), 0.002);
    assert.equal(num('.5 + 1.'), 1.5);
  });

  it('comparisons, && and || (short-circuit: the right side of a decided && is not evaluated)', () => {
    assert.equal(num('1 < 2 && 2 <= 2'), 1);
    assert.equal(num('1 > 2 || 3 != 3'), 0);
    assert.equal(num('1 + 1 == 2'), 1);
    assert.equal(num('0 && nope'), 0);
    assert.equal(num('1 || nope'), 1);
    assert.equal(num('!0'), 1);
  });

  it('vectors elementwise, @ as matrix·vector and dot, indexing, functions', () => {
    const W = matrix(2, 3, Float64Array.of(1, 2, 3, 4, 5, 6));
    const z = vector(Float64Array.of(0.5, -1, 2));
    const e = env({ W, z, f: vector(Float64Array.of(0.2, 0.9)) });
    assert.deepEqual(vec('W @ z', e), [1 * 0.5 + 2 * -1 + 3 * 2, 4 * 0.5 + 5 * -1 + 6 * 2]);
    assert.deepEqual(vec('W @ z + 1', e), [1 * 0.5 + 2 * -1 + 3 * 2 + 1, 4 * 0.5 + 5 * -1 + 6 * 2 + 1]);
    assert.equal(num('z @ z', e), 0.25 + 1 + 4);
    assert.equal(num('W[1][2]', e), 6);
    assert.deepEqual(vec('W[0]', e), [1, 2, 3]);
    assert.deepEqual(vec('2 * z - z', e), [0.5, -1, 2]);
    assert.equal(num('sum(z)', e), 1.5);
    assert.equal(num('mean(z)', e), 0.5);
    assert.equal(num('norm(z)', e), Math.sqrt(0.25 + 1 + 4));
    assert.equal(num('max(z)', e), 2);
    assert.equal(num('min(z)', e), -1);
    assert.deepEqual(vec('abs(z)', e), [0.5, 1, 2]);
    assert.deepEqual(vec('max(z, 0)', e), [0.5, 0, 2]);
    assert.equal(num('sigmoid(0)'), 0.5);
    assert.equal(num('tanh(0.5)'), Math.tanh(0.5));
    assert.equal(num('log(exp(2))'), 2);
    assert.deepEqual(vec('f > 0.5', e), [0, 1]);
    assert.equal(num('f[1] > 0.5 && f[0] < 0.5', e), 1);
  });

  it('reports every fault with its column', () => {
    assert.equal(fault('(1 + 2'), "col 7: expected ')', found the end of the expression");
    assert.equal(fault('1 +'), "col 4: expected a number, a name or '(', found the end of the expression");
    assert.equal(fault('1 + * 2'), "col 5: expected a number, a name or '(', found '*'");
    assert.equal(fault('f[0'), "col 4: expected ']', found the end of the expression");
    assert.equal(fault('1 2'), 'col 3: expected an operator or the end, found \'2\'');
    assert.equal(fault('1)'), "col 2: unexpected ')' (no '(' to close)");
    assert.equal(fault('a $ b'), "col 3: unexpected character '$'");
    assert.equal(fault('2x'), "col 2: unexpected 'x' after the number 2");
    assert.equal(fault('1 < 2 < 3'), 'col 7: comparisons do not chain; use &&');
    assert.equal(fault('x + 1', env({ x: 'x is not computed yet at t=0 (forward)' })), 'col 1: x is not computed yet at t=0 (forward)');
    assert.equal(fault('1 + q', env({ f: 1 })), "col 5: unknown name 'q' (known here: f)");
    assert.equal(fault('sum'), "col 1: unknown name 'sum' (a function: call it with parentheses)");
    assert.equal(fault('foo(1)'), 'col 1: unknown function \'foo\' (known: sum, mean, norm, max, min, abs, sigmoid, tanh, exp, log)');
    assert.equal(fault('sum(1, 2)'), 'col 1: sum takes 1 argument, found 2');
    const e = env({ f: vector(Float64Array.of(1, 2)), W: matrix(2, 3, new Float64Array(6)) });
    assert.equal(fault('f[2]', e), 'col 3: index 2 is out of range 0..1');
    assert.equal(fault('f[0.5]', e), 'col 3: an index must be a whole number, found 0.5');
    assert.equal(fault('1[0]', e), 'col 2: a number cannot be indexed');
    assert.equal(fault('f + W', e), "col 3: '+' needs operands of the same shape, found a vector of 2 and a 2×3 matrix");
    assert.equal(fault('W @ f', e), "col 3: '@' needs a matrix (n×m) and a vector of m, or two vectors of the same length; found a 2×3 matrix and a vector of 2");
  });

  it('never runs JavaScript: names that JavaScript knows are unknown here', () => {
    assert.match(fault('constructor'), /unknown name 'constructor'/);
    assert.match(fault('process'), /unknown name 'process'/);
    assert.match(fault('constructor(1)'), /col 1: unknown function 'constructor'/);
    assert.match(fault('toString()'), /col 1: unknown function 'toString'/);
    assert.throws(() => parse('f["x"]'), /col 3: unexpected character '"'/);
  });
});
