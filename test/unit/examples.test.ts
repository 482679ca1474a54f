// The shipped examples: each one parses without any issue, validates structurally against the
// JSON Schema contributed for *.lstm.json (schemas/lstm-spec.schema.json, checked with a small
// draft-07 subset validator below), and the seed's worked example reproduces the seed's table
// (DESIGN.md section 5, tolerance 1.5e-3).

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseSpec } from '../../src/engine/specParse';
import { computeTrace } from '../../src/engine/trace';

const root = path.resolve(__dirname, '../..');
const exampleDir = path.join(root, 'examples');
const exampleFiles = fs.readdirSync(exampleDir).filter(name => name.endsWith('.lstm.json')).sort();
const schema = JSON.parse(fs.readFileSync(path.join(root, 'schemas/lstm-spec.schema.json'), 'utf8'));

interface SchemaObject {
  $ref?: string; type?: string | string[]; enum?: unknown[]; const?: unknown; minimum?: number; maximum?: number;
  minItems?: number; items?: Schema; required?: string[]; properties?: Record<string, Schema>;
  additionalProperties?: Schema; propertyNames?: Schema; pattern?: string; allOf?: Schema[]; anyOf?: Schema[]; not?: Schema;
  if?: Schema; then?: Schema; else?: Schema;
}
type Schema = SchemaObject | boolean;

/**
 * The draft-07 keywords the spec schema uses: type, enum, const, properties, required,
 * additionalProperties, propertyNames, pattern, items, minItems, minimum, maximum, anyOf, allOf, not,
 * if/then/else, $ref (#/definitions/...). Returns the error messages (empty: valid).
 */
function validate(value: unknown, node: Schema, where = '$'): string[] {
  if (node === true) return [];
  if (node === false) return [`${where}: not allowed`];
  const s = node;
  const errors: string[] = [];
  if (s.$ref) {
    const target = s.$ref.replace('#/', '').split('/').reduce<unknown>((o, key) => (o as Record<string, unknown>)[key], schema) as Schema;
    errors.push(...validate(value, target, where));
  }
  const typeOf = (v: unknown): string => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v);
  if (s.type) {
    const types: string[] = Array.isArray(s.type) ? s.type : [s.type];
    const ok = types.some(t => (t === 'integer' ? Number.isInteger(value) : typeOf(value) === t));
    if (!ok) return [...errors, `${where}: expected ${types.join('|')}, got ${typeOf(value)}`];
  }
  if (s.pattern !== undefined && typeof value === 'string' && !new RegExp(s.pattern).test(value)) errors.push(`${where}: does not match ${s.pattern}`);
  if (s.enum && !s.enum.some(e => JSON.stringify(e) === JSON.stringify(value))) errors.push(`${where}: not in enum`);
  if ('const' in s && JSON.stringify(s.const) !== JSON.stringify(value)) errors.push(`${where}: not the const`);
  if (typeof value === 'number') {
    if (s.minimum !== undefined && value < s.minimum) errors.push(`${where}: below minimum`);
    if (s.maximum !== undefined && value > s.maximum) errors.push(`${where}: above maximum`);
  }
  if (Array.isArray(value)) {
    if (s.minItems !== undefined && value.length < s.minItems) errors.push(`${where}: too few items`);
    const items = s.items;
    if (items !== undefined) value.forEach((item, k) => errors.push(...validate(item, items, `${where}[${k}]`)));
  }
  if (typeOf(value) === 'object') {
    const object = value as Record<string, unknown>;
    for (const key of s.required ?? []) if (!(key in object)) errors.push(`${where}: missing ${key}`);
    for (const [key, child] of Object.entries(object)) {
      if (s.propertyNames !== undefined) errors.push(...validate(key, s.propertyNames, `${where}.${key} (name)`));
      if (s.properties && key in s.properties) errors.push(...validate(child, s.properties[key], `${where}.${key}`));
      else if (s.additionalProperties !== undefined) errors.push(...validate(child, s.additionalProperties, `${where}.${key}`));
    }
  }
  if (s.allOf) for (const part of s.allOf) errors.push(...validate(value, part, where));
  if (s.anyOf && !s.anyOf.some(part => validate(value, part, where).length === 0)) errors.push(`${where}: matches none of anyOf`);
  if (s.not !== undefined && validate(value, s.not, where).length === 0) errors.push(`${where}: matches not`);
  if (s.if !== undefined) {
    const branch = validate(value, s.if, where).length === 0 ? s.then : s.else;
    if (branch) errors.push(...validate(value, branch, where));
  }
  return errors;
}

describe('examples', () => {
  it('ships the seed example and one of each cell, a PyTorch one and a long one', () => {
    for (const name of ['this-movie-is-good', 'peephole-movie', 'gru-movie', 'rnn-movie', 'long-sequence', 'pytorch-lstm']) {
      assert.ok(exampleFiles.includes(`${name}.lstm.json`), name);
    }
  });

  for (const file of exampleFiles) {
    it(`${file}: parses without issues and validates against the schema`, () => {
      const text = fs.readFileSync(path.join(exampleDir, file), 'utf8');
      const { spec, issues } = parseSpec(text);
      assert.deepEqual(issues, []);
      assert.ok(spec);
      assert.deepEqual(validate(JSON.parse(text), schema), []);
      const trace = computeTrace(spec);
      assert.equal(trace.nonFinite, undefined);
    });
  }

  it('the schema check can fail: broken specs are rejected', () => {
    const good = JSON.parse(fs.readFileSync(path.join(exampleDir, 'this-movie-is-good.lstm.json'), 'utf8'));
    const broken: [string, Record<string, unknown>][] = [
      ['unknown cell', { ...good, cell: 'lstn' }],
      ['no inputs', { ...good, inputs: [] }],
      ['missing hiddenSize', { ...good, hiddenSize: undefined }],
      ['gru names on an lstm', { ...good, weights: { ...good.weights, W_ir: 1 } }],
      ['lstm names on a gru', { ...good, cell: 'gru' }],
      ['unknown loss', { ...good, loss: { kind: 'hinge' } }],
      ['neither weights nor init', { ...good, weights: undefined }],
      ['string as a weight', { ...good, weights: { ...good.weights, W_i: '0.5' } }],
    ];
    for (const [label, spec] of broken) {
      const cleaned = JSON.parse(JSON.stringify(spec));
      assert.notDeepEqual(validate(cleaned, schema), [], label);
    }
  });

  it('the schema documents every field and enumerates cell and loss kinds', () => {
    const properties = schema.properties as Record<string, Record<string, unknown>>;
    for (const [key, property] of Object.entries(properties)) {
      assert.ok(property.description && property.markdownDescription, `${key} has descriptions`);
    }
    for (const [key, property] of Object.entries(properties.weights.properties as Record<string, Record<string, unknown>>)) {
      assert.ok(property.description && property.markdownDescription, `weights.${key} has descriptions`);
    }
    assert.deepEqual(properties.cell.enum, ['lstm', 'lstm_peephole', 'gru', 'rnn']);
    assert.deepEqual((properties.loss.properties as Record<string, Record<string, unknown>>).kind.enum, ['sum', 'mse', 'crossEntropy', 'given']);
    assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
  });

  it('this-movie-is-good reproduces the seed table (tolerance 1.5e-3)', () => {
    const text = fs.readFileSync(path.join(exampleDir, 'this-movie-is-good.lstm.json'), 'utf8');
    const spec = parseSpec(text).spec!;
    assert.equal(spec.name, 'This movie is good');
    assert.deepEqual(spec.tokens, ['This', 'movie', 'is', 'good']);
    const trace = computeTrace(spec);
    // seed 001 / DESIGN.md section 5, both units equal
    const seedC = [0.1085, 0.4225, 0.3467, 0.8018];
    const seedH = [0.0594, 0.2585, 0.1840, 0.4841];
    const seedF = [0.5498, 0.6478, 0.5519, 0.7279];
    for (let t = 1; t <= 4; t++) {
      for (let j = 0; j < 2; j++) {
        assert.ok(Math.abs(trace.forward.c[(t - 1) * 2 + j] - seedC[t - 1]) < 1.5e-3, `c_${t}[${j}]`);
        assert.ok(Math.abs(trace.forward.h[(t - 1) * 2 + j] - seedH[t - 1]) < 1.5e-3, `h_${t}[${j}]`);
        assert.ok(Math.abs(trace.forward.f[(t - 1) * 2 + j] - seedF[t - 1]) < 1.5e-3, `f_${t}[${j}]`);
      }
    }
    // the seed's cell-path gradient from dL/dc_4 = 1: 0.728, 0.402, 0.260 at t = 3, 2, 1
    assert.ok(trace.pathDecay?.kind === 'cellPathDecay');
    const product = trace.pathDecay.forgetProduct;
    for (const [t, expected] of [[4, 1], [3, 0.728], [2, 0.402], [1, 0.260]]) {
      assert.ok(Math.abs(product[(t - 1) * 2] - expected) < 1.5e-3, `∏f at t=${t}`);
    }
  });
});
