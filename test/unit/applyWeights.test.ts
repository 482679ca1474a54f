// "Apply Trained Weights" as a pure text → text function (src/views/applyWeights.ts): on a
// commented fixture spec the weights land under the spec's names (read back through the parser,
// the values are exactly those trained), every comment and every other line stays, `init`
// gives way to `weights`, and minimalEdit's one replacement rebuilds the new text. Specs that
// cannot hold the weights (a model file, a stack made by init) and non-finite values are
// refused with the reason. The trained values come from train() (checked against PyTorch in
// training.test.ts), not from the function under test.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseSpec } from '../../src/engine/specParse';
import { train, trainModelOf, trainedWeights } from '../../src/engine/train';
import { applyTrainedWeights, minimalEdit } from '../../src/views/applyWeights';

const FIXTURE = path.join(__dirname, '..', 'fixtures', 'train-apply-commented.lstm.json');
const EXAMPLES = path.join(__dirname, '..', '..', 'examples');

function trainText(text: string, steps = 5) {
  const parsed = parseSpec(text);
  assert.ok(parsed.spec, JSON.stringify(parsed.issues));
  return train(trainModelOf(parsed.spec), { steps, optimizer: { kind: 'adam', lr: 0.05 } });
}

function applied(text: string, weights: ReturnType<typeof trainedWeights>): string {
  const outcome = applyTrainedWeights(text, weights);
  assert.ok(outcome.ok, outcome.ok ? '' : outcome.message);
  return outcome.text;
}

describe('Apply Trained Weights: the edit of the spec text', () => {
  const text = fs.readFileSync(FIXTURE, 'utf8');

  it('writes the trained values under the spec\'s names, exactly, in place of init', () => {
    const result = trainText(text);
    const next = applied(text, trainedWeights(result));
    const reparsed = parseSpec(next);
    assert.equal(reparsed.issues.length, 0, JSON.stringify(reparsed.issues));
    // every trained parameter reads back bit for bit
    for (const p of result.parameters) {
      const expected = result.theta.subarray(p.offset, p.offset + p.length);
      assert.deepEqual(Array.from(reparsed.spec!.params[p.name]), Array.from(expected), p.name);
    }
    assert.ok(!/"init"/.test(next), 'init gave way to weights');
    // training again from the applied text starts where the first run ended
    const again = trainText(next, 0);
    assert.equal(again.loss[0], result.loss[5]);
  });

  it('keeps every comment and every line it does not replace', () => {
    const next = applied(text, trainedWeights(trainText(text)));
    for (const line of text.split('\n')) {
      if (/"init"|random weights/.test(line) && !line.includes('/*')) continue;
      assert.ok(next.includes(line), `kept: ${line}`);
    }
    assert.ok(next.includes('/* random weights: Apply writes "weights" in their place */'));
    assert.ok(next.includes('"inputs": [[1], [-0.5], [0.25]], // three steps'));
  });

  it('replaces PyTorch-named weights in place (only their values), keeping the rest byte for byte', () => {
    const source = fs.readFileSync(path.join(EXAMPLES, 'pytorch-lstm.lstm.json'), 'utf8');
    const result = trainText(source, 3);
    const next = applied(source, trainedWeights(result));
    assert.deepEqual(result.parameters.map(p => p.name), ['weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0']);
    const reparsed = parseSpec(next);
    assert.equal(reparsed.issues.filter(i => i.severity === 'error').length, 0);
    const tensors = reparsed.spec!.framework!.tensors!;
    for (const p of result.parameters) assert.deepEqual(Array.from(tensors[p.name]), Array.from(result.theta.subarray(p.offset, p.offset + p.length)), p.name);
    // before and after the weights object, nothing moved
    const tail = (t: string) => t.slice(t.indexOf('"bias_hh_l0"')).replace(/^"bias_hh_l0": \[[^\]]*\]/, '');
    assert.equal(tail(next), tail(source));
    assert.equal(next.slice(0, next.indexOf('"weight_ih_l0"')), source.slice(0, source.indexOf('"weight_ih_l0"')));
  });

  it('writes an inline head (head.weight, head.bias) into loss.head', () => {
    const spec = `{
  "cell": "rnn", "inputSize": 1, "hiddenSize": 2,
  "weights": { "W": [[0.1, 0.2, 0.3], [0.4, -0.5, 0.6]], "b": [0, 0] },
  "inputs": [[1], [0.5]],
  "loss": { "kind": "crossEntropy", "target": 1, "head": { "weight": [[1, 0], [0, 1]], "bias": [0, 0] } } // two classes
}`;
    const result = trainText(spec, 2);
    const next = applied(spec, trainedWeights(result));
    const reparsed = parseSpec(next);
    assert.equal(reparsed.issues.filter(i => i.severity === 'error').length, 0, JSON.stringify(reparsed.issues));
    const head = reparsed.spec!.stack!.samples[0].loss as { head: { weight: Float64Array; bias: Float64Array } };
    const weight = result.parameters.find(p => p.name === 'head.weight')!;
    assert.deepEqual(Array.from(head.head.weight), Array.from(result.theta.subarray(weight.offset, weight.offset + weight.length)));
    assert.ok(next.includes('// two classes'));
  });

  it('refuses a spec whose weights come from a model file, saying why', () => {
    const outcome = applyTrainedWeights('{ "model": { "file": "m.pt" }, "inputs": [[1]] }', { 'lstm.weight_ih_l0': [[1]] });
    assert.equal(outcome.ok, false);
    assert.match(outcome.ok ? '' : outcome.message, /model file.*cannot hold "weights" next to "model"/);
  });

  it('refuses a stack made by init (textbook names per layer) and non-finite values', () => {
    const stack = applyTrainedWeights('{ "numLayers": 2, "init": {"seed": 1} }', { W_f_l1: [[1]] });
    assert.match(stack.ok ? '' : stack.message, /stacks need PyTorch's names/);
    const diverged = applyTrainedWeights(text, { W_f: [[NaN, 1]] });
    assert.match(diverged.ok ? '' : diverged.message, /not finite.*earlier training step/);
  });

  it('minimalEdit: one replacement turns the old text into the new one', () => {
    const next = applied(text, trainedWeights(trainText(text)));
    const edit = minimalEdit(text, next);
    assert.equal(text.slice(0, edit.offset) + edit.content + text.slice(edit.offset + edit.length), next);
    assert.ok(edit.offset > text.indexOf('"hiddenSize"'), 'the edit starts after the untouched head of the file');
    assert.deepEqual(minimalEdit('abc', 'abc'), { offset: 3, length: 0, content: '' });
  });
});
