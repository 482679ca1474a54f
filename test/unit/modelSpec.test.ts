// The spec "LSTM: New Spec from Model File…" writes (src/views/modelSpec.ts), from the real
// PyTorch fixture test/fixtures/models/lstm2bi_float64.pt (a 2-layer bidirectional LSTM, H=4, I=3,
// with a Linear(8 → 2) head `fc`, written by scripts/golden/make_models.py): the `model` key names
// the file and the module, the inputs have T rows of I, the heads offered are those reading D·H
// features, and the random inputs are mulberry32's draws as docs/spec-format.md#random-weights-init
// gives them (its printed Python reproduction: draws(1, 0.1, 4)).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseJsonc, ParseError } from 'jsonc-parser';
import { findModules, readModelFile } from '../../src/models';
import { buildModelSpec, describeModule, headsFor, randomInputs } from '../../src/views/modelSpec';

const DIR = path.join(__dirname, '..', 'fixtures', 'models');
const load = (name: string) => {
  const file = readModelFile(new Uint8Array(fs.readFileSync(path.join(DIR, name))), name);
  return findModules(file, name);
};

function parsed(text: string): Record<string, unknown> {
  const errors: ParseError[] = [];
  const value = parseJsonc(text, errors, { allowTrailingComma: false });
  assert.deepEqual(errors, [], text);
  return value;
}

describe('New Spec from Model File: the spec text', () => {
  const contents = load('lstm2bi_float64.pt');
  const lstm = contents.modules[0];

  it('lists the module as the quick pick shows it, and offers the head reading D·H = 8 features', () => {
    assert.equal(contents.modules.length, 1);
    assert.equal(describeModule(lstm), 'lstm · 2 layers · bidirectional · H=4 · I=3 · float64 · pytorch');
    assert.deepEqual(headsFor(contents, lstm).map(h => h.prefix), ['fc']);
    // a unidirectional module of the same H reads 4 features: fc (8) is not offered
    assert.deepEqual(headsFor(contents, { ...lstm, bidirectional: false }).map(h => h.prefix), []);
  });

  it('writes the model file and prefix, T rows of I zeros, and cross-entropy on the head', () => {
    const text = buildModelSpec('/models/lstm2bi_float64.pt', 'lstm2bi_float64.pt', lstm,
      { input: { kind: 'zeros' }, T: 3, loss: { kind: 'crossEntropy', head: 'fc', target: 1 } });
    const spec = parsed(text);
    assert.deepEqual(spec.model, { file: '/models/lstm2bi_float64.pt', prefix: 'encoder.lstm' });
    assert.deepEqual(spec.inputs, [[0, 0, 0], [0, 0, 0], [0, 0, 0]]);
    assert.deepEqual(spec.loss, { kind: 'crossEntropy', head: { from: 'fc' }, target: 1 });
    assert.equal(spec.cell, undefined, 'the sizes come from the file');
  });

  it('mse and given have D·H numbers; an inputs file is referenced, not copied', () => {
    const mse = parsed(buildModelSpec('/m.pt', 'm.pt', lstm, { input: { kind: 'file', path: '/x.npy', T: 7 }, loss: { kind: 'mse' } }));
    assert.deepEqual(mse.inputs, { file: '/x.npy' });
    assert.deepEqual(mse.loss, { kind: 'mse', target: [0, 0, 0, 0, 0, 0, 0, 0] });
    const given = parsed(buildModelSpec('/m.pt', 'm.pt', { ...lstm, bidirectional: false }, { input: { kind: 'zeros' }, T: 1, loss: { kind: 'given' } }));
    assert.deepEqual(given.loss, { kind: 'given', dL_dy: [1, 1, 1, 1] });
  });

  it('random inputs are mulberry32 draws in [-1, 1), 4 decimals, the same for the same seed', () => {
    // docs/spec-format.md: draws(1, 0.1, 4) = [0.025414788117632273, -0.0994528557639569, 0.005489407991990447, 0.09621019349433482]
    assert.deepEqual(randomInputs(1, 2, 2), [[0.2541, -0.9945], [0.0549, 0.9621]]);
    const spec = parsed(buildModelSpec('/m.pt', 'm.pt', lstm, { input: { kind: 'random', seed: 1 }, T: 2, loss: { kind: 'sum' } }));
    const rows = spec.inputs as number[][];
    assert.deepEqual(rows[0], [0.2541, -0.9945, 0.0549]);
    assert.equal(rows[1][0], 0.9621);
    assert.deepEqual(rows, randomInputs(1, 2, 3));
    assert.deepEqual(spec.loss, { kind: 'sum' });
  });
});
