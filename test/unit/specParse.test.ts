// Spec errors (src/engine/specParse.ts): one test per class of error, each asserting the message
// and the line:column it points at, plus the rules that make a spec valid (a number fills a
// matrix, defaults, warnings that keep the spec). The texts are laid out one key per line so the
// expected positions can be counted by eye in the BASE listing below.

import * as assert from 'node:assert/strict';
import { findSourceRange, parameterCount, parseSpec } from '../../src/engine';
import type { SpecIssue } from '../../src/engine/types';

const BASE = [
  '{', //                                                            line 1
  '  "name": "t",', //                                                line 2
  '  "cell": "lstm",', //                                             line 3
  '  "inputSize": 2,', //                                             line 4
  '  "hiddenSize": 2,', //                                            line 5
  '  "weights": {', //                                                line 6
  '    "W_f": [[0.5, 0.5, 0.5, 0.5], [0.5, 0.5, 0.5, 0.5]],', //      line 7
  '    "W_i": 0.5, "W_c": 0.5, "W_o": 0.5,', //                      line 8
  '    "b_f": [0, 0], "b_i": 0, "b_c": 0, "b_o": 0', //              line 9
  '  },', //                                                          line 10
  '  "h0": [0, 0],', //                                               line 11
  '  "c0": [0, 0],', //                                               line 12
  '  "inputs": [[0.5, -0.1], [0.3, 0.8]],', //                        line 13
  '  "tokens": ["a", "b"],', //                                       line 14
  '  "loss": {"kind": "sum"}', //                                     line 15
  '}', //                                                             line 16
];

/** BASE with some 1-based lines replaced (undefined removes the line). */
function specText(replacements: Record<number, string | undefined> = {}): string {
  const lines: string[] = [];
  BASE.forEach((line, k) => {
    if (!(k + 1 in replacements)) lines.push(line);
    else if (replacements[k + 1] !== undefined) lines.push(replacements[k + 1]!);
  });
  return lines.join('\n');
}

const at = (issue: SpecIssue): string => `${issue.range.line}:${issue.range.column}`;

/** Parses and expects exactly one issue of `severity`; returns it. */
function onlyIssue(text: string, severity: 'error' | 'warning' = 'error'): { issue: SpecIssue; spec: ReturnType<typeof parseSpec>['spec'] } {
  const { spec, issues } = parseSpec(text);
  assert.equal(issues.length, 1, `expected one issue, got: ${issues.map(i => `${at(i)} ${i.message}`).join(' | ')}`);
  assert.equal(issues[0].severity, severity);
  if (severity === 'error') assert.equal(spec, undefined, 'an error must withhold the spec');
  return { issue: issues[0], spec };
}

describe('parseSpec', () => {
  it('accepts the base spec without issues', () => {
    const { spec, issues } = parseSpec(specText());
    assert.deepEqual(issues, []);
    assert.ok(spec);
    assert.equal(spec.T, 2);
    assert.deepEqual(Array.from(spec.inputs), [0.5, -0.1, 0.3, 0.8]);
    assert.deepEqual(spec.tokens, ['a', 'b']);
    assert.deepEqual(spec.loss, { kind: 'sum' });
  });

  describe('one test per class of error', () => {
    it('syntax error: says what was expected and found, at the offending token', () => {
      const { issues, spec } = parseSpec(specText({ 4: '  "inputSize" 2,' }));
      assert.equal(spec, undefined);
      const syntax = issues.filter(i => i.message.startsWith('syntax error'));
      assert.equal(syntax.length, 1);
      assert.equal(syntax[0].message, `syntax error: expected ':', found "2"`);
      assert.equal(at(syntax[0]), '4:15');
    });

    it('syntax error at the end of a truncated file', () => {
      const text = specText().slice(0, specText().lastIndexOf('}'));
      const syntax = parseSpec(text).issues.filter(i => i.message.startsWith('syntax error'));
      assert.equal(syntax.length, 1);
      assert.equal(syntax[0].message, `syntax error: expected '}', found the end of the file`);
      assert.equal(at(syntax[0]), '16:1');
    });

    it('wrong type', () => {
      const { issue } = onlyIssue(specText({ 4: '  "inputSize": "2",' }));
      assert.equal(issue.message, 'inputSize: expected a positive integer (inputs per step), found string "2"');
      assert.equal(issue.path, 'inputSize');
      assert.equal(at(issue), '4:16');
      const name = onlyIssue(specText({ 2: '  "name": 3,' })).issue;
      assert.equal(name.message, 'name: expected a string, found 3');
      assert.equal(at(name), '2:11');
    });

    it('non-positive or non-integer size', () => {
      const { issue } = onlyIssue(specText({ 5: '  "hiddenSize": 0,' }));
      assert.equal(issue.message, 'hiddenSize: expected a positive integer (hidden units), found 0');
      assert.equal(at(issue), '5:17');
      const fractional = onlyIssue(specText({ 4: '  "inputSize": 1.5,' })).issue;
      assert.equal(fractional.message, 'inputSize: expected a positive integer (inputs per step), found 1.5');
      assert.equal(at(fractional), '4:16');
    });

    it('missing size: points at the root object', () => {
      const { issue } = onlyIssue(specText({ 5: undefined }));
      assert.equal(issue.message, 'hiddenSize: missing; expected a positive integer (hidden units)');
      assert.equal(at(issue), '1:1');
    });

    it('wrong number of matrix rows', () => {
      const { issue } = onlyIssue(specText({ 7: '    "W_f": [[0.5, 0.5, 0.5, 0.5]],' }));
      assert.equal(issue.message, 'weights.W_f: expected 2 rows of 4 numbers, found 1 row');
      assert.equal(issue.path, 'weights.W_f');
      assert.equal(at(issue), '7:12');
    });

    it('wrong row length: the row itself, message as in DESIGN.md', () => {
      const { issue } = onlyIssue(specText({ 7: '    "W_f": [[0.5, 0.5, 0.5, 0.5], [0.5, 0.5, 0.5]],' }));
      assert.equal(issue.message, 'weights.W_f: expected 2 rows of 4 numbers, row 1 has 3');
      assert.equal(issue.path, 'weights.W_f[1]');
      assert.equal(at(issue), '7:35');
      assert.equal(issue.range.length, '[0.5, 0.5, 0.5]'.length);
    });

    it('non-finite number (1e999 parses to Infinity)', () => {
      const { issue } = onlyIssue(specText({ 8: '    "W_i": 1e999, "W_c": 0.5, "W_o": 0.5,' }));
      assert.equal(issue.message, 'weights.W_i: expected a finite number, found 1e999 (Infinity)');
      assert.equal(at(issue), '8:12');
      const inMatrix = onlyIssue(specText({ 7: '    "W_f": [[0.5, 0.5, 0.5, 0.5], [0.5, -1e400, 0.5, 0.5]],' })).issue;
      assert.equal(inMatrix.message, 'weights.W_f[1][1]: expected a finite number, found -1e400 (-Infinity)');
      assert.equal(at(inMatrix), '7:41');
      const nan = parseSpec(specText({ 8: '    "W_i": NaN, "W_c": 0.5, "W_o": 0.5,' })).issues;
      assert.equal(nan.length, 1, nan.map(i => i.message).join(' | '));
      assert.equal(nan[0].message, 'weights.W_i: syntax error: expected a finite number (JSON has no NaN or Infinity), found "NaN"');
      assert.equal(nan[0].path, 'weights.W_i');
      assert.equal(at(nan[0]), '8:12');
    });

    // jsonc-parser drops an invalid token from its tree, so the children of `[NaN, 1e999]` are
    // just [1e999]; the paths must still name the positions the file shows
    it('NaN and 1e999 in one row: each at its own index, no spurious "expected a value"', () => {
      const { issues, spec } = parseSpec(specText({ 13: '  "inputs": [[NaN, 1e999], [0.3, 0.8]],' }));
      assert.equal(spec, undefined);
      assert.deepEqual(issues.map(i => [i.path, at(i), i.message]), [
        ['inputs[0][0]', '13:15', 'inputs[0][0]: syntax error: expected a finite number (JSON has no NaN or Infinity), found "NaN"'],
        ['inputs[0][1]', '13:20', 'inputs[0][1]: expected a finite number, found 1e999 (Infinity)'],
      ]);
    });

    it('invalid tokens keep later rows, entries and labels at their file positions', () => {
      const { issues } = parseSpec(specText({
        13: '  "inputs": [[0.5, -Infinity], NaN, [0.3, "x"]],',
        14: '  "tokens": ["a", Infinity, 3],',
      }));
      assert.deepEqual(issues.map(i => [i.path, at(i)]), [
        ['inputs[0][1]', '13:20'], // -Infinity: one token to the reader, though it scans as two
        ['inputs[1]', '13:32'],
        ['inputs[2][1]', '13:43'],
        ['tokens[1]', '14:19'],
        ['tokens[2]', '14:29'],
      ]);
      assert.match(issues[0].message, /found "-Infinity"$/);
      assert.equal(issues[2].message, 'inputs[2][1]: expected a number, found string "x"');
      assert.equal(issues[4].message, 'tokens[2]: expected a string, found 3');
    });

    it('a row with an invalid token is counted as the file shows it', () => {
      // three entries in the file (one invalid): the only error is the token, not "found 2"
      const matrix = parseSpec(specText({ 7: '    "W_f": [[0.5, NaN, 0.5, 0.5], [0.5, 0.5, 0.5, 0.5]],' })).issues;
      assert.deepEqual(matrix.map(i => [i.path, at(i)]), [['weights.W_f[0][1]', '7:19']]);
      // a doubled comma is the one error in its row; the entry after it keeps its index
      const doubled = parseSpec(specText({ 13: '  "inputs": [[0.5,, "x"], [0.3, 0.8]],' })).issues;
      assert.deepEqual(doubled.map(i => [i.path, at(i), i.message]), [
        ['inputs[0]', '13:19', 'inputs[0]: syntax error: expected a value, found ","'],
        ['inputs[0][1]', '13:21', 'inputs[0][1]: expected a number, found string "x"'],
      ]);
    });

    it('a non-number entry', () => {
      const { issue } = onlyIssue(specText({ 13: '  "inputs": [[0.5, "x"], [0.3, 0.8]],' }));
      assert.equal(issue.message, 'inputs[0][1]: expected a number, found string "x"');
      assert.equal(at(issue), '13:20');
    });

    it('missing weights and no init: at the root, naming what the cell needs', () => {
      const { issue } = onlyIssue(specText({ 6: undefined, 7: undefined, 8: undefined, 9: undefined, 10: undefined }));
      assert.equal(issue.message, 'weights: missing, and no "init" either: an lstm cell needs W_f, W_i, W_c, W_o, b_f, b_i, b_c, b_o '
        + `(or PyTorch's weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0), or give "init": {"seed": 1} for random weights`);
      assert.equal(at(issue), '1:1');
    });

    it('missing weight names are listed, at the weights key', () => {
      const { issue } = onlyIssue(specText({ 8: '    "W_i": 0.5,', 9: '    "b_f": [0, 0], "b_c": 0, "b_o": 0' }));
      assert.equal(issue.message, 'weights: missing W_c, W_o, b_i for an lstm cell');
      assert.equal(at(issue), '6:3');
    });

    it('unknown weight name', () => {
      const { issue } = onlyIssue(specText({ 8: '    "W_i": 0.5, "W_c": 0.5, "W_o": 0.5, "W_x": 1,' }));
      assert.equal(issue.message, 'weights.W_x: unknown weight for an lstm cell (did you mean "W_f"?); '
        + 'expected W_f, W_i, W_c, W_o, b_f, b_i, b_c, b_o or weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0');
      assert.equal(at(issue), '8:41');
      const peephole = onlyIssue(specText({ 8: '    "W_i": 0.5, "W_c": 0.5, "W_o": 0.5, "p_f": 1,' })).issue;
      assert.match(peephole.message, /^weights\.p_f: unknown weight for an lstm cell \(it belongs to lstm_peephole\)/);
    });

    it('input row of the wrong length', () => {
      const { issue } = onlyIssue(specText({ 13: '  "inputs": [[0.5, -0.1], [0.3, 0.8, 1]],' }));
      assert.equal(issue.message, 'inputs[1]: expected 2 numbers (inputSize), found 3');
      assert.equal(at(issue), '13:27');
    });

    it('no inputs', () => {
      const { issue } = onlyIssue(specText({ 13: '  "inputs": [],', 14: undefined }));
      assert.equal(issue.message, 'inputs: expected at least one input row of 2 numbers, found an empty array');
      assert.equal(at(issue), '13:13');
      const missing = onlyIssue(specText({ 13: undefined, 14: undefined })).issue;
      assert.equal(missing.message, 'inputs: missing; expected at least one input row of 2 numbers');
      assert.equal(at(missing), '1:1');
    });

    it('tokens length mismatch, and a token that is not a string', () => {
      const { issue } = onlyIssue(specText({ 14: '  "tokens": ["a", "b", "c"],' }));
      assert.equal(issue.message, 'tokens: expected 2 labels (one per input row), found 3');
      assert.equal(at(issue), '14:13');
      const notString = onlyIssue(specText({ 14: '  "tokens": ["a", 2],' })).issue;
      assert.equal(notString.message, 'tokens[1]: expected a string, found 2');
      assert.equal(at(notString), '14:19');
    });

    it('unknown loss kind', () => {
      const { issue } = onlyIssue(specText({ 15: '  "loss": {"kind": "cross_entropy"}' }));
      assert.equal(issue.message, 'loss.kind: expected "sum", "mse", "crossEntropy" or "given", found string "cross_entropy"');
      assert.equal(at(issue), '15:20');
    });

    it('mse target of the wrong length, and a missing target', () => {
      const { issue } = onlyIssue(specText({ 15: '  "loss": {"kind": "mse", "target": [1, 2, 3]}' }));
      assert.equal(issue.message, 'loss.target: expected 2 numbers (hiddenSize), found 3');
      assert.equal(at(issue), '15:37');
      const missing = onlyIssue(specText({ 15: '  "loss": {"kind": "mse"}' })).issue;
      assert.equal(missing.message, 'loss.target: missing; an mse loss needs a target of 2 numbers');
      assert.equal(at(missing), '15:3');
    });

    it('h0 of the wrong length', () => {
      const { issue } = onlyIssue(specText({ 11: '  "h0": [0, 0, 0],' }));
      assert.equal(issue.message, 'h0: expected 2 numbers (hiddenSize), found 3');
      assert.equal(at(issue), '11:9');
      const c0 = onlyIssue(specText({ 12: '  "c0": [0],' })).issue;
      assert.equal(c0.message, 'c0: expected 2 numbers (hiddenSize), found 1');
      assert.equal(at(c0), '12:9');
    });

    it('unknown cell', () => {
      const { issue } = onlyIssue(specText({ 3: '  "cell": "lstn",' }));
      assert.equal(issue.message, 'cell: expected one of "lstm", "lstm_peephole", "gru", "rnn", found string "lstn"');
      assert.equal(at(issue), '3:11');
    });

    it('unknown top-level key is a warning and keeps the spec', () => {
      const { issue, spec } = onlyIssue(specText({ 2: '  "nmae": "t",' }), 'warning');
      assert.match(issue.message, /^nmae: unknown key, ignored \(did you mean "name"\?\); known keys: name, description, cell,/);
      assert.equal(at(issue), '2:3');
      assert.ok(spec, 'warnings keep the spec');
    });

    it('PyTorch and textbook names mixed', () => {
      const { issue } = onlyIssue(specText({ 9: '    "b_f": [0, 0], "b_i": 0, "b_c": 0, "b_o": 0, "bias_ih_l0": 0' }));
      assert.equal(issue.message, 'weights.bias_ih_l0: mixes PyTorch names (bias_ih_l0) with textbook names '
        + '(W_f, W_i, W_c, W_o, b_f, b_i, b_c, b_o); use one naming scheme');
      assert.equal(at(issue), '9:50');
    });

    it('PyTorch tensor of the wrong shape says where its size comes from', () => {
      const text = specText({
        7: '    "weight_ih_l0": 0.1, "weight_hh_l0": 0.1,',
        8: '    "bias_ih_l0": [0, 0, 0, 0, 0, 0, 0],',
        9: '    "bias_hh_l0": [[1]]',
      });
      const { issues } = parseSpec(text);
      assert.deepEqual(issues.map(i => `${at(i)} ${i.message}`), [
        '8:19 weights.bias_ih_l0: expected 8 numbers (4·hiddenSize), found 7',
        '9:19 weights.bias_hh_l0: expected 8 numbers (4·hiddenSize), found 1',
        '9:20 weights.bias_hh_l0[0]: expected a number, found an array of 1 entry',
      ]);
    });

    it('sizes too large to allocate are refused', () => {
      const { issues } = parseSpec(specText({ 5: '  "hiddenSize": 4000,', 7: '    "W_f": 0.5,', 9: '    "b_f": 0, "b_i": 0, "b_c": 0, "b_o": 0', 11: undefined, 12: undefined }));
      assert.equal(issues.length, 1);
      assert.equal(issues[0].message, 'hiddenSize: an lstm cell with hiddenSize 4000 and inputSize 2 has 64048000 weights; at most 16777216 are supported');
      assert.equal(at(issues[0]), '5:17');
    });

    it('collects every error, in file order', () => {
      const text = specText({
        3: '  "cell": "lstm",  // comments are tolerated',
        7: '    "W_f": [[0.5, 0.5, 0.5, 0.5], [0.5, 0.5, 0.5]],',
        8: '    "W_i": true, "W_c": 0.5, "W_o": 0.5, "W_q": 0,',
        11: '  "h0": [0, 0, 0],',
        13: '  "inputs": [[0.5, -0.1], [0.3]],',
        14: '  "tokens": ["a"],',
        15: '  "loss": {"kind": "hinge"}, "extra": 1,',
      });
      const { spec, issues } = parseSpec(text);
      assert.equal(spec, undefined);
      assert.deepEqual(issues.map(i => `${at(i)} ${i.severity} ${i.path}`), [
        '7:35 error weights.W_f[1]',
        '8:12 error weights.W_i',
        '8:42 error weights.W_q',
        '11:9 error h0',
        '13:27 error inputs[1]',
        '14:13 error tokens',
        '15:20 error loss.kind',
        '15:30 warning extra',
      ]);
    });
  });

  describe('rules', () => {
    it('a number fills the whole matrix or vector', () => {
      const { spec, issues } = parseSpec(specText({ 8: '    "W_i": 0.25, "W_c": -1, "W_o": 0.5,', 11: '  "h0": 0.75,' }));
      assert.deepEqual(issues, []);
      assert.ok(spec);
      assert.equal(spec.params.W_i.length, 2 * 4);
      assert.ok(spec.params.W_i.every(v => v === 0.25));
      assert.ok(spec.params.W_c.every(v => v === -1));
      assert.equal(spec.params.b_i.length, 2);
      assert.ok(spec.params.b_i.every(v => v === 0));
      assert.deepEqual(Array.from(spec.h0), [0.75, 0.75]);
    });

    it('matrices are stored row-major with h columns first, as written', () => {
      const { spec } = parseSpec(specText({ 7: '    "W_f": [[1, 2, 3, 4], [5, 6, 7, 8]],' }));
      assert.deepEqual(Array.from(spec!.params.W_f), [1, 2, 3, 4, 5, 6, 7, 8]);
    });

    it('defaults: cell lstm, zero h0 and c0, sum loss, no tokens', () => {
      const { spec, issues } = parseSpec(specText({ 3: undefined, 11: undefined, 12: undefined, 14: undefined, 15: '  "name": "t2"', 2: undefined }));
      assert.deepEqual(issues, []);
      assert.equal(spec!.cell, 'lstm');
      assert.deepEqual(Array.from(spec!.h0), [0, 0]);
      assert.deepEqual(Array.from(spec!.c0), [0, 0]);
      assert.deepEqual(spec!.loss, { kind: 'sum' });
      assert.equal(spec!.tokens, undefined);
    });

    it('mse loss keeps its target', () => {
      const { spec } = parseSpec(specText({ 15: '  "loss": {"kind": "mse", "target": [0.5, -0.5]}' }));
      assert.equal(spec!.loss.kind, 'mse');
      assert.deepEqual(Array.from((spec!.loss as { target: Float64Array }).target), [0.5, -0.5]);
    });

    it('the loss override: sum ignores an mse spec, mse needs a target', () => {
      const mseText = specText({ 15: '  "loss": {"kind": "mse", "target": [0.5, -0.5]}' });
      assert.deepEqual(parseSpec(mseText, { loss: 'sum' }).spec!.loss, { kind: 'sum' });
      const { issues } = parseSpec(specText(), { loss: 'mse' });
      assert.deepEqual(issues.map(i => `${at(i)} ${i.message}`), ['15:3 loss.target: missing; --loss mse needs a target of 2 numbers']);
      const sumWithTarget = specText({ 15: '  "loss": {"kind": "sum", "target": [1, 2]}' });
      const warned = parseSpec(sumWithTarget);
      assert.deepEqual(warned.issues.map(i => `${i.severity} ${i.message}`), ['warning loss.target: ignored: a sum loss has no target']);
      assert.equal(parseSpec(sumWithTarget, { loss: 'mse' }).spec!.loss.kind, 'mse');
    });

    it('init instead of weights; both given: a warning on init, weights win', () => {
      const viaInit = parseSpec(specText({ 6: '  "init": {"seed": 1, "scale": 0.1, "forgetBias": 1},', 7: undefined, 8: undefined, 9: undefined, 10: undefined }));
      assert.deepEqual(viaInit.issues, []);
      assert.deepEqual(Array.from(viaInit.spec!.params.b_f), [1, 1]);
      const both = parseSpec(specText({ 10: '  }, "init": {"seed": 1},' }));
      assert.deepEqual(both.issues.map(i => `${at(i)} ${i.severity} ${i.message}`), ['10:6 warning init: ignored: "weights" is given, and explicit weights win']);
      assert.ok(both.spec!.params.W_f.every(v => v === 0.5));
    });

    it('c0 on a gru is a warning and ignored', () => {
      const text = specText({
        3: '  "cell": "gru",',
        7: '    "W_ir": 0.1, "W_iz": 0.1, "W_in": 0.1, "W_hr": 0.1, "W_hz": 0.1, "W_hn": 0.1,',
        8: '    "b_ir": 0, "b_iz": 0, "b_in": 0,',
        9: '    "b_hr": 0, "b_hz": 0, "b_hn": 0',
        12: '  "c0": [1, 1],',
      });
      const { spec, issues } = parseSpec(text);
      assert.deepEqual(issues.map(i => `${at(i)} ${i.severity} ${i.message}`), ['12:3 warning c0: ignored: a gru cell has no cell state']);
      assert.deepEqual(Array.from(spec!.c0), [0, 0]);
    });

    it('shapes of gru weights: W_i* are (H, I), W_h* are (H, H)', () => {
      const text = specText({
        3: '  "cell": "gru",', 4: '  "inputSize": 3,',
        7: '    "W_ir": [[1, 2, 3], [4, 5, 6]], "W_iz": 0.1, "W_in": 0.1, "W_hr": [[1, 2], [3, 4]], "W_hz": [[1, 2, 3], [4, 5, 6]], "W_hn": 0.1,',
        8: '    "b_ir": 0, "b_iz": 0, "b_in": 0,',
        9: '    "b_hr": 0, "b_hz": 0, "b_hn": 0',
        12: undefined,
        13: '  "inputs": [[0.5, -0.1, 0], [0.3, 0.8, 0]],',
      });
      const { issues } = parseSpec(text);
      assert.deepEqual(issues.map(i => i.message), [
        'weights.W_hz: expected 2 rows of 2 numbers, row 0 has 3',
        'weights.W_hz: expected 2 rows of 2 numbers, row 1 has 3',
      ]);
    });

    it('duplicate keys: a warning, the last one wins', () => {
      const { spec, issues } = parseSpec(specText({ 2: '  "name": "first", "name": "second",' }));
      assert.deepEqual(issues.map(i => `${at(i)} ${i.severity} ${i.message}`), ['2:20 warning name: duplicate key; the last one is used']);
      assert.equal(spec!.name, 'second');
    });

    it('ranges carry offset, length and the 1-based end position', () => {
      const text = specText({ 3: '  "cell": "lstn",' });
      const { issues } = parseSpec(text);
      const range = issues[0].range;
      assert.equal(text.substr(range.offset, range.length), '"lstn"');
      assert.deepEqual([range.line, range.column, range.endLine, range.endColumn], [3, 11, 3, 17]);
    });

    it('CRLF line endings count as one line break', () => {
      const { issues } = parseSpec(specText({ 3: '  "cell": "lstn",' }).replace(/\n/g, '\r\n'));
      assert.equal(at(issues[0]), '3:11');
    });

    it('never throws on mutated specs, and every issue range lies inside the text', () => {
      let state = 2463534242;
      const next = (n: number): number => {
        state ^= state << 13; state >>>= 0; state ^= state >>> 17; state ^= state << 5; state >>>= 0;
        return state % n;
      };
      const alphabet = '[]{},:" 0123456789e.-+aIxnN\\/*\n';
      const base = specText();
      for (let round = 0; round < 400; round++) {
        let text = base;
        for (let edit = 0; edit <= next(4); edit++) {
          const at = next(text.length + 1);
          const kind = next(3);
          if (kind === 0) text = text.slice(0, at) + text.slice(at + 1 + next(6));
          else if (kind === 1) text = text.slice(0, at) + alphabet[next(alphabet.length)] + text.slice(at);
          else text = text.slice(0, at) + text.slice(next(text.length), next(text.length)) + text.slice(at);
        }
        const { spec, issues } = parseSpec(text);
        for (const issue of issues) {
          assert.ok(issue.range.offset >= 0 && issue.range.offset + issue.range.length <= text.length, `range of "${issue.message}"`);
          assert.ok(issue.range.line >= 1 && issue.range.column >= 1);
          assert.ok(issue.message.length > 0);
        }
        assert.equal(spec === undefined, issues.some(i => i.severity === 'error'));
      }
    });

    it('never throws on garbage', () => {
      for (const text of ['', '[]', 'null', '{', '{"weights": 3, "inputs": {}, "loss": [], "init": 2}', '{"cell": "gru", "weights": {"weight_ih_l0": [[]]}}', '\u0000', '{"hiddenSize": 1e999, "inputSize": -1}']) {
        const { spec, issues } = parseSpec(text);
        assert.equal(spec, undefined, text);
        assert.ok(issues.length > 0, text);
        for (const issue of issues) assert.ok(issue.range.line >= 1 && issue.range.column >= 1, text);
      }
    });
  });

  it('parameterCount: the weight entries of each cell (engine index export)', () => {
    const H = 3, I = 2;
    // four (H, H+I) matrices and four biases; peepholes add 3H; the GRU has three (H, I), three
    // (H, H) and six biases; the RNN one (H, H+I) and one bias
    assert.equal(parameterCount('lstm', H, I), 4 * H * (H + I) + 4 * H);
    assert.equal(parameterCount('lstm_peephole', H, I), 4 * H * (H + I) + 7 * H);
    assert.equal(parameterCount('gru', H, I), 3 * H * I + 3 * H * H + 6 * H);
    assert.equal(parameterCount('rnn', H, I), H * (H + I) + H);
  });

  it('findSourceRange: the position of a path in the text, undefined when absent', () => {
    const text = specText();
    const row = findSourceRange(text, ['inputs', 1]);
    assert.ok(row);
    assert.equal(`${row.line}:${row.column}`, '13:27');
    assert.equal(text.substr(row.offset, row.length), '[0.3, 0.8]');
    assert.equal(findSourceRange(text, ['inputs', 2]), undefined);
    assert.equal(findSourceRange('', ['inputs']), undefined);
  });
});
