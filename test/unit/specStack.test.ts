// Spec errors for the keys of stacks, losses, samples and model files (docs/spec-format.md): each
// is reported at its JSON path and line:column, says what was expected and what was found, and
// leaves no spec. Model-file problems are positioned at model.file (or model.prefix, inputs.file)
// and carry the reader's own "FILE: WHERE: detail" message, e.g. a pickle's refused global.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseSpec } from '../../src/engine/spec';
import { computeTrace } from '../../src/engine/trace';
import { loadSpec, loadSpecAsync, specDependencies } from '../../src/runtime/specLoader';

const MODELS = path.join(__dirname, '..', 'fixtures', 'models');
const readFile = (p: string): Uint8Array => fs.readFileSync(path.resolve(MODELS, p));

/** every issue as "line:column severity message", and whether a spec came out */
function issuesOf(text: string, withFiles = false): { lines: string[]; spec: boolean; dependencies: string[] } {
  const result = withFiles ? loadSpec(text, { readFile }) : parseSpec(text);
  return { lines: result.issues.map(i => `${i.range.line}:${i.range.column} ${i.severity} ${i.message}`), spec: result.spec !== undefined, dependencies: result.dependencies };
}

const base = (extra: string): string => `{"inputSize": 1, "hiddenSize": 1, "inputs": [1, 2],\n ${extra}}`;
const STACK_WEIGHTS = '"weights": {"weight_ih_l0": 0.1, "weight_hh_l0": 0.1, "bias_ih_l0": 0, "bias_hh_l0": 0, "weight_ih_l1": 0.1, "weight_hh_l1": 0.1, "bias_ih_l1": 0, "bias_hh_l1": 0}';

const CASES: [string, string, string[], boolean?][] = [
  ['numLayers must be a positive integer', base('"numLayers": 0, "init": {"seed": 1}'),
    ['2:15 error numLayers: expected a positive integer (layers), found 0']],
  ['bidirectional must be a boolean', base('"bidirectional": "yes", "init": {"seed": 1}'),
    ['2:19 error bidirectional: expected true or false, found string "yes"']],
  ['h0 of a stack is (L·D, H): a flat vector is refused', base(`"numLayers": 2, ${STACK_WEIGHTS},\n "h0": [0, 0]`),
    ['3:8 error h0: expected 2 rows of 1 numbers (numLayers × directions, PyTorch\'s order l0 fwd, l0 rev, l1 fwd, …), found a flat vector']],
  ['textbook names describe one layer', base('"numLayers": 2, "weights": {"W_f": 0, "W_i": 0, "W_c": 0, "W_o": 0, "b_f": 0, "b_i": 0, "b_c": 0, "b_o": 0}'),
    ['2:30 error weights.W_f: textbook names describe one layer in one direction; a stack (2 layers) needs PyTorch\'s names: weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0, weight_ih_l1, weight_hh_l1, bias_ih_l1, bias_hh_l1']],
  ['a _reverse tensor needs bidirectional', base('"weights": {"weight_ih_l0": 0.1, "weight_hh_l0": 0.1, "bias_ih_l0": 0, "bias_hh_l0": 0, "weight_ih_l0_reverse": 0}'),
    ['2:90 error weights.weight_ih_l0_reverse: unknown weight for an lstm cell: the _reverse tensors need "bidirectional": true (it is false)']],
  ['a missing stack tensor is named', base('"numLayers": 2, "weights": {"weight_ih_l0": 0.1, "weight_hh_l0": 0.1, "bias_ih_l0": 0, "bias_hh_l0": 0, "weight_ih_l1": 0.1, "bias_ih_l1": 0, "bias_hh_l1": 0}'),
    ['2:18 error weights: missing weight_hh_l1 for an lstm cell (PyTorch names)']],
  ['crossEntropy needs a head', base('"init": {"seed": 1},\n "loss": {"kind": "crossEntropy", "target": 0}'),
    ['3:2 error loss.head: missing; a crossEntropy loss needs a linear head: {"weight": [[…]], "bias": […]} (C × 1) or {"from": "fc"} (a model file\'s head)']],
  ['head.from needs a model', base('"init": {"seed": 1},\n "loss": {"kind": "crossEntropy", "head": {"from": "fc"}, "target": 0}'),
    ['3:52 error loss.head.from: "from" names a head in the model file, and the spec has no readable "model"']],
  ['at is last or every', base('"init": {"seed": 1},\n "loss": {"kind": "sum", "at": "sometimes"}'),
    ['3:32 error loss.at: expected "last" or "every", found string "sometimes"']],
  ['on: h_n cannot be per step', base('"init": {"seed": 1},\n "loss": {"kind": "sum", "at": "every", "on": "h_n"}'),
    ['3:47 error loss.on: "h_n" is one vector (the last state of each direction); it cannot be used with "at": "every"']],
  ['a class index beyond the head', base('"init": {"seed": 1},\n "loss": {"kind": "crossEntropy", "head": {"weight": [[1], [2], [3]], "bias": [0, 0, 0]}, "target": 5}'),
    ['3:101 error loss.target: expected a class index 0..2, found 5']],
  ['an every target has one row per step', base('"init": {"seed": 1},\n "loss": {"kind": "mse", "at": "every", "target": [[1]]}'),
    ['3:51 error loss.target: expected 2 rows of 1 numbers, found 1 row']],
  ['given needs dL_dy', base('"init": {"seed": 1},\n "loss": {"kind": "given"}'),
    ['3:2 error loss.dL_dy: missing; a given loss needs a gradient of 1 numbers']],
  ['samples: each an object with inputs', '{"inputSize": 1, "hiddenSize": 1, "init": {"seed": 1},\n "samples": [{"inputs": [1], "target": [1]}, {"target": [0]}, 3],\n "loss": {"kind": "mse"}}',
    ['2:46 error samples[1].inputs: missing; expected at least one input row of 1 numbers', '2:63 error samples[2]: expected an object like {"inputs": [[…]], "target": …}, found 3']],
  ['a sample\'s own target is checked', '{"inputSize": 1, "hiddenSize": 1, "init": {"seed": 1},\n "samples": [{"inputs": [1], "target": [1, 2]}],\n "loss": {"kind": "mse"}}',
    ['2:40 error samples[0].target: expected 1 numbers (hiddenSize), found 2']],
  ['a model file without a file reader', '{"model": {"file": "lstm2bi_float32.pt"},\n "inputs": [[1, 2, 3]]}',
    ['1:20 error model.file: model files need a file reader (open the spec from a folder, or use the CLI)']],
  ['a model file that does not exist', '{"model": {"file": "nope.pt"},\n "inputs": [[1, 2, 3]]}',
    ['1:20 error model.file: nope.pt: file not found'], true],
  ['a pickle with a foreign global: refused with its name, nothing executed', '{"model": {"file": "evil_os_system.pt"},\n "inputs": [[1, 2, 3]]}',
    ['1:20 error model.file: evil_os_system.pt: rnn_float32/data.pkl byte 56: refused global posix.system: only the globals a state_dict needs are allowed (nothing from the file is executed); save model.state_dict() instead of the model object: torch.save(model.state_dict(), f)'], true],
  ['a prefix the file does not have', '{"model": {"file": "lstm2bi_float32.pt", "prefix": "decoder"},\n "inputs": [[1, 2, 3]]}',
    ['1:52 error model.prefix: lstm2bi_float32.pt: prefix: no recurrent module "decoder"; the file has "encoder.lstm"'], true],
  ['two modules and no prefix', '{"model": {"file": "onnx_lstm2bi.onnx"},\n "inputs": [[1, 2, 3]]}',
    ['1:20 error model.file: onnx_lstm2bi.onnx: prefix: the file holds 2 recurrent modules ("/LSTM", "/LSTM_1"): say which with "prefix"'], true],
  ['the spec\'s sizes must agree with the file', '{"model": {"file": "lstm2bi_float32.pt"}, "cell": "gru", "hiddenSize": 5, "numLayers": 3, "bidirectional": false,\n "inputs": [[1, 2, 3]]}',
    ['1:51 error cell: expected "lstm" (the model file lstm2bi_float32.pt holds an lstm cell), found string "gru"',
      '1:72 error hiddenSize: expected 4 (from the model file), found 5', '1:88 error numLayers: expected 2 (from the model file), found 3',
      '1:108 error bidirectional: expected true (from the model file), found false'], true],
  ['weights next to a model', '{"model": {"file": "lstm2bi_float32.pt"}, "weights": {},\n "inputs": [[1, 2, 3]]}',
    ['1:43 error weights: not allowed with "model": the weights come from the model file'], true],
  ['a head the file does not have', '{"model": {"file": "lstm2bi_float32.pt"},\n "inputs": {"file": "inputs_f8.npy"}, "loss": {"kind": "crossEntropy", "head": {"from": "head"}, "target": 0}}',
    ['2:89 error loss.head.from: lstm2bi_float32.pt has no linear head "head" (tensors head.weight, head.bias); it has "fc"'], true],
  ['an inputs file of the wrong width', '{"model": {"file": "rnn_float32.pt"},\n "inputs": {"file": "inputs_f8.npy"}}',
    ['2:21 error inputs.file: inputs_f8.npy: expected 2 columns (inputSize), found 3 (shape [5,3])'], true],
  ['an unsupported activation names the attribute', '{"model": {"file": "keras_hard_sigmoid.h5"},\n "inputs": [[1, 2, 3]]}',
    ['1:20 error model.file: keras_hard_sigmoid.h5: layer lstm recurrent_activation: recurrent_activation "hard_sigmoid" is not supported (only sigmoid; hard_sigmoid is a different function)'], true],
];

describe('spec errors of stacks, losses, samples and model files', () => {
  for (const [title, text, expected, withFiles] of CASES) {
    it(title, () => {
      const { lines, spec } = issuesOf(text, withFiles);
      assert.deepEqual(lines, expected);
      if (expected.some(line => / error /.test(line))) assert.equal(spec, false);
    });
  }

  it('resetAfter on a cell without a reset gate: a warning, the spec stays', () => {
    const { lines, spec } = issuesOf(base('"resetAfter": false, "init": {"seed": 1}'));
    assert.deepEqual(lines, ['2:2 warning resetAfter: ignored: only a gru cell has a reset gate, not an lstm cell']);
    assert.equal(spec, true);
  });

  it('dependencies: the files named, as written, also when unreadable', () => {
    assert.deepEqual(issuesOf('{"model": {"file": "nope.pt"},\n "inputs": {"file": "x.csv"}}', true).dependencies, ['nope.pt', 'x.csv']);
    assert.deepEqual(issuesOf('{"model": {"file": "lstm2bi_float32.pt"},\n "inputs": [[1, 2, 3]]}').dependencies, ['lstm2bi_float32.pt']);
  });

  it('a model spec gives the file\'s sizes, a (1, H) h0 is accepted for one layer', () => {
    const loaded = loadSpec('{"model": {"file": "gru_float32.pt"}, "h0": [[0.1, 0.2, 0.3, 0.4]],\n "inputs": {"file": "inputs.csv"}}', { readFile });
    assert.deepEqual(loaded.issues, []);
    const spec = loaded.spec!;
    assert.deepEqual([spec.cell, spec.inputSize, spec.hiddenSize, spec.T], ['gru', 3, 4, 5]);
    assert.deepEqual(Array.from(spec.h0), [0.1, 0.2, 0.3, 0.4]);
    assert.equal(spec.stack, undefined);
    assert.equal(spec.framework?.prefix, 'gru');
  });
});

describe('loadSpecAsync: an asynchronous reader (the extension\'s workspace file system)', () => {
  it('reads each dependency once, then gives the same spec as loadSpec', async () => {
    const text = '{"model": {"file": "lstm2bi_float32.pt"},\n "samples": [{"inputs": {"file": "inputs.csv"}, "target": 0}, {"inputs": {"file": "inputs_f8.npy"}, "target": 1}],\n "loss": {"kind": "crossEntropy", "head": {"from": "fc"}}}';
    assert.deepEqual(specDependencies(text), ['lstm2bi_float32.pt', 'inputs.csv', 'inputs_f8.npy']);
    const calls: string[] = [];
    const loaded = await loadSpecAsync(text, { readFile: async p => { calls.push(p); return readFile(p); } });
    assert.deepEqual(calls.sort(), ['inputs.csv', 'inputs_f8.npy', 'lstm2bi_float32.pt']);
    assert.deepEqual(loaded.issues, []);
    const sync = loadSpec(text, { readFile });
    assert.deepEqual(Array.from(loaded.spec!.stack!.samples[1].inputs), Array.from(sync.spec!.stack!.samples[1].inputs));
    assert.equal(loaded.spec!.stack!.samples.length, 2);
  });

  it('a failed read is reported at its key', async () => {
    const loaded = await loadSpecAsync('{"model": {"file": "gone.pt"},\n "inputs": [[1, 2, 3]]}', { readFile: async () => { throw Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT' }); } });
    assert.deepEqual(loaded.issues.map(i => `${i.range.line}:${i.range.column} ${i.message}`), ['1:20 model.file: gone.pt: file not found']);
    assert.deepEqual(loaded.dependencies, ['gone.pt']);
  });
});

describe('stack and model specs never throw', () => {
  it('mutated stack, loss, sample and model specs: issues or a trace, never an exception', () => {
    const seeds = [
      '{"cell": "gru", "inputSize": 1, "hiddenSize": 2, "numLayers": 2, "bidirectional": true, "resetAfter": false, "init": {"seed": 3},\n "h0": [[0, 0], [0, 0], [0, 0], [0, 0]], "samples": [{"inputs": [1, 2], "target": [0, 1]}, {"inputs": [3], "target": [1, 0]}],\n "loss": {"kind": "crossEntropy", "at": "every", "head": {"weight": [[1, 0, 0, 1], [0, 1, 1, 0]], "bias": [0, 0]}}}',
      '{"model": {"file": "lstm2bi_float32.pt", "prefix": "encoder.lstm"}, "inputs": {"file": "inputs.csv"},\n "loss": {"kind": "given", "on": "h_n", "dL_dy": [1, 2, 3, 4, 5, 6, 7, 8]}}',
      '{"inputSize": 1, "hiddenSize": 1, "numLayers": 2, "inputs": [1, 2], "weights": {"weight_ih_l0": 0.1, "weight_hh_l0": 0.1, "bias_ih_l0": 0, "bias_hh_l0": 0, "weight_ih_l1": 0.1, "weight_hh_l1": 0.1, "bias_ih_l1": 0, "bias_hh_l1": 0},\n "loss": {"kind": "mse", "at": "every", "target": [[1], [2]]}}',
    ];
    let state = 12345;
    const next = (n: number): number => { state = (state * 1103515245 + 12345) >>> 0; return state % n; };
    const pieces = ['0', '-1', '2', '"every"', '"h_n"', '[', ']', '{', '}', ',', '"file"', '"x.npy"', 'true', '1e999', '"gru"', '""', ':'];
    let traced = 0;
    for (let k = 0; k < 300; k++) {
      let text = seeds[k % seeds.length];
      for (let m = 0; m <= next(3); m++) {
        const at = next(text.length);
        text = next(2) === 0 ? text.slice(0, at) + pieces[next(pieces.length)] + text.slice(at + next(4)) : text.slice(0, at) + text.slice(at + 1 + next(6));
      }
      const loaded = loadSpec(text, { readFile });
      for (const issue of loaded.issues) assert.ok(issue.range.offset >= 0 && issue.range.offset + issue.range.length <= text.length, issue.message);
      if (loaded.spec) { computeTrace(loaded.spec); traced++; }
    }
    assert.ok(traced > 0, 'some mutants still give a spec');
  });
});
