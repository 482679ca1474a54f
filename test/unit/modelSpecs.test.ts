// Specs that read trained models' files, end to end against PyTorch: every spec of
// test/fixtures/specs (scripts/golden/make_model_specs.py) names a committed model file of
// test/fixtures/models with "model": {"file": "../models/…"} (PyTorch .pt, safetensors, npz,
// ONNX, Keras .h5/.keras; float32 files run in float64), inputs inline or from .npy/CSV, and a
// loss; `node dist/cli.js trace --json SPEC` must give PyTorch's output, h_n, c_n, loss,
// per-step/per-sample losses, logits, probs, dL_dx, dL_dh0, dL_dc0 and, in frameworkGrads, the
// .grad of every tensor under the FILE's own names and layout, to 1e-9. The same through
// loadSpec in-process, which also lists the files a spec depends on.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { computeTrace } from '../../src/engine/trace';
import { traceToJson } from '../../src/engine/traceJson';
import { loadSpec } from '../../src/runtime/specLoader';
import type { GoldenCase } from './helpers/stackGolden';
import { checkAgainstPyTorch, type Json } from './helpers/traceCheck';

const root = path.resolve(__dirname, '../..');
const SPECS = path.join(root, 'test', 'fixtures', 'specs');
const cli = path.join(root, 'dist/cli.js');

const names = fs.readdirSync(SPECS).filter(f => f.endsWith('.lstm.json')).sort().map(f => f.slice(0, -'.lstm.json'.length));
const expectedOf = (name: string): GoldenCase => JSON.parse(fs.readFileSync(path.join(SPECS, `${name}.expected.json`), 'utf8')) as GoldenCase;

describe('model-file specs against PyTorch', function () {
  this.timeout(120000);

  before(() => {
    const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, encoding: 'utf8' });
    assert.equal(build.status, 0, build.stderr);
  });

  it('has the generated cases (every format)', () => {
    assert.ok(names.length >= 15, names.join(', '));
    for (const kind of ['pt-', 'safetensors-', 'npz-', 'onnx-', 'keras-']) assert.ok(names.some(n => n.startsWith(kind)), kind);
  });

  for (const name of names) {
    it(`${name}: trace --json agrees with PyTorch on every field`, () => {
      const result = spawnSync(process.execPath, [cli, 'trace', '--json', path.join('test/fixtures/specs', `${name}.lstm.json`)], { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
      assert.equal(result.status, 0, result.stderr);
      assert.equal(result.stderr, '');
      checkAgainstPyTorch(JSON.parse(result.stdout) as Json, expectedOf(name));
    });
  }

  it('loadSpec in-process: same numbers, and the files it depends on as written', () => {
    const name = 'pt-lstm2bi-ce-every-samples';
    const text = fs.readFileSync(path.join(SPECS, `${name}.lstm.json`), 'utf8');
    const read: string[] = [];
    const loaded = loadSpec(text, { readFile: p => { read.push(p); return fs.readFileSync(path.resolve(SPECS, p)); } });
    assert.deepEqual(loaded.issues, []);
    assert.deepEqual(loaded.dependencies, ['../models/lstm2bi_float64.pt', '../models/inputs.csv']);
    assert.deepEqual(read, loaded.dependencies);
    checkAgainstPyTorch(JSON.parse(JSON.stringify(traceToJson(computeTrace(loaded.spec!)))) as Json, expectedOf(name));
  });
});
