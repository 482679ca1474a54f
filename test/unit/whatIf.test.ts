// What-if (docs/panel.md#what-if) without VS Code: which numbers of the shown equations are
// editable operands and where they are written in the spec (this-movie-is-good and the GRU
// example), the text edit that changes one (jsonc-parser; comments and formatting kept; a fill
// written out; init written out; model files, PyTorch names, input files and stacks refused), the overriding
// spec of a preview, and the Session's preview throttle (one computation in flight, the latest
// value wins, superseded values never computed). Expected values are read from the example files
// with JSON.parse, independently of the code under test.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { applyEdits, parse as parseJsonc, parseTree } from 'jsonc-parser';
import { parseSpec } from '../../src/engine/specParse';
import { computeTrace } from '../../src/engine/trace';
import type { Spec } from '../../src/engine/types';
import type { EquationOperand, StepDetail, WhatIfTarget } from '../../src/protocol/messages';
import { isWebviewMessage } from '../../src/protocol/messages';
import { Session } from '../../src/runtime/session';
import { buildStepDetail } from '../../src/views/chartSnapshot';
import { textShapeOf, textTypeAt } from '../../src/engine/specParse';
import { treeTypes } from '../../src/views/specTree';
import { locateWhatIf as locateWith, whatIfEdits, whatIfShapeOf, whatIfSpec, type WhatIfShape } from '../../src/views/whatIf';
import { ControlledComputer, settle, specText } from './helpers/runtime';

/** locateWhatIf over the JSON tree, checked to agree with the same over the worker's text shape (what the host uses for a worker-parsed text). */
function locateWhatIf(root: ReturnType<typeof parseTree>, target: WhatIfTarget, shape: WhatIfShape): ReturnType<typeof locateWith> {
  const fromTree = locateWith(treeTypes(root), target, shape);
  const textShape = textShapeOf(root);
  assert.deepEqual(locateWith(path => textTypeAt(textShape, path), target, shape), fromTree, 'the text shape locates as the tree does');
  return fromTree;
}

const exampleText = (name: string): string => fs.readFileSync(path.join(__dirname, `../../examples/${name}.lstm.json`), 'utf8');
const specOf = (text: string): Spec => { const { spec, issues } = parseSpec(text); assert.ok(spec, JSON.stringify(issues)); return spec; };
const view = (unit: number) => ({ units: [0, 1], equationUnit: unit, gateView: 'lines' as const, heatmapField: 'f' });

function detailOf(text: string, t: number, unit: number, phase: 'forward' | 'backward' = 'forward', withParams = true): { spec: Spec; detail: StepDetail } {
  const spec = specOf(text);
  const detail = buildStepDetail(computeTrace(spec), { phase, t }, view(unit), undefined, withParams ? { params: spec.params } : {});
  return { spec, detail };
}

/** The printed number (`0.5`, `(−0.1)`) read back. */
const printedValue = (printed: string): number => Number(printed.replace(/[()]/g, '').replace('−', '-'));
const labels = (operands: readonly EquationOperand[], line: number) => operands.filter(o => o.line === line).map(o => o.label);

describe('what-if: the equation view\'s operands', () => {
  it('this-movie-is-good, forward t=3, unit 1: every weight, bias and input entry of each gate line, printed where it says', () => {
    const text = exampleText('this-movie-is-good');
    const json = JSON.parse(text);
    const { spec, detail } = detailOf(text, 3, 1);
    const operands = detail.operands ?? [];
    // line 0 is z_3 = [h_2, x_3]; lines 1..4 the gates a_f, a_i, a_g, a_o; then c_3 and h_3 (no operands)
    const gates: [number, string, string][] = [[1, 'W_f', 'b_f'], [2, 'W_i', 'b_i'], [3, 'W_c', 'b_c'], [4, 'W_o', 'b_o']];
    for (const [line, W, b] of gates) {
      assert.deepEqual(labels(operands, line), [`${W}[1][0]`, `${W}[1][1]`, `${W}[1][2]`, 'x_3[0]', `${W}[1][3]`, 'x_3[1]', `${b}[1]`], detail.equations[line]);
    }
    assert.deepEqual([0, 5, 6].flatMap(line => labels(operands, line)), []);
    const root = parseTree(text);
    const shape = whatIfShapeOf(spec);
    for (const operand of operands) {
      const printed = detail.equations[operand.line].slice(operand.start, operand.start + operand.length);
      assert.ok(Math.abs(printedValue(printed) - operand.value) < 5e-5, `${operand.label} printed ${printed}, value ${operand.value}`);
      const target = operand.target;
      if (target.kind === 'input') {
        assert.equal(operand.value, json.inputs[target.t - 1][target.col]);
        assert.deepEqual(locateWhatIf(root, target, shape), { path: ['inputs', 2, target.col], fill: false });
        continue;
      }
      const written = json.weights[target.name];
      const expected = typeof written === 'number' ? written : Array.isArray(written[0]) ? written[target.row][target.col] : written[target.row];
      assert.equal(operand.value, expected, operand.label);
      const location = locateWhatIf(root, target, shape);
      if (typeof written === 'number') assert.deepEqual(location, { path: ['weights', target.name], fill: true });
      else if (Array.isArray(written[0])) assert.deepEqual(location, { path: ['weights', target.name, 1, target.col], fill: false });
      else assert.deepEqual(location, { path: ['weights', target.name, 1], fill: false });
    }
  });

  it('the GRU example, forward t=2, unit 0: h_{t-1} and gate products are not operands; x_t and every weight and bias are', () => {
    const text = exampleText('gru-movie');
    const { spec, detail } = detailOf(text, 2, 0);
    const operands = detail.operands ?? [];
    const line = (head: string) => detail.equations.findIndex(l => l.startsWith(`${head} =`));
    assert.deepEqual(labels(operands, line('a_r')), ['W_ir[0][0]', 'x_2[0]', 'W_ir[0][1]', 'x_2[1]', 'b_ir[0]', 'W_hr[0][0]', 'W_hr[0][1]', 'b_hr[0]']);
    assert.deepEqual(labels(operands, line('hn')), ['W_hn[0][0]', 'W_hn[0][1]', 'b_hn[0]']);
    assert.deepEqual(labels(operands, line('a_n')), ['W_in[0][0]', 'x_2[0]', 'W_in[0][1]', 'x_2[1]', 'b_in[0]']);
    assert.deepEqual(labels(operands, line('h_2')), []);
    const root = parseTree(text);
    assert.deepEqual(locateWhatIf(root, { kind: 'param', name: 'W_hz', row: 0, col: 1 }, whatIfShapeOf(spec)), { path: ['weights', 'W_hz'], fill: true });
    assert.deepEqual(locateWhatIf(root, { kind: 'input', t: 2, col: 1 }, whatIfShapeOf(spec)), { path: ['inputs', 1, 1], fill: false });
    // a name of another cell is refused
    assert.match(locateWhatIf(root, { kind: 'param', name: 'W_f', row: 0, col: 0 }, whatIfShapeOf(spec)).refused ?? '', /not a parameter of a gru/);
  });

  it('has no operands in the backward phase, at t = 0, or without the parameters (a stale trace)', () => {
    const text = exampleText('this-movie-is-good');
    assert.equal(detailOf(text, 2, 0, 'backward').detail.operands, undefined);
    assert.equal(detailOf(text, 0, 0).detail.operands, undefined);
    assert.equal(detailOf(text, 2, 0, 'forward', false).detail.operands, undefined);
  });
});

describe('what-if: the edit of the spec text', () => {
  const commented = exampleText('this-movie-is-good').replace('"b_f": [0, 0],', '"b_f": [0, 0], // the seed: every bias 0\n    /* block */');
  const shapeOf = (text: string) => whatIfShapeOf(specOf(text));
  const edit = (text: string, target: WhatIfTarget, value: number): string => {
    const built = whatIfEdits(text, parseTree(text), target, value, shapeOf(text));
    assert.ok(!('error' in built), 'error' in built ? built.error : '');
    assert.equal(built.edits.length, 1, 'one text replacement');
    return applyEdits(text, built.edits);
  };

  it('replaces exactly one written number: every comment and all other text kept', () => {
    const after = edit(commented, { kind: 'param', name: 'b_f', row: 1, col: 0 }, 0.25);
    assert.equal(after, commented.replace('"b_f": [0, 0],', '"b_f": [0, 0.25],'));
    const matrix = edit(commented, { kind: 'param', name: 'W_f', row: 1, col: 2 }, -1.5);
    assert.deepEqual(parseJsonc(matrix).weights.W_f, [[0.5, 0.5, 0.5, 0.5], [0.5, 0.5, -1.5, 0.5]]);
    assert.equal(matrix.replace('-1.5', '0.5'), commented);
    const input = edit(commented, { kind: 'input', t: 3, col: 1 }, 0.75);
    assert.equal(input, commented.replace('[-0.2, 0.1]', '[-0.2, 0.75]'));
    // -0 is written as 0
    assert.equal(edit(commented, { kind: 'param', name: 'b_f', row: 0, col: 0 }, -0), commented);
  });

  it('writes a number fill out as the full parameter with the one entry changed (one row per line)', () => {
    const after = edit(commented, { kind: 'param', name: 'W_i', row: 1, col: 3 }, 0.7);
    const spec = specOf(after);
    assert.deepEqual([...spec.params.W_i], [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.7]);
    assert.match(after, /"W_i": \[\n {6}\[0\.5, 0\.5, 0\.5, 0\.5\],\n {6}\[0\.5, 0\.5, 0\.5, 0\.7\]\n {4}\],/);
    assert.ok(after.includes('// the seed: every bias 0') && after.includes('/* block */'));
    const vector = edit(commented, { kind: 'param', name: 'b_i', row: 1, col: 0 }, 0.3);
    assert.deepEqual([...specOf(vector).params.b_i], [0, 0.3]);
    assert.ok(vector.includes('"b_i": [0, 0.3],'));
  });

  it('refuses values that are not written in the spec, saying why', () => {
    const base = JSON.parse(exampleText('this-movie-is-good'));
    const refused = (spec: object, target: WhatIfTarget): string => {
      const text = JSON.stringify(spec, null, 2);
      const built = whatIfEdits(text, parseTree(text), target, 1, shapeOf(text));
      assert.ok('error' in built, 'refused');
      return built.error;
    };
    const bias: WhatIfTarget = { kind: 'param', name: 'b_f', row: 0, col: 0 };
    const pytorch = JSON.parse(exampleText('pytorch-lstm'));
    assert.match(refused(pytorch, bias), /PyTorch names/);
    assert.match(refused({ ...base, samples: [{ inputs: base.inputs }] }, bias), /single-layer/);
    const root = parseTree(JSON.stringify({ ...base, inputs: { file: 'x.npy' } }));
    assert.match(locateWhatIf(root, { kind: 'input', t: 1, col: 0 }, { cell: 'lstm', hiddenSize: 2, inputSize: 2 }).refused ?? '', /from a file/);
    const model = parseTree(JSON.stringify({ model: { file: 'm.pt' }, inputs: base.inputs }));
    assert.match(locateWhatIf(model, bias, { cell: 'lstm', hiddenSize: 2, inputSize: 2 }).refused ?? '', /model file/);
  });

  it('weights made by "init" are written out under "weights" (the values init drew), the changed entry set', () => {
    // the long-sequence example draws its weights from init; the parser's own draw is the reference
    const text = exampleText('long-sequence');
    assert.ok(JSON.parse(text).init && !JSON.parse(text).weights, 'the example uses init');
    const before = specOf(text);
    const target: WhatIfTarget = { kind: 'param', name: 'W_f', row: 1, col: 2 };
    const built = whatIfEdits(text, parseTree(text), target, 0.125, whatIfShapeOf(before), before.params);
    assert.ok(!('error' in built), 'error' in built ? built.error : '');
    assert.equal(built.edits.length, 1, 'one edit: one undo step');
    const after = applyEdits(text, built.edits);
    const json = JSON.parse(after);
    assert.equal(json.init, undefined, 'init is replaced');
    const spec = specOf(after);
    for (const [name, values] of Object.entries(before.params)) {
      const expected = Float64Array.from(values);
      if (name === 'W_f') expected[1 * (before.hiddenSize + before.inputSize) + 2] = 0.125;
      assert.deepEqual([...spec.params[name]], [...expected], name);
    }
    assert.deepEqual([...spec.inputs], [...before.inputs], 'the inputs are untouched');
    // without the parsed values nothing is guessed
    const unknown = whatIfEdits(text, parseTree(text), target, 0.125, whatIfShapeOf(before));
    assert.ok('error' in unknown && /not known/.test(unknown.error));
  });

  it('a preview\'s overriding spec changes one entry and leaves the session\'s spec as it was', () => {
    const spec = specOf(exampleText('this-movie-is-good'));
    const changed = whatIfSpec(spec, { kind: 'param', name: 'W_f', row: 1, col: 2 }, 2)!;
    assert.deepEqual([...changed.params.W_f], [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 2, 0.5]);
    assert.deepEqual([...spec.params.W_f], new Array(8).fill(0.5));
    assert.equal(changed.params.W_i, spec.params.W_i);
    const input = whatIfSpec(spec, { kind: 'input', t: 4, col: 0 }, -1)!;
    assert.deepEqual([...input.inputs], [0.5, -0.1, 0.3, 0.8, -0.2, 0.1, -1, 0.7]);
    assert.equal(whatIfSpec(spec, { kind: 'input', t: 5, col: 0 }, 1), undefined);
    assert.equal(whatIfSpec(spec, { kind: 'param', name: 'W_f', row: 2, col: 0 }, 1), undefined);
  });

  it('the host takes only well-formed what-if intents from the webview', () => {
    for (const bad of [
      { type: 'whatIfPreview', target: { kind: 'param', name: 'b_f', row: -1, col: 0 }, value: 1 },
      { type: 'whatIfCommit', target: { kind: 'input', t: 0, col: 0 }, value: 1 },
      { type: 'whatIfCommit', target: { kind: 'param', name: 'b_f', row: 0, col: 0 }, value: Infinity },
      { type: 'whatIfPreview', target: { kind: 'spec', path: ['weights'] }, value: 1 },
      { type: 'whatIfCommit', target: { kind: 'param', name: 'b_f', row: 0, col: 0 }, value: '1' },
    ]) assert.equal(isWebviewMessage(bad), false, JSON.stringify(bad));
  });
});

describe('what-if: the Session\'s preview throttle', () => {
  const withInput = (spec: Spec, x1: number) => whatIfSpec(spec, { kind: 'input', t: 1, col: 0 }, x1)!;

  async function openSession(): Promise<{ session: Session; computer: ControlledComputer }> {
    const computer = new ControlledComputer();
    const session = new Session('a.lstm.json', computer.computer);
    const updating = session.update(specText(3));
    await settle();
    computer.finishLast();
    await updating;
    return { session, computer };
  }

  it('keeps one computation in flight; the latest value wins and superseded ones are never computed', async () => {
    const { session, computer } = await openSession();
    const own = session.trace!;
    const spec = session.spec!;
    const done = session.previewWhatIf(withInput(spec, 1));
    void session.previewWhatIf(withInput(spec, 2));
    void session.previewWhatIf(withInput(spec, 3));
    await settle();
    assert.equal(computer.calls.length, 2, 'the text\'s computation and one preview');
    assert.equal(computer.last.spec.inputs[0], 1);
    const first = computer.finishLast();
    await settle();
    assert.equal(session.trace, first, 'the first preview is shown while the latest computes');
    assert.equal(computer.calls.length, 3);
    assert.equal(computer.last.spec.inputs[0], 3, 'value 2 was superseded and dropped');
    const latest = computer.finishLast();
    await done;
    assert.equal(session.trace, latest);
    assert.equal(session.whatIf?.spec.inputs[0], 3);
    assert.equal(computer.calls.length, 3);
    session.endWhatIf();
    assert.equal(session.trace, own, 'cancel: the spec\'s own trace again');
  });

  it('drops a computation in flight when the preview ends; a commit keeps the last preview until the text\'s trace arrives', async () => {
    const { session, computer } = await openSession();
    const spec = session.spec!;
    const own = session.trace!;
    const running = session.previewWhatIf(withInput(spec, 5));
    await settle();
    session.endWhatIf();
    assert.ok(computer.last.signal.aborted);
    computer.finishLast();
    await running;
    assert.equal(session.trace, own, 'the ended preview\'s result is not shown');
    const shown = session.previewWhatIf(withInput(spec, 7));
    await settle();
    const preview = computer.finishLast();
    await shown;
    session.endWhatIf(true);
    assert.equal(session.trace, preview, 'kept after the commit');
    const updating = session.update(specText(3, 7));
    await settle();
    const committed = computer.finishLast();
    await updating;
    assert.equal(session.trace, committed);
    assert.equal(session.whatIf, undefined);
  });
});
