// The engine against PyTorch: every case in test/fixtures/golden (made by
// scripts/golden/make_golden.py from nn.LSTM, nn.GRU, nn.RNN and an autograd peephole cell, in
// float64) is parsed, traced and printed as the trace JSON of docs/trace-format.md, and EVERY
// number is compared with PyTorch's to 1e-9 (|engine - torch| <= 1e-9 * (1 + |torch|)). A
// failure names the field, the step and the unit of the worst mismatch. No Python needed.
// Sub-folders (stacks/, …) belong to other generators and are not read here.
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { computeTrace, parseSpec, traceToJson } from '../../src/engine';

const GOLDEN_DIR = path.join(__dirname, '..', 'fixtures', 'golden');
const TOLERANCE = 1e-9;
/** The record keys of docs/trace-format.md whose contents must be covered by the golden file. */
const SECTIONS = ['forward', 'loss', 'backward', 'cellPathDecay', 'updateGatePathDecay', 'vanillaRNN'];

interface Mismatch {
  where: string;
  actual: unknown;
  expected: unknown;
  error: number;
}

/** "backward.dL_dh t=3 unit 1", "backward.dL_dW.W_f row 0 col 3", "vanillaRNN.dL_dh_norm t=2". */
function describePlace(keys: string[], indices: number[]): string {
  const field = keys.join('.');
  if (indices.length === 0) return field;
  const perStep = keys[0] === 'forward' || keys[0] === 'cellPathDecay' || keys[0] === 'updateGatePathDecay'
    || keys[0] === 'vanillaRNN' || (keys[0] === 'backward' && keys.length === 2 && !['dL_dh0', 'dL_dc0'].includes(keys[1]));
  if (perStep) return indices.length === 2 ? `${field} t=${indices[0] + 1} unit ${indices[1]}` : `${field} t=${indices[0] + 1}`;
  if (indices.length === 2) return `${field} row ${indices[0]} col ${indices[1]}`;
  return `${field} unit ${indices[0]}`;
}

class Comparison {
  count = 0;
  worst: Mismatch = { where: '(none)', actual: 0, expected: 0, error: 0 };
  failures: Mismatch[] = [];

  compare(actual: unknown, expected: unknown, keys: string[], indices: number[] = []): void {
    const where = describePlace(keys, indices);
    const fail = (error: number): void => {
      this.failures.push({ where, actual, expected, error });
    };
    if (typeof expected === 'number') {
      this.count++;
      if (typeof actual !== 'number') return fail(Infinity);
      const error = Math.abs(actual - expected) / (1 + Math.abs(expected));
      if (!(error <= this.worst.error)) this.worst = { where, actual, expected, error };
      if (!(error <= TOLERANCE)) fail(error);
    } else if (Array.isArray(expected)) {
      if (!Array.isArray(actual) || actual.length !== expected.length) {
        return fail(Infinity);
      }
      expected.forEach((item, k) => this.compare(actual[k], item, keys, [...indices, k]));
    } else if (expected !== null && typeof expected === 'object') {
      if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return fail(Infinity);
      const record = actual as Record<string, unknown>;
      for (const [key, value] of Object.entries(expected)) {
        if (!(key in record)) {
          this.failures.push({ where: [...keys, key].join('.'), actual: '(missing)', expected: '(present)', error: Infinity });
          continue;
        }
        this.compare(record[key], value, [...keys, key], indices);
      }
    } else if (actual !== expected) {
      fail(Infinity);
    }
  }
}

/** Every leaf path of the engine's section records that the golden file does not have. */
function uncovered(actual: unknown, expected: unknown, keys: string[]): string[] {
  if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return [];
  if (expected === null || typeof expected !== 'object') return [keys.join('.')];
  const golden = expected as Record<string, unknown>;
  return Object.entries(actual).flatMap(([key, value]) => (key in golden ? uncovered(value, golden[key], [...keys, key]) : [[...keys, key].join('.')]));
}

const cases = readdirSync(GOLDEN_DIR).filter(name => name.endsWith('.golden.json')).sort();

describe('golden: the engine against PyTorch (test/fixtures/golden)', () => {
  it('has the cases the generator writes: every cell, both losses, saturation, the seed, T = 1000', () => {
    assert.ok(cases.length >= 12, `only ${cases.length} golden cases`);
    const goldens = cases.map(name => JSON.parse(readFileSync(path.join(GOLDEN_DIR, name), 'utf8')) as { cell: string; T: number; loss: { kind: string } });
    for (const cell of ['lstm', 'lstm_peephole', 'gru', 'rnn']) assert.ok(goldens.some(g => g.cell === cell), `no ${cell} case`);
    for (const kind of ['sum', 'mse']) assert.ok(goldens.some(g => g.loss.kind === kind), `no ${kind} case`);
    assert.ok(goldens.some(g => g.T >= 1000), 'no case with T = 1000');
    assert.ok(cases.includes('example-this-movie-is-good.golden.json'), 'no seed example');
    assert.ok(cases.some(name => name.includes('saturated')), 'no saturation case');
  });

  for (const name of cases) {
    const caseName = name.replace(/\.golden\.json$/, '');
    it(`${caseName}: every field agrees with PyTorch to ${TOLERANCE}`, () => {
      const text = readFileSync(path.join(GOLDEN_DIR, `${caseName}.lstm.json`), 'utf8');
      const { spec, issues } = parseSpec(text);
      assert.ok(spec, `spec does not parse: ${issues.map(issue => `${issue.path}: ${issue.message}`).join('; ')}`);
      const expected = JSON.parse(readFileSync(path.join(GOLDEN_DIR, name), 'utf8')) as Record<string, unknown>;
      const actual = traceToJson(computeTrace(spec)) as Record<string, unknown>;

      const comparison = new Comparison();
      for (const key of ['cell', 'inputSize', 'hiddenSize', 'T', 'tokens']) {
        assert.deepEqual(actual[key], expected[key], key);
      }
      for (const section of SECTIONS) {
        if (section in expected) comparison.compare(actual[section], expected[section], [section]);
        else assert.ok(!(section in actual), `the engine has ${section}, PyTorch's trace has not`);
      }
      // the framework's own gradients under PyTorch's names, once the engine reports them
      if ('frameworkGrads' in expected && 'frameworkGrads' in actual) {
        comparison.compare(actual.frameworkGrads, expected.frameworkGrads, ['frameworkGrads']);
      }
      const missing = SECTIONS.flatMap(section => uncovered(actual[section], expected[section], [section]));
      assert.deepEqual(missing, [], 'engine fields with no PyTorch value to compare against');
      assert.ok(comparison.count > 0, 'nothing compared');
      if (comparison.failures.length > 0) {
        const first = comparison.failures.slice(0, 5).map(f => `${f.where}: engine ${String(f.actual)} vs torch ${String(f.expected)}`);
        const worst = comparison.failures.reduce((a, b) => (b.error > a.error ? b : a));
        assert.fail(`${comparison.failures.length} of ${comparison.count} numbers differ; worst ${worst.where}: `
          + `engine ${String(worst.actual)} vs torch ${String(worst.expected)} (error ${worst.error}); first: ${first.join('; ')}`);
      }
    });
  }
});
