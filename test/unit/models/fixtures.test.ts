// Every model-file fixture of test/fixtures/models/ (written by scripts/golden/make_models.py with
// torch, onnx and h5py) read by src/models and compared, to exact float equality, with the
// framework's own numbers in NAME.expected.json: the file's tensors as stored, and each recurrent
// module mapped to PyTorch's layout. The Keras fixtures are built with h5py following Keras's
// documented layout (no framework that writes Keras files is installable here), from a PyTorch
// model mapped to Keras by hand in the script. Mapping back (fromPyTorchLayout) must give the
// file's own tensors again.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findModules, fromPyTorchLayout, inspectModel, ModelFileError, readCsvMatrix, readModelFile, toPyTorchLayout } from '../../../src/models';

const DIR = path.join(__dirname, '..', '..', 'fixtures', 'models');

interface ExpectedTensor { name: string; shape: number[]; dtype: string; data: number[] }
interface ExpectedModule {
  prefix: string; cell: string; numLayers: number; bidirectional: boolean; hiddenSize: number; inputSize: number;
  dtype: string; convention: string; resetAfter?: boolean; mapped: Record<string, { shape: number[]; data: number[] }>;
}
interface Expected { file: string; format: string; tensors: ExpectedTensor[]; modules: ExpectedModule[]; heads: string[]; refused?: string }

const readBytes = (name: string): Uint8Array => new Uint8Array(fs.readFileSync(path.join(DIR, name)));

function assertExactlyEqual(actual: Float64Array, expected: number[], what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let k = 0; k < expected.length; k++) {
    if (!Object.is(actual[k], expected[k])) assert.fail(`${what}[${k}]: ${actual[k]} !== ${expected[k]}`);
  }
}

/** Files that must not be read at all: the message must contain these words. */
const UNREADABLE: Record<string, RegExp> = {
  'evil_os_system.pt': /refused global posix\.system.*model\.state_dict\(\)/,
  'whole_model.pt': /refused global __main__\.Classifier.*model\.state_dict\(\)/,
  'legacy.pt': /legacy \(non-zip\) torch\.save format/,
  'onnx_no_rnn.onnx': /graph: the ONNX graph has no LSTM, GRU or RNN node/,
  'keras_no_weights.h5': /model_weights: the file holds no weights/,
  'keras_no_weights.keras': /model\.weights\.h5: .*without weights/,
};

describe('model files: every fixture against the framework\'s numbers', () => {
  const expectedFiles = fs.readdirSync(DIR).filter(f => f.endsWith('.expected.json')).sort();

  it('the fixtures are there (scripts/golden/make_models.py ran)', () => {
    assert.ok(expectedFiles.length >= 50, `${expectedFiles.length} expected files`);
  });

  for (const expectedFile of expectedFiles) {
    const expected = JSON.parse(fs.readFileSync(path.join(DIR, expectedFile), 'utf8')) as Expected;
    const name = expected.file;
    if (UNREADABLE[name]) continue;
    it(`${name}: tensors${expected.modules.length ? ', modules and PyTorch layout' : ''}${expected.refused ? ` (refused: ${expected.refused})` : ''}`, () => {
      const file = name.endsWith('.csv')
        ? { format: 'csv', tensors: [readCsvMatrix(fs.readFileSync(path.join(DIR, name), 'utf8'), name)], nodes: [], attributes: {} }
        : readModelFile(readBytes(name), name);
      assert.equal(file.format, expected.format);
      const byName = new Map(file.tensors.map(t => [t.name, t]));
      for (const e of expected.tensors) {
        const t = byName.get(e.name);
        assert.ok(t, `tensor ${e.name} missing; got ${[...byName.keys()].join(', ')}`);
        assert.deepEqual(t.shape, e.shape, `${e.name} shape`);
        assert.equal(t.dtype, e.dtype, `${e.name} dtype`);
        assertExactlyEqual(t.data, e.data, e.name);
      }
      // ONNX graphs also hold integer constants (shapes, indices); every float tensor is expected
      const floats = file.tensors.filter(t => t.dtype.startsWith('float') || t.dtype === 'bfloat16');
      assert.equal(floats.length, expected.tensors.length, `float tensors: ${floats.map(t => t.name).join(', ')}`);
      if (name.endsWith('.csv') || name.endsWith('.npy')) return;
      const model = file as ReturnType<typeof readModelFile>;
      if (expected.refused) {
        assert.throws(() => findModules(model, name), (error: unknown) => error instanceof ModelFileError && error.message.includes(expected.refused as string) && error.message.startsWith(`${name}: `));
        return;
      }
      const { modules, heads } = findModules(model, name);
      assert.deepEqual(heads.map(h => h.prefix), expected.heads);
      assert.deepEqual(modules.map(m => m.prefix), expected.modules.map(m => m.prefix));
      for (const e of expected.modules) {
        const m = modules.find(x => x.prefix === e.prefix);
        assert.ok(m);
        const { mapped, ...fields } = e;
        assert.deepEqual({ ...m }, fields);
        const layout = toPyTorchLayout(model, m, name);
        assert.deepEqual(Object.keys(layout).sort(), Object.keys(mapped).sort());
        for (const [key, want] of Object.entries(mapped)) {
          assert.deepEqual(layout[key].shape, want.shape, `${e.prefix} ${key} shape`);
          assertExactlyEqual(layout[key].data, want.data, `${e.prefix} ${key}`);
        }
        const back = fromPyTorchLayout(model, m, Object.fromEntries(Object.entries(layout).map(([k, v]) => [k, v.data])), name);
        assert.ok(Object.keys(back).length >= 2);
        for (const [tensorName, value] of Object.entries(back)) {
          const original = byName.get(tensorName);
          assert.ok(original, `fromPyTorchLayout named ${tensorName}, not in the file`);
          assert.deepEqual(value.shape, original.shape, `${tensorName} shape`);
          assertExactlyEqual(value.data, Array.from(original.data), `back to ${tensorName}`);
        }
      }
      const report = inspectModel(model, name);
      assert.deepEqual(Object.keys(report), ['modules', 'tensors']);
      for (const m of report.modules) assert.deepEqual(Object.keys(m), ['prefix', 'cell', 'numLayers', 'bidirectional', 'hiddenSize', 'inputSize', 'dtype', 'convention']);
      assert.equal(report.tensors.length, file.tensors.length);
    });
  }

  for (const [name, message] of Object.entries(UNREADABLE)) {
    it(`${name} is refused: ${message.source}`, () => {
      assert.throws(() => readModelFile(readBytes(name), name),
        (error: unknown) => error instanceof ModelFileError && message.test(error.message) && error.message.startsWith(`${name}: `));
    });
  }
});
