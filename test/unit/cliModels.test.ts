// The command-line tool on model files (docs/cli.md), run as users run it (`node dist/cli.js`):
// `inspect FILE --json` prints exactly {"modules": [{prefix, cell, numLayers, bidirectional,
// hiddenSize, inputSize, dtype, convention}], "tensors": [{name, shape, dtype}]}, checked against
// what scripts/golden/make_models.py recorded from the frameworks themselves; a bad or unsupported
// file exits 1 with `FILE: message` and no stack trace (a pickle's foreign global by name); usage
// errors exit 2. `trace` on a model spec prints a table per layer and direction, and --loss sum
// still overrides the spec's loss.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../..');
const cli = path.join(root, 'dist/cli.js');
const MODELS = 'test/fixtures/models';

function runCli(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const NO_STACK_TRACE = /\n\s+at |Error:|internal error/;

describe('cli on model files', function () {
  this.timeout(120000);

  before(() => {
    const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, encoding: 'utf8' });
    assert.equal(build.status, 0, build.stderr);
  });

  for (const file of ['lstm2bi_float32.pt', 'lstm2bi_bfloat16.safetensors', 'gru_float64.npz', 'onnx_lstm2bi.onnx', 'keras_gru.keras', 'keras_rnn.h5']) {
    it(`inspect --json ${file}: exactly the documented keys, the file's modules and tensors`, () => {
      const { code, stdout, stderr } = runCli('inspect', path.join(MODELS, file), '--json');
      assert.equal(code, 0, stderr);
      assert.equal(stderr, '');
      const report = JSON.parse(stdout) as { modules: Record<string, unknown>[]; tensors: Record<string, unknown>[] };
      assert.deepEqual(Object.keys(report), ['modules', 'tensors']);
      const expected = JSON.parse(fs.readFileSync(path.join(root, MODELS, `${file}.expected.json`), 'utf8')) as {
        modules: Record<string, unknown>[]; tensors: { name: string; shape: number[]; dtype: string }[];
      };
      const moduleKeys = ['prefix', 'cell', 'numLayers', 'bidirectional', 'hiddenSize', 'inputSize', 'dtype', 'convention'];
      report.modules.forEach(m => assert.deepEqual(Object.keys(m), moduleKeys));
      assert.deepEqual(report.modules, expected.modules.map(m => Object.fromEntries(moduleKeys.map(k => [k, m[k]]))));
      report.tensors.forEach(t => assert.deepEqual(Object.keys(t), ['name', 'shape', 'dtype']));
      assert.deepEqual(report.tensors, expected.tensors.map(t => ({ name: t.name, shape: t.shape, dtype: t.dtype })));
    });
  }

  it('inspect without --json: a table of modules and one of tensors', () => {
    const { code, stdout } = runCli('inspect', path.join(MODELS, 'lstm2bi_float32.pt'));
    assert.equal(code, 0);
    const lines = stdout.split('\n');
    assert.match(lines[0], /lstm2bi_float32\.pt: 1 recurrent module, 18 tensors$/);
    assert.ok(lines.some(l => /^encoder\.lstm\s+lstm\s+2\s+true\s+4\s+3\s+float32\s+pytorch$/.test(l)), stdout);
    assert.ok(lines.some(l => /^fc\.weight\s+\[2, 8\]\s+float32$/.test(l)), stdout);
  });

  it('a pickle with a foreign global: exit 1, FILE: message naming posix.system, no stack trace', () => {
    const file = path.join(MODELS, 'evil_os_system.pt');
    const { code, stdout, stderr } = runCli('inspect', file, '--json');
    assert.equal(code, 1);
    assert.equal(stdout, '');
    assert.ok(stderr.startsWith(`${file}: `), stderr);
    assert.match(stderr, /refused global posix\.system/);
    assert.doesNotMatch(stderr, NO_STACK_TRACE);
  });

  for (const [file, pattern] of [['legacy.pt', /byte 0: this is the legacy \(non-zip\) torch\.save format/], ['whole_model.pt', /refused global __main__\.Classifier/], ['onnx_no_rnn.onnx', /graph: the ONNX graph has no LSTM, GRU or RNN node/], ['missing.pt', /cannot read: no such file/]] as const) {
    it(`inspect ${file}: exit 1 with FILE: message`, () => {
      const full = path.join(MODELS, file);
      const { code, stderr } = runCli('inspect', full);
      assert.equal(code, 1, stderr);
      assert.ok(stderr.startsWith(`${full}: `), stderr);
      assert.match(stderr, pattern);
      assert.doesNotMatch(stderr, NO_STACK_TRACE);
    });
  }

  it('usage errors exit 2: no file, a flag inspect does not take', () => {
    assert.equal(runCli('inspect').code, 2);
    assert.equal(runCli('inspect', path.join(MODELS, 'gru_float32.pt'), '--loss', 'sum').code, 2);
  });

  it('trace on a model spec: the output table, the loss, and a table per layer and direction', () => {
    const { code, stdout, stderr } = runCli('trace', 'test/fixtures/specs/pt-lstm2bi-ce.lstm.json');
    assert.equal(code, 0, stderr);
    assert.match(stdout, /numLayers 2, bidirectional, T = 5/);
    assert.match(stdout, /^Loss crossEntropy: L = /m);
    for (const label of ['Layer 1, forward (L1 →)', 'Layer 1, reverse (L1 ←)', 'Layer 2, forward (L2 →)', 'Layer 2, reverse (L2 ←)']) assert.ok(stdout.includes(`== ${label} ==`), label);
    assert.equal(stdout.match(/^t\s+token\s+f\s+i\s+g\s+o\s+c_t\s+h_t$/gm)?.length, 4);
  });

  it('trace --loss sum on a stack spec: L is the sum of the last output row', () => {
    const { code, stdout, stderr } = runCli('trace', '--json', '--loss', 'sum', 'test/fixtures/specs/safetensors-lstm2bi-mse-every.lstm.json');
    assert.equal(code, 0, stderr);
    const json = JSON.parse(stdout) as { loss: { kind: string; L: number; perStep?: number[] }; output: number[][] };
    assert.equal(json.loss.kind, 'sum');
    // at: every stays: the sum over every step's outputs
    const expected = json.output.flat().reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(json.loss.L - expected) < 1e-12, `${json.loss.L} vs ${expected}`);
  });

  it('trace on a spec whose model file is malformed: exit 1, positioned, FILE: message', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lstm-model-'));
    try {
      fs.copyFileSync(path.join(root, MODELS, 'evil_os_system.pt'), path.join(dir, 'evil.pt'));
      const spec = path.join(dir, 'bad.lstm.json');
      fs.writeFileSync(spec, '{"model": {"file": "evil.pt"},\n "inputs": [[1, 2]]}');
      const { code, stderr } = runCli('trace', spec);
      assert.equal(code, 1);
      assert.match(stderr, /bad\.lstm\.json:1:20: model\.file: evil\.pt: .*refused global posix\.system/);
      assert.doesNotMatch(stderr, NO_STACK_TRACE);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
