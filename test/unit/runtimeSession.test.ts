// The runtime's Session state machine in plain mocha (no VS Code): edits while a computation
// runs, edits with errors, cancel (also before the computation started), a failing worker, T
// shrinking under the cursor, recompute after a failure or a cancel, superseded results
// dropped, issues tagged with the document version they were parsed from, and what a stepping
// intent says when the cursor cannot move. Traces come from the engine (their numbers are not
// under test here: which trace the session shows is).
import * as assert from 'node:assert/strict';
import { ComputeState, Freshness, Session, SessionChange } from '../../src/runtime/session';
import { ControlledComputer, ControlledParser, brokenText, countingComputer, settle, specText } from './helpers/runtime';

function record(session: Session): { changes: SessionChange[]; states: ComputeState[] } {
  const changes: SessionChange[] = [];
  const states: ComputeState[] = [];
  session.onDidChange(change => { changes.push(change); if (change.state) states.push(session.computeState); });
  return { changes, states };
}

function reasonOf(freshness: Freshness): string {
  return freshness.fresh ? 'fresh' : freshness.reason;
}

describe('runtime Session: a text with the same numbers keeps the trace shown', () => {
  it('a comment, the layout or the name changes no number: the engine is not run again, and the same trace is shown', async () => {
    const counting = countingComputer();
    const session = new Session('a.lstm.json', counting.computer);
    const text = specText(4);
    await session.update(text);
    const trace = session.trace;
    assert.equal(counting.calls(), 1);
    const { changes } = record(session);
    // JSONC with a comment, laid out on one line (Format Document's opposite), renamed
    await session.update(`// a comment\n${JSON.stringify(JSON.parse(text))}`);
    await session.update(JSON.stringify({ name: 'renamed', ...JSON.parse(text) }, null, 2));
    assert.equal(counting.calls(), 1, 'no second computation');
    assert.equal(session.tracesKept, 2);
    assert.equal(session.trace, trace, 'the same trace object');
    assert.equal(session.spec?.name, 'renamed');
    assert.deepEqual(session.freshness(), { fresh: true });
    // the rename is told with a trace event (the panel's title line shows the name); the comment is not
    assert.deepEqual(changes.filter(change => change.trace).length, 1);
  });

  it('any number, the tokens or the loss changed: the trace is computed again', async () => {
    const counting = countingComputer();
    const session = new Session('a.lstm.json', counting.computer);
    const text = specText(4);
    await session.update(text);
    await session.update(specText(4, 0.25));
    assert.equal(counting.calls(), 2, 'an input changed');
    await session.update(JSON.stringify({ ...JSON.parse(specText(4, 0.25)), tokens: ['a', 'b', 'c', 'd'] }));
    assert.equal(counting.calls(), 3, 'the tokens label the trace');
    await session.update(JSON.stringify({ ...JSON.parse(specText(4, 0.25)), tokens: ['a', 'b', 'c', 'd'], loss: { kind: 'mse', target: [1] } }));
    assert.equal(counting.calls(), 4, 'the loss changed');
    assert.equal(session.tracesKept, 0);
    assert.deepEqual(session.trace?.tokens, ['a', 'b', 'c', 'd']);
  });

  it('recompute() always runs the engine, even for the same numbers', async () => {
    const counting = countingComputer();
    const session = new Session('a.lstm.json', counting.computer);
    await session.update(specText(4));
    await session.recompute();
    assert.equal(counting.calls(), 2);
  });

  it('after a failed computation, a text with the last trace\'s numbers shows that trace again as fresh', async () => {
    const counting = countingComputer();
    const session = new Session('a.lstm.json', counting.computer);
    await session.update(specText(4));
    const trace = session.trace;
    counting.failWith('worker crashed');
    await session.update(specText(4, 0.9)).catch(() => undefined);
    assert.equal(session.computeState, 'failed');
    counting.failWith(undefined);
    await session.update(`${specText(4)}\n// back to the first numbers`);
    assert.equal(session.trace, trace);
    assert.deepEqual(session.freshness(), { fresh: true });
    assert.equal(counting.calls(), 2, 'only the failed computation ran since');
  });
});

describe('runtime Session', () => {
  it('computes a first trace: computing, then fresh', async () => {
    const computer = new ControlledComputer();
    const session = new Session('a.lstm.json', computer.computer);
    const { states } = record(session);
    const running = session.update(specText(4));
    await settle();
    assert.equal(session.computeState, 'computing');
    assert.equal(reasonOf(session.freshness()), 'computing');
    const trace = computer.finishLast();
    await running;
    assert.equal(session.trace, trace);
    assert.deepEqual(session.freshness(), { fresh: true });
    assert.equal(session.stale, false);
    assert.deepEqual(states, ['computing', 'idle']);
  });

  it('an edit while computing aborts the running computation, and its late result is dropped', async () => {
    const computer = new ControlledComputer();
    const session = new Session('a.lstm.json', computer.computer);
    const first = session.update(specText(4, 0.5));
    await settle();
    const firstCall = computer.last;
    const second = session.update(specText(4, -0.7));
    await settle();
    assert.equal(firstCall.signal.aborted, true, 'the superseded computation is told to stop');
    assert.equal(computer.calls.length, 2);
    const secondTrace = computer.finishLast();
    await second;
    // the superseded computation answers after the newer one: it must not replace the trace
    firstCall.resolve(firstCall.trace());
    await first;
    assert.equal(session.trace, secondTrace);
    assert.equal(session.spec?.inputs[0], -0.7);
    assert.equal(session.computeState, 'idle');
    assert.deepEqual(session.freshness(), { fresh: true });
  });

  it('a superseded computation that fails or is cancelled does not mark the newer one failed or cancelled', async () => {
    const computer = new ControlledComputer();
    const session = new Session('a.lstm.json', computer.computer);
    const first = session.update(specText(4, 0.5));
    await settle();
    const firstCall = computer.last;
    const second = session.update(specText(4, -0.7));
    await settle();
    firstCall.reject(new Error('worker terminated'));
    await first;
    assert.equal(session.computeState, 'computing');
    computer.finishLast();
    await second;
    assert.equal(session.computeState, 'idle');
    assert.equal(session.computeError, undefined);
  });

  it('an edit with errors keeps the last trace, marked stale for "errors", and computes nothing', async () => {
    const counting = countingComputer();
    const session = new Session('a.lstm.json', counting.computer);
    await session.update(specText(4));
    const trace = session.trace;
    await session.update(brokenText(4));
    assert.equal(counting.calls(), 1);
    assert.equal(session.spec, undefined);
    assert.equal(session.trace, trace, 'the last valid trace stays');
    assert.equal(session.stale, true);
    const freshness = session.freshness();
    assert.equal(reasonOf(freshness), 'errors');
    assert.match(freshness.fresh ? '' : freshness.message, /errors.*last valid spec/);
    assert.ok(session.issues.some(issue => issue.severity === 'error' && issue.path.includes('b_i')));
    // fixed again: fresh, recomputed
    await session.update(specText(4, 0.2));
    assert.equal(counting.calls(), 2);
    assert.deepEqual(session.freshness(), { fresh: true });
  });

  it('two edits with the same error fire the issues event once', async () => {
    const session = new Session('a.lstm.json', countingComputer().computer);
    await session.update(specText(3));
    let issueEvents = 0;
    session.onDidChange(change => { if (change.issues) issueEvents++; });
    await session.update(brokenText(3));
    await session.update(brokenText(3).replace('"W_o": 0.5', '"W_o": 0.25'));
    assert.equal(issueEvents, 1);
  });

  it('cancel while computing: the signal aborts, the old trace stays, "cancelled"; recompute recovers', async () => {
    const computer = new ControlledComputer();
    const session = new Session('a.lstm.json', computer.computer);
    const first = session.update(specText(4));
    await settle();
    const trace = computer.finishLast();
    await first;
    const edit = session.update(specText(4, 0.9));
    await settle();
    const call = computer.last;
    session.cancel();
    assert.equal(call.signal.aborted, true);
    // a computer that ignores the signal and still answers: the answer is not taken
    call.resolve(call.trace());
    await edit;
    assert.equal(session.computeState, 'cancelled');
    assert.equal(session.trace, trace);
    assert.equal(session.stale, true);
    assert.equal(reasonOf(session.freshness()), 'cancelled');
    assert.equal(session.spec?.inputs[0], 0.9, 'the edit was parsed');

    const again = session.recompute();
    await settle();
    assert.equal(computer.calls.length, 3, 'recompute computes the same text again');
    const recomputed = computer.finishLast();
    await again;
    assert.equal(session.trace, recomputed);
    assert.deepEqual(session.freshness(), { fresh: true });
  });

  it('cancel before the computation started (while parsing) is honoured: nothing is computed', async () => {
    const computer = new ControlledComputer();
    const parser = new ControlledParser();
    const session = new Session('a.lstm.json', computer.computer, parser.parser);
    const running = session.update(specText(4));
    await settle();
    assert.equal(parser.calls.length, 1);
    session.cancel();
    assert.equal(parser.last.signal.aborted, true);
    // the parse (say inline, ignoring the signal) still answers
    parser.last.resolve(parser.last.parsed());
    await running;
    assert.equal(computer.calls.length, 0, 'no computation starts after a cancel');
    assert.equal(session.computeState, 'cancelled');
    assert.equal(session.busy, false);
  });

  it('cancel from a listener of the "computing" event, before the computer is called, is honoured', async () => {
    const computer = new ControlledComputer();
    const session = new Session('a.lstm.json', computer.computer);
    session.onDidChange(() => { if (session.computeState === 'computing') session.cancel(); });
    await session.update(specText(4));
    assert.equal(computer.calls.length, 0);
    assert.equal(session.computeState, 'cancelled');
    assert.equal(session.trace, undefined);
    assert.equal(reasonOf(session.freshness()), 'cancelled');
  });

  it('a failing computation (worker crash) is "failed" with its message; the same text computes again on the next update', async () => {
    const counting = countingComputer();
    const session = new Session('a.lstm.json', counting.computer);
    await session.update(specText(4));
    const trace = session.trace;
    counting.failWith('the worker stopped unexpectedly (exit code 134)');
    const edited = specText(4, 0.3);
    await session.update(edited);
    assert.equal(session.computeState, 'failed');
    assert.equal(session.computeError, 'the worker stopped unexpectedly (exit code 134)');
    assert.equal(session.trace, trace);
    const freshness = session.freshness();
    assert.equal(reasonOf(freshness), 'failed');
    assert.match(freshness.fresh ? '' : freshness.message, /exit code 134.*Recompute/);
    counting.failWith(undefined);
    await session.update(edited);
    assert.equal(counting.calls(), 3, 'not stuck: the same text is computed again');
    assert.notEqual(session.trace, trace);
    assert.deepEqual(session.freshness(), { fresh: true });
    await session.update(edited);
    assert.equal(counting.calls(), 3, 'an unchanged text after a success is not recomputed');
  });

  it('recompute after a failure computes the last text again', async () => {
    const counting = countingComputer();
    const session = new Session('a.lstm.json', counting.computer);
    counting.failWith('out of memory');
    await session.update(specText(2));
    assert.equal(session.computeState, 'failed');
    counting.failWith(undefined);
    await session.recompute();
    assert.equal(counting.calls(), 2);
    assert.equal(session.computeState, 'idle');
    assert.equal(session.trace?.T, 2);
  });

  it('T shrinking under the cursor clamps it, keeping its phase, and says the cursor moved', async () => {
    const session = new Session('a.lstm.json', countingComputer().computer);
    await session.update(specText(4));
    session.goTo({ phase: 'backward', t: 3 });
    const { changes } = record(session);
    await session.update(specText(2));
    assert.deepEqual(session.cursor, { phase: 'backward', t: 2 });
    assert.ok(changes.some(change => change.trace && change.cursor));
    session.goTo({ phase: 'forward', t: 2 });
    await session.update(specText(1));
    assert.deepEqual(session.cursor, { phase: 'forward', t: 1 });
    // growing again keeps the step
    await session.update(specText(5));
    assert.deepEqual(session.cursor, { phase: 'forward', t: 1 });
  });

  it('tags issues with the document version they were parsed from; a superseded parse is dropped', async () => {
    const parser = new ControlledParser();
    const session = new Session('a.lstm.json', countingComputer().computer, parser.parser);
    const v1 = session.update(brokenText(3), { version: 1 });
    await settle();
    const v1Parse = parser.last;
    const v2 = session.update(specText(3), { version: 2 });
    await settle();
    assert.equal(v1Parse.signal.aborted, true);
    parser.last.resolve(parser.last.parsed());
    await v2;
    // the older parse (with an error) arrives late: dropped
    v1Parse.resolve(v1Parse.parsed());
    await v1;
    assert.equal(session.issuesVersion, 2);
    assert.deepEqual(session.issuesFor(2), []);
    assert.equal(session.issuesFor(1), undefined, 'issues of version 2 are not offered for version 1');
    assert.equal(session.trace?.T, 3);
  });

  it('issues parsed from version 5 are not offered for the document at version 6 until that is parsed', async () => {
    const parser = new ControlledParser();
    const session = new Session('a.lstm.json', countingComputer().computer, parser.parser);
    const v5 = session.update(brokenText(3), { version: 5 });
    await settle();
    parser.last.resolve(parser.last.parsed());
    await v5;
    assert.equal(session.issuesFor(6), undefined, 'the document moved on (a debounced edit is pending)');
    assert.equal(session.issuesFor(5)?.length, 1);
    // an undo back to the same text under version 7: the issues hold for it, without a new parse
    const parsed: boolean[] = [];
    session.onDidChange(change => parsed.push(change.parsed === true));
    await session.update(brokenText(3), { version: 7 });
    assert.equal(parser.calls.length, 1);
    assert.equal(session.issuesFor(7)?.length, 1);
    assert.deepEqual(parsed, [true]);
  });

  it('stepping at either end leaves the cursor and says why; with no trace it says so', async () => {
    const session = new Session('a.lstm.json', countingComputer().computer);
    assert.deepEqual(session.step(), { moved: false, message: 'LSTM: there is no trace to step through yet' });
    await session.update(specText(2));
    assert.deepEqual(session.stepBack(), { moved: false, message: 'LSTM: already at the start (forward t=0)' });
    assert.deepEqual(session.runToEnd(), { moved: true });
    assert.deepEqual(session.runToEnd(), { moved: false, message: 'LSTM: already at the end of the forward pass (forward t=2)' });
    assert.deepEqual(session.runBackward(), { moved: true });
    assert.deepEqual(session.cursor, { phase: 'backward', t: 1 });
    let events = 0;
    session.onDidChange(() => events++);
    assert.deepEqual(session.step(), { moved: false, message: 'LSTM: already at the last step (backward t=1)' });
    assert.equal(events, 0, 'no event when the cursor did not move');
    session.reset();
    assert.deepEqual(session.cursor, { phase: 'forward', t: 0 });
  });

  it('after dispose nothing fires and late results are dropped', async () => {
    const computer = new ControlledComputer();
    const session = new Session('a.lstm.json', computer.computer);
    const running = session.update(specText(2));
    await settle();
    let events = 0;
    session.onDidChange(() => events++);
    const call = computer.last;
    session.dispose();
    assert.equal(call.signal.aborted, true);
    call.resolve(call.trace());
    await running;
    assert.equal(session.trace, undefined);
    assert.equal(events, 0);
  });
});

describe('runtime Session: stale at once on an edit', () => {
  it('an update is stale ("computing") from its start, while the text is still being parsed', async () => {
    const parser = new ControlledParser();
    const session = new Session('a.lstm.json', spec => countingComputer().computer(spec, new AbortController().signal), parser.parser);
    const first = session.update(specText(2));
    await settle();
    parser.last.resolve(parser.last.parsed());
    await first;
    assert.equal(reasonOf(session.freshness()), 'fresh');
    const { changes } = record(session);
    const second = session.update(specText(3));
    // the parse has not answered yet: the old trace must already be marked
    assert.equal(session.stale, true);
    assert.equal(reasonOf(session.freshness()), 'computing');
    assert.ok(changes.some(change => change.state), 'a state event told the views before the parse ended');
    parser.last.resolve(parser.last.parsed());
    await second;
    assert.equal(reasonOf(session.freshness()), 'fresh');
    assert.equal(session.T, 3);
  });

  it('markEdited marks the trace stale at once, fires one state event per burst, and an update back to the same text clears it', async () => {
    const session = new Session('a.lstm.json', countingComputer().computer);
    await session.update(specText(2));
    const { changes } = record(session);
    session.markEdited();
    session.markEdited();
    assert.equal(session.stale, true);
    assert.equal(reasonOf(session.freshness()), 'computing');
    assert.equal(changes.filter(change => change.state).length, 1);
    // an undo back to the text shown: nothing to compute, and fresh again
    await session.update(specText(2));
    assert.equal(session.stale, false);
    assert.equal(changes.filter(change => change.state).length, 2);
  });

  it('stale while parsing, then stale for errors, is announced as a change of state (the debugger reports the second)', async () => {
    const session = new Session('a.lstm.json', countingComputer().computer);
    await session.update(specText(2));
    const reasons: string[] = [];
    session.onDidChange(change => { if (change.state) reasons.push(reasonOf(session.freshness())); });
    session.markEdited();
    await session.update(brokenText(2));
    assert.deepEqual(reasons, ['computing', 'errors']);
  });
});
