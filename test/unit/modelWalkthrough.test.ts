// The spec "LSTM: New Spec from Model File…" writes for test/fixtures/models/lstm2bi_float64.pt
// (random inputs seed 1, T = 4, cross-entropy on `fc` with target 1), loaded as the extension
// loads it (src/runtime/specLoader.ts) and computed, against PyTorch's own numbers for the same
// model and inputs (scripts/golden/make_model_walkthrough.py → lstm2bi_float64.walkthrough.json):
// the loss, h_t of every (layer, direction) view the views show, and the gradients the States
// view and the hovers name both ways (framework name, and the textbook name of the layer view).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { computeTrace } from '../../src/engine/trace';
import { layerCount, layerLabel, layerView } from '../../src/engine/stackView';
import { findModules, readModelFile } from '../../src/models';
import { loadSpec } from '../../src/runtime/specLoader';
import { frameworkGradsFor, gradEntryName, textbookGradient } from '../../src/views/frameworkGrads';
import { buildModelSpec } from '../../src/views/modelSpec';

const DIR = path.join(__dirname, '..', 'fixtures', 'models');
const MODEL = path.join(DIR, 'lstm2bi_float64.pt');
const reference = JSON.parse(fs.readFileSync(path.join(DIR, 'lstm2bi_float64.walkthrough.json'), 'utf8')) as {
  inputs: number[][]; loss: number; h: Record<string, number[][]>; grad: Record<string, number[] | number[][]>; T: number; seed: number; target: number;
};

function walkthroughTrace() {
  const contents = findModules(readModelFile(new Uint8Array(fs.readFileSync(MODEL)), 'lstm2bi_float64.pt'), 'lstm2bi_float64.pt');
  const text = buildModelSpec(MODEL, 'lstm2bi_float64.pt', contents.modules[0],
    { input: { kind: 'random', seed: reference.seed }, T: reference.T, loss: { kind: 'crossEntropy', head: 'fc', target: reference.target } });
  const loaded = loadSpec(text, { readFile: file => new Uint8Array(fs.readFileSync(path.resolve(DIR, file))) });
  assert.deepEqual(loaded.issues.filter(i => i.severity === 'error'), []);
  assert.deepEqual(loaded.dependencies, [MODEL], 'the model file is the spec\'s one dependency (the watcher watches it)');
  assert.ok(loaded.spec);
  return computeTrace(loaded.spec);
}

const close = (actual: number, expected: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= 1e-9, `${what}: ${actual} vs PyTorch ${expected}`);

describe('New Spec from Model File: the spec computes PyTorch\'s numbers', () => {
  const trace = walkthroughTrace();

  it('the loss and h_t of every (layer, direction) view, in time order', () => {
    close(trace.loss.L, reference.loss, 'cross-entropy loss');
    assert.equal(layerCount(trace), 4);
    for (let index = 0; index < 4; index++) {
      const label = layerLabel(trace, index);
      const expected = reference.h[label];
      assert.ok(expected, `no reference for ${label}`);
      const view = layerView(trace, index);
      for (let t = 0; t < reference.T; t++) {
        for (let j = 0; j < view.hiddenSize; j++) close(view.forward.h[t * view.hiddenSize + j], expected[t][j], `${label} h_${t + 1}[${j}]`);
      }
    }
  });

  it('the gradients shown for L2 ← are those of its framework names, and each maps to its textbook entry', () => {
    const shown = frameworkGradsFor(trace, 1, 'reverse');
    const names = shown.map(g => g.name).sort();
    assert.deepEqual(names, ['encoder.lstm.bias_hh_l1_reverse', 'encoder.lstm.bias_ih_l1_reverse', 'encoder.lstm.weight_hh_l1_reverse',
      'encoder.lstm.weight_ih_l1_reverse', 'fc.bias', 'fc.weight']);
    const view = layerView(trace, 3);
    for (const grad of shown) {
      const expected = reference.grad[grad.name].flat();
      assert.equal(grad.tensor.data.length, expected.length, grad.name);
      expected.forEach((value, k) => close(grad.tensor.data[k], value, `${grad.name}[${k}]`));
      if (!grad.layerName) continue;
      const [rows, cols] = grad.tensor.shape;
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < (cols ?? 1); c++) {
          const textbook = textbookGradient(view, grad, r, cols === undefined ? undefined : c);
          assert.ok(textbook, `${gradEntryName(grad.name, r, c)} has a textbook entry`);
          close(textbook.value, expected[cols === undefined ? r : r * cols + c], `${textbook.label} for ${gradEntryName(grad.name, r, c)}`);
        }
      }
    }
    // weight_ih_l1_reverse rows 0..3 are PyTorch's input gate i; its column 2 multiplies layer 1's output[2]
    assert.equal(textbookGradient(view, shown.find(g => g.name.endsWith('weight_ih_l1_reverse'))!, 1, 2)?.label, 'dL/dW_i[1][6]');
  });
});
