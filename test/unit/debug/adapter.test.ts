// The debug adapter driven over DAP exactly as an outside tool drives it: `node
// dist/debugAdapter.js` under @vscode/debugadapter-testsupport's DebugClient. Values are checked
// against PyTorch's numbers (test/fixtures/golden/*.golden.json, made by
// scripts/golden/make_golden.py), never against the engine's own output.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import { entries, evaluate, GOLDEN, golden, launchWith, lineOf, ROOT, scopeVariables, SEED, startClient, topFrame, withStop } from './dap';

const seed = golden('example-this-movie-is-good');
const INPUTS_LINE = lineOf(SEED, '"inputs"');
const H0_LINE = lineOf(SEED, '"h0"');
const near = (actual: string | undefined, expected: number, tolerance = 6e-5) =>
  assert.ok(actual !== undefined && Math.abs(Number(actual) - expected) <= tolerance, `${actual} vs ${expected}`);
const vectorOf = (text: string) => JSON.parse(text) as number[];

describe('debug adapter (DAP over stdin/stdout)', function () {
  this.timeout(30000);
  let dc: DebugClient;
  beforeEach(async () => { dc = await startClient(); });
  afterEach(async () => { await dc.stop(); });

  const next = () => withStop(dc, () => dc.nextRequest({ threadId: 1 }));
  const stepIn = () => withStop(dc, () => dc.stepInRequest({ threadId: 1 }));

  it('declares the capabilities of its contract', async () => {
    const response = await dc.initializeRequest({ adapterID: 'lstm' });
    for (const capability of ['supportsStepBack', 'supportsConditionalBreakpoints', 'supportsHitConditionalBreakpoints', 'supportsEvaluateForHovers',
      'supportsSteppingGranularity', 'supportsConfigurationDoneRequest', 'supportsRestartRequest', 'supportsValueFormattingOptions',
      'supportsGotoTargetsRequest', 'supportsLogPoints'] as const) {
      assert.equal(response.body?.[capability], true, capability);
    }
  });

  it('stops on entry at t=0 on the h0 line, one thread, then steps to t=1 with PyTorch\'s gates', async () => {
    const stopped = await launchWith(dc, SEED);
    assert.equal(stopped.body.reason, 'entry');
    const threads = await dc.threadsRequest();
    assert.equal(threads.body.threads.length, 1);
    let frame = await topFrame(dc);
    assert.equal(frame.name, 't=0 (forward)');
    assert.equal(frame.line, H0_LINE);
    assert.equal(path.resolve(frame.source?.path ?? ''), SEED);
    const entered = await next();
    assert.equal(entered.body.reason, 'step');
    frame = await topFrame(dc);
    assert.equal(frame.name, 't=1 "This" (forward)');
    assert.equal(frame.line, INPUTS_LINE);
    const gates = await scopeVariables(dc, 'Gates');
    const f = await entries(dc, gates.get('f')!);
    near(f[0].value, seed.forward.f[0][0]); // 0.5498
    near(f[1].value, seed.forward.f[0][1]);
    const states = await scopeVariables(dc, 'States');
    assert.deepEqual([...states.keys()].slice(0, 4), ['x', 'h_prev', 'c_prev', 'z']);
    await next();
    const c2 = await entries(dc, (await scopeVariables(dc, 'States')).get('c')!);
    near(c2[0].value, seed.forward.c[1][0]); // 0.4225
    const trace = await dc.stackTraceRequest({ threadId: 1 });
    assert.deepEqual(trace.body.stackFrames.map(s => s.name), ['t=2 "movie" (forward)', 't=1 "This" (forward)', 't=0 (forward)']);
    assert.equal(trace.body.totalFrames, 3);
  });

  it('Step Into walks the equations of t=1, showing only what is computed so far; Step Out finishes the step', async () => {
    await launchWith(dc, SEED);
    const names: string[] = [];
    for (let k = 0; k < 11; k++) { await stepIn(); names.push((await topFrame(dc)).name); }
    assert.deepEqual(names, ['z', 'a_f', 'f', 'a_i', 'i', 'a_g', 'g', 'c', 'a_o', 'o', 'h'].map(e => `t=1 "This" (forward) · ${e}`));
    await stepIn();
    assert.equal((await topFrame(dc)).name, 't=1 "This" (forward)');
    await stepIn();
    await stepIn(); // t=2 · a_f
    assert.equal((await topFrame(dc)).name, 't=2 "movie" (forward) · a_f');
    const gates = await scopeVariables(dc, 'Gates');
    assert.deepEqual([...gates.keys()], ['a_f']);
    near((await entries(dc, gates.get('a_f')!))[0].value, seed.forward.a_f[1][0]);
    await assert.rejects(evaluate(dc, 'f[0]'), /col 1: f is not computed yet at t=2 "movie" \(forward\) · a_f/);
    await withStop(dc, () => dc.stepOutRequest({ threadId: 1 }));
    assert.equal((await topFrame(dc)).name, 't=2 "movie" (forward)');
    near(await evaluate(dc, 'f[0]'), seed.forward.f[1][0], 1e-12);
  });

  it('a breakpoint f[0] > 0.7 on the inputs line stops at t=4, in both phases, then runs to the end', async () => {
    await dc.initializeRequest({ adapterID: 'lstm' });
    const stoppedAtEntry = await launchWith(dc, SEED, [{ line: INPUTS_LINE, condition: 'f[0] > 0.7' }]);
    assert.equal(stoppedAtEntry.body.reason, 'entry');
    let stopped = await withStop(dc, () => dc.continueRequest({ threadId: 1 }));
    assert.equal(stopped.body.reason, 'breakpoint');
    assert.equal((await topFrame(dc)).name, 't=4 "good" (forward)');
    near(await evaluate(dc, 'f[0]'), seed.forward.f[3][0], 1e-12); // 0.7279
    stopped = await withStop(dc, () => dc.continueRequest({ threadId: 1 }));
    assert.equal(stopped.body.reason, 'breakpoint');
    assert.equal((await topFrame(dc)).name, 't=4 "good" (backward)');
    stopped = await withStop(dc, () => dc.continueRequest({ threadId: 1 }));
    assert.equal(stopped.body.reason, 'step');
    assert.equal((await topFrame(dc)).name, 't=1 "This" (backward)');
    // at the end of BPTT the summed parameter gradients are there (PyTorch's dL/dW_f)
    near(await evaluate(dc, 'dL_dW_W_f[0][3]'), seed.backward.dL_dW.W_f[0][3], 1e-12);
    // and back: reverse continue stops at the breakpoint again, then at the start
    stopped = await withStop(dc, () => dc.reverseContinueRequest({ threadId: 1 }));
    assert.equal((await topFrame(dc)).name, 't=4 "good" (backward)');
    await withStop(dc, () => dc.reverseContinueRequest({ threadId: 1 }));
    assert.equal((await topFrame(dc)).name, 't=4 "good" (forward)');
    await withStop(dc, () => dc.reverseContinueRequest({ threadId: 1 }));
    assert.equal((await topFrame(dc)).name, 't=0 (forward)');
  });

  it('a condition on a gradient is false in the forward phase (not computed yet): norm(dL_dc) > 0 stops first at backward t=4', async () => {
    await launchWith(dc, SEED, [{ line: INPUTS_LINE, condition: 'norm(dL_dc) > 0' }]);
    const errors: string[] = [];
    dc.on('output', event => { if (event.body.category === 'stderr') errors.push(event.body.output); });
    const stopped = await withStop(dc, () => dc.continueRequest({ threadId: 1 }));
    assert.equal(stopped.body.reason, 'breakpoint');
    assert.equal((await topFrame(dc)).name, 't=4 "good" (backward)');
    assert.deepEqual(errors, []);
  });

  it('a condition that fails otherwise stops and says why', async () => {
    await launchWith(dc, SEED, [{ line: INPUTS_LINE, condition: 'f @ W_f > 0' }]);
    const errors: string[] = [];
    dc.on('output', event => { if (event.body.category === 'stderr') errors.push(event.body.output); });
    await withStop(dc, () => dc.continueRequest({ threadId: 1 }));
    assert.equal((await topFrame(dc)).name, 't=1 "This" (forward)');
    assert.match(errors.join(''), /breakpoint condition "f @ W_f > 0" at t=1 "This" \(forward\): col 3: '@' needs a matrix/);
  });

  it('stopOnEntry false runs to the first breakpoint', async () => {
    const stopped = await launchWith(dc, SEED, [{ line: INPUTS_LINE, condition: 't == 2' }], { stopOnEntry: false });
    assert.equal(stopped.body.reason, 'breakpoint');
    assert.equal((await topFrame(dc)).name, 't=2 "movie" (forward)');
  });

  it('hit counts: "== 3" stops at the third hit only, ">= 7" from the seventh on', async () => {
    await launchWith(dc, SEED, [{ line: INPUTS_LINE, hitCondition: '== 3' }]);
    await withStop(dc, () => dc.continueRequest({ threadId: 1 }));
    assert.equal((await topFrame(dc)).name, 't=3 "is" (forward)');
    const stopped = await withStop(dc, () => dc.continueRequest({ threadId: 1 }));
    assert.equal(stopped.body.reason, 'step'); // no fourth stop: ran to the end
    assert.equal((await topFrame(dc)).name, 't=1 "This" (backward)');
  });

  it('hit count ">= 7" counts the backward phase too (hits 7 and 8 are backward t=2, t=1)', async () => {
    await launchWith(dc, SEED, [{ line: INPUTS_LINE, hitCondition: '>= 7' }]);
    const stopped = await withStop(dc, () => dc.continueRequest({ threadId: 1 }));
    assert.equal(stopped.body.reason, 'breakpoint');
    assert.equal((await topFrame(dc)).name, 't=2 "movie" (backward)');
  });

  it('a log point prints {f[0]} at every step and does not stop', async () => {
    await launchWith(dc, SEED, [{ line: INPUTS_LINE, logMessage: 't={t} f0={f[0]}' }]);
    const outputs: string[] = [];
    dc.on('output', event => { if (event.body.category === 'console') outputs.push(event.body.output); });
    const stopped = await withStop(dc, () => dc.continueRequest({ threadId: 1 }));
    assert.equal(stopped.body.reason, 'step');
    assert.equal(outputs.length, 8);
    assert.equal(outputs[0], `t=1 f0=${seed.forward.f[0][0].toFixed(4)}\n`);
    assert.equal(outputs[7], `t=1 f0=${seed.forward.f[0][0].toFixed(4)}\n`);
  });

  it('rejects a breakpoint on a line that is no input row, and a condition that does not parse, with reasons', async () => {
    await launchWith(dc, SEED);
    const response = await dc.setBreakpointsRequest({ source: { path: SEED }, breakpoints: [{ line: 2 }, { line: INPUTS_LINE, condition: 'f[0 > 1' }, { line: INPUTS_LINE, hitCondition: 'often' }, { line: INPUTS_LINE }] });
    const [noRow, badCondition, badHits, good] = response.body.breakpoints;
    assert.equal(noRow.verified, false);
    assert.match(noRow.message ?? '', /line 2 is no input row of the spec; the input rows are on line 22/);
    assert.equal(badCondition.verified, false);
    assert.match(badCondition.message ?? '', /condition: col 8: expected '\]', found the end of the expression/);
    assert.equal(badHits.verified, false);
    assert.equal(good.verified, true);
  });

  it('steps back across the turn from backward to forward, and Step Back with instruction granularity goes one equation back', async () => {
    await launchWith(dc, SEED, [{ line: INPUTS_LINE, condition: 't == 4' }]);
    await withStop(dc, () => dc.continueRequest({ threadId: 1 }));
    assert.equal((await topFrame(dc)).name, 't=4 "good" (forward)');
    await next();
    assert.equal((await topFrame(dc)).name, 't=4 "good" (backward)');
    const gradients = await scopeVariables(dc, 'Gradients');
    near((await entries(dc, gradients.get('dL_dc')!))[0].value, seed.backward.dL_dc[3][0]);
    assert.ok(gradients.has('∏f'));
    near(await evaluate(dc, 'forgetProduct[0]'), 1, 0);
    await next();
    near(await evaluate(dc, 'dL_dc[0]'), seed.backward.dL_dc[2][0], 1e-12);
    await withStop(dc, () => dc.stepBackRequest({ threadId: 1 }));
    await withStop(dc, () => dc.stepBackRequest({ threadId: 1 }));
    assert.equal((await topFrame(dc)).name, 't=4 "good" (forward)');
    assert.deepEqual([...(await scopeVariables(dc, 'Gradients')).keys()], ['L']); // forward: no gradients yet, only the loss
    await withStop(dc, () => dc.stepBackRequest({ threadId: 1, granularity: 'instruction' }));
    assert.equal((await topFrame(dc)).name, 't=4 "good" (forward) · h');
  });

  it('evaluates the console language against PyTorch\'s numbers, and answers a bad expression with its position', async () => {
    await launchWith(dc, SEED);
    await next();
    const af = vectorOf(await evaluate(dc, 'W_f @ z + b_f'));
    assert.ok(Math.abs(af[0] - seed.forward.a_f[0][0]) < 1e-12 && Math.abs(af[1] - seed.forward.a_f[0][1]) < 1e-12);
    near(await evaluate(dc, 'sigmoid(W_f @ z + b_f)[1]'), seed.forward.f[0][1], 1e-12);
    near(await evaluate(dc, 'sum(h) / 2 + 0 * t'), (seed.forward.h[0][0] + seed.forward.h[0][1]) / 2, 1e-12);
    assert.equal(await evaluate(dc, 'f[0] > 0.5 && t == 1'), '1');
    assert.equal(await evaluate(dc, 'f[0]', 'watch'), seed.forward.f[0][0].toFixed(4));
    await assert.rejects(evaluate(dc, '(f[0] + 1'), /col 10: expected '\)', found the end of the expression/);
    await assert.rejects(evaluate(dc, 'f[7]'), /col 3: index 7 is out of range 0\.\.1/);
    await assert.rejects(evaluate(dc, 'nope + 1'), /col 1: unknown name 'nope'/);
    await assert.rejects(evaluate(dc, 'W_f @ x'), /col 5: '@' needs a matrix/);
    // the adapter is still alive after the errors
    near(await evaluate(dc, 'c[0]'), seed.forward.c[0][0], 1e-12);
  });

  it('Jump to Cursor: goto targets on the inputs line, one per step and phase', async () => {
    await launchWith(dc, SEED);
    const targets = await dc.gotoTargetsRequest({ source: { path: SEED }, line: INPUTS_LINE });
    assert.equal(targets.body.targets.length, 8);
    const target = targets.body.targets.find(x => x.label === 't=3 "is" (backward)')!;
    const stopped = await withStop(dc, () => dc.gotoRequest({ threadId: 1, targetId: target.id }));
    assert.equal(stopped.body.reason, 'goto');
    assert.equal((await topFrame(dc)).name, 't=3 "is" (backward)');
  });

  it('restart goes back to t=0 (entry); disconnect ends the adapter', async () => {
    await launchWith(dc, SEED);
    await next();
    await next();
    const stopped = await withStop(dc, () => dc.restartRequest({}));
    assert.equal(stopped.body.reason, 'entry');
    assert.equal((await topFrame(dc)).name, 't=0 (forward)');
    await dc.disconnectRequest({});
  });

  it('pages vectors and matrices at H = 512 with start/count (f checked against a naive sigmoid of the paged weights)', async () => {
    const spec = path.join(ROOT, 'test/fixtures/debug-h512.lstm.json');
    await launchWith(dc, spec);
    await next();
    const parameters = await scopeVariables(dc, 'Parameters');
    const W_f = parameters.get('W_f')!;
    assert.equal(W_f.indexedVariables, 512);
    const rows = await entries(dc, W_f, 500, 12);
    assert.deepEqual(rows.map(r => r.name), Array.from({ length: 12 }, (_, k) => `[${500 + k}]`));
    assert.equal(rows[11].indexedVariables, 520);
    const tail = await entries(dc, rows[11], 510, 4);
    assert.deepEqual(tail.map(v => v.name), ['[510]', '[511]', '[512]', '[513]']);
    const b_f = await entries(dc, parameters.get('b_f')!, 508, 4);
    assert.deepEqual(b_f.map(v => v.value), ['1.0000', '1.0000', '1.0000', '1.0000']); // init.forgetBias = 1
    const f = await entries(dc, (await scopeVariables(dc, 'Gates')).get('f')!, 505, 3);
    assert.equal(f.length, 3);
    const x = JSON.parse(fs.readFileSync(spec, 'utf8')).inputs[0] as number[];
    for (const [k, entry] of f.entries()) {
      const unit = 505 + k;
      const row = vectorOf(await evaluate(dc, `W_f[${unit}]`));
      let a = 1; // h0 = 0, so only the x columns 512..519 count, plus b_f = 1
      for (let j = 0; j < 8; j++) a += row[512 + j] * x[j];
      near(entry.value, 1 / (1 + Math.exp(-a)));
    }
  });

  it('a launch on a spec with errors says where they are and ends the session', async () => {
    const broken = path.join(ROOT, 'test/fixtures/broken-row.lstm.json');
    await dc.initializeRequest({ adapterID: 'lstm' });
    const terminated = dc.waitForEvent('terminated', 5000);
    await assert.rejects(dc.launchRequest({ spec: broken } as never), /broken-row\.lstm\.json:7:\d+: weights\.W_f/);
    await terminated;
  });

  it('a launch on a missing file or a stack spec is refused clearly', async () => {
    await dc.initializeRequest({ adapterID: 'lstm' });
    await assert.rejects(dc.launchRequest({ spec: path.join(os.tmpdir(), 'no-such.lstm.json') } as never), /cannot read .*no-such\.lstm\.json/);
  });

  it('follows an edit of the spec file on disk, and says when the edited spec is broken (stale)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lstm-debug-'));
    const file = path.join(dir, 'edited.lstm.json');
    const original = fs.readFileSync(SEED, 'utf8');
    fs.writeFileSync(file, original);
    try {
      await launchWith(dc, file);
      await next();
      const outputs: string[] = [];
      dc.on('output', event => outputs.push(event.body.output));
      let stopped = dc.waitForEvent('stopped', 10000);
      fs.writeFileSync(file, original.replace('[0.5, -0.1]', '[0.25, -0.1]'));
      await stopped;
      assert.ok(outputs.some(o => /changed: following the recomputed trace \(T = 4\)/.test(o)), outputs.join(''));
      assert.equal(await evaluate(dc, 'x[0]'), '0.25');
      stopped = dc.waitForEvent('stopped', 10000);
      fs.writeFileSync(file, original.replace('"b_i": 0', '"b_i": "zero"'));
      await stopped;
      assert.ok(outputs.some(o => /stale: the spec has errors/.test(o)), outputs.join(''));
      assert.equal((await topFrame(dc)).name, 't=1 "This" (forward) (stale)');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('debugs the other cells (GRU) with their own equations, against PyTorch', async () => {
    const gru = golden('example-gru-movie');
    await launchWith(dc, path.join(GOLDEN, 'example-gru-movie.lstm.json'));
    await stepIn();
    await stepIn();
    assert.equal((await topFrame(dc)).name, 't=1 "This" (forward) · r');
    near(await evaluate(dc, 'r[0]'), gru.forward.r[0][0], 1e-12);
    await withStop(dc, () => dc.stepOutRequest({ threadId: 1 }));
    near(await evaluate(dc, 'h[1]'), gru.forward.h[0][1], 1e-12);
  });
});
