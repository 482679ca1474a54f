// The shipped training examples do what their descriptions say, through the CLI's train (the
// figures are in docs/training.md): on the long-dependency task (T = 50) the LSTM (forget bias 1)
// learns and the vanilla RNN of the same size does not; forget bias 0 learns more slowly; the
// exploding RNN dies without clipping and learns with --clip-norm 1. Deterministic (init seeds).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { run } from '../../src/cli';
import { computeTrace, parseSpec } from '../../src/engine';
import { analyzeTrace } from '../../src/engine/analytics';

const EXAMPLES = path.join(__dirname, '..', '..', 'examples');

function trainExample(file: string, ...flags: string[]): { loss: number[]; gradNorm: number[] } {
  const out: string[] = [], err: string[] = [];
  const code = run(['train', path.join(EXAMPLES, file), '--json', ...flags], line => out.push(line), line => err.push(line));
  assert.equal(code, 0, err.join('\n'));
  return JSON.parse(out.join('\n'));
}

const ADAM_100 = ['--steps', '100', '--optimizer', 'adam', '--lr', '0.05'];

describe('training examples', () => {
  it('long dependency: the LSTM (forget bias 1) falls below 0.005 in 100 Adam steps', () => {
    const { loss } = trainExample('long-dependency-lstm.lstm.json', ...ADAM_100);
    assert.ok(loss[0] > 0.45, `starts near 0.5: ${loss[0]}`);
    assert.ok(loss[100] < 0.005, `ends at ${loss[100]}`);
  });

  it('long dependency: the vanilla RNN of the same size stays above 0.4', () => {
    const { loss } = trainExample('long-dependency-rnn.lstm.json', ...ADAM_100);
    for (let k = 10; k <= 100; k++) assert.ok(loss[k] > 0.4, `step ${k}: ${loss[k]}`);
  });

  it('long dependency: forget bias 0 ends at least 5 times higher than forget bias 1', () => {
    const zero = trainExample('long-dependency-lstm-forget-bias-0.lstm.json', ...ADAM_100).loss[100];
    const one = trainExample('long-dependency-lstm.lstm.json', ...ADAM_100).loss[100];
    assert.ok(zero > 5 * one, `bias 0: ${zero}, bias 1: ${one}`);
  });

  it('exploding: the untrained trace is reported as exploding', () => {
    const text = fs.readFileSync(path.join(EXAMPLES, 'exploding-rnn.lstm.json'), 'utf8');
    const findings = analyzeTrace(computeTrace(parseSpec(text).spec!)).findings;
    assert.ok(findings.some(f => f.kind === 'exploding' && f.steps.includes(1)));
  });

  it('exploding: without clipping the first step kills the network; with --clip-norm 1 it learns', () => {
    const plain = trainExample('exploding-rnn.lstm.json', '--steps', '100', '--lr', '0.05');
    const clipped = trainExample('exploding-rnn.lstm.json', '--steps', '100', '--lr', '0.05', '--clip-norm', '1');
    assert.ok(plain.gradNorm[0] > 1e7);
    assert.equal(clipped.gradNorm[0], plain.gradNorm[0]);
    assert.ok(plain.loss[100] > 6.9, `no clipping ends at ${plain.loss[100]}`);
    assert.ok(plain.gradNorm.slice(1).every(g => g < 1e-6), 'the dead network has no gradient');
    assert.ok(clipped.loss[100] < 1, `clipping ends at ${clipped.loss[100]}`);
  });
});
