// Where the debugger's steps are in a spec's text (src/debug/specLines.ts): the input rows'
// lines, several rows on one line (the seed's), a column picking one of them, and t = 0's line.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describeRowLines, specLines, stepsAtLine } from '../../../src/debug/specLines';
import { SEED } from './dap';

describe('debugger spec lines', () => {
  const text = fs.readFileSync(SEED, 'utf8');
  const lineNo = (needle: string) => text.split('\n').findIndex(l => l.includes(needle)) + 1;
  const lines = specLines(text);

  it('finds every input row and the line of h0', () => {
    assert.equal(lines.rows.length, 4);
    assert.ok(lines.rows.every(r => r.line === lineNo('"inputs"')));
    assert.equal(lines.initial.line, lineNo('"h0"'));
    assert.equal(describeRowLines(lines), `the input rows are on line ${lineNo('"inputs"')}`);
  });

  it('a line with four rows stands for all four; a column picks the row under it', () => {
    const line = lineNo('"inputs"');
    assert.deepEqual(stepsAtLine(lines, line), [1, 2, 3, 4]);
    const rowLine = text.split('\n')[line - 1];
    assert.deepEqual(stepsAtLine(lines, line, rowLine.indexOf('[-0.2') + 1), [3]);
    assert.deepEqual(stepsAtLine(lines, line, rowLine.indexOf('0.7]') + 1), [4]);
    assert.deepEqual(stepsAtLine(lines, line - 1), []);
  });

  it('one row per line, a row spread over lines, and a spec without h0 (t = 0 on the inputs key)', () => {
    const spread = '{\n  "inputs": [\n    [1,\n     2],\n    [3, 4]\n  ]\n}';
    const found = specLines(spread);
    assert.deepEqual(found.rows.map(r => [r.line, r.endLine]), [[3, 4], [5, 5]]);
    assert.deepEqual(stepsAtLine(found, 4), [1]);
    assert.deepEqual(stepsAtLine(found, 5), [2]);
    assert.equal(found.initial.line, 2);
  });
});
