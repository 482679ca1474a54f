// The runtime Session's model override (src/runtime/session.ts): a training step's model shown
// in place of the spec's own. Its trace is computed from the override's spec by the session's
// own trace computer, every observer hears `trace` + `override`, the cursor keeps its place and
// stepping works on the override's trace; dropping it shows the spec's own trace again at once;
// an edit (or a recompute) drops it; it is refused while the text's own computation runs.
import * as assert from 'node:assert/strict';
import { parseSpec } from '../../src/engine/specParse';
import { computeTrace } from '../../src/engine/trace';
import { Session, type SessionChange } from '../../src/runtime/session';
import { ControlledComputer, countingComputer, settle, specText } from './helpers/runtime';

/** the spec of `text` with every W_f entry set to `w`: a different model of the same structure */
function variant(text: string, w: number) {
  const spec = parseSpec(text).spec!;
  return { ...spec, params: { ...spec.params, W_f: new Float64Array(spec.params.W_f.length).fill(w) } };
}

describe('runtime Session: model override', () => {
  it('shows the override\'s trace in place of the spec\'s, with the label, and goes back at once', async () => {
    const { computer, calls } = countingComputer();
    const session = new Session('a.lstm.json', computer);
    await session.update(specText(4));
    const own = session.trace!;
    session.goTo({ phase: 'backward', t: 2 });
    const changes: SessionChange[] = [];
    session.onDidChange(change => changes.push(change));
    const model = variant(specText(4), -1.5);
    const outcome = await session.setModelOverride({ spec: model, step: 3, steps: 10, label: 'training step 3 of 10 (not applied)' });
    assert.deepEqual(outcome, { moved: true });
    assert.equal(calls(), 2, 'computed with the session\'s computer');
    // the override's trace, by an independent computation of the same model
    assert.deepEqual(Array.from(session.trace!.forward.h), Array.from(computeTrace(model).forward.h));
    assert.notDeepEqual(Array.from(session.trace!.forward.h), Array.from(own.forward.h));
    assert.equal(session.modelOverride?.step, 3);
    assert.equal(session.modelSpec, model);
    assert.deepEqual(session.cursor, { phase: 'backward', t: 2 }, 'the cursor keeps its place');
    assert.ok(changes.some(c => c.trace && c.override), 'observers hear trace + override');
    assert.deepEqual(session.freshness(), { fresh: true });
    // stepping works on the override's trace
    assert.deepEqual(session.step(), { moved: true });
    assert.deepEqual(session.cursor, { phase: 'backward', t: 1 });
    await session.setModelOverride(undefined);
    assert.equal(session.trace, own, 'the spec\'s own trace, not recomputed');
    assert.equal(calls(), 2);
    assert.equal(session.modelOverride, undefined);
    assert.equal(session.modelSpec, session.spec);
    assert.ok(changes[changes.length - 1].override);
  });

  it('an edit of the text drops the override and shows the new text\'s trace', async () => {
    const { computer } = countingComputer();
    const session = new Session('a.lstm.json', computer);
    await session.update(specText(4));
    await session.setModelOverride({ spec: variant(specText(4), 2), step: 1, steps: 1, label: 'x' });
    assert.ok(session.modelOverride);
    await session.update(specText(4, -0.9));
    assert.equal(session.modelOverride, undefined);
    assert.deepEqual(Array.from(session.trace!.forward.h), Array.from(computeTrace(parseSpec(specText(4, -0.9)).spec!).forward.h));
  });

  it('is refused while the text\'s own computation runs, and a late override result loses to an edit', async () => {
    const computer = new ControlledComputer();
    const session = new Session('a.lstm.json', computer.computer);
    const first = session.update(specText(3));
    await settle();
    const refused = await session.setModelOverride({ spec: variant(specText(3), 1), step: 1, steps: 2, label: 'x' });
    assert.equal(refused.moved, false);
    assert.match(refused.moved ? '' : refused.message, /being computed/);
    computer.finishLast();
    await first;
    // an override under way, then an edit: the edit wins, the override's answer is dropped
    const pending = session.setModelOverride({ spec: variant(specText(3), 1), step: 1, steps: 2, label: 'x' });
    await settle();
    const overrideCall = computer.last;
    const edit = session.update(specText(3, 0.9));
    await settle();
    assert.equal(overrideCall.signal.aborted, true);
    overrideCall.resolve(overrideCall.trace());
    assert.equal((await pending).moved, false);
    computer.finishLast();
    await edit;
    assert.equal(session.modelOverride, undefined);
    assert.equal(session.spec?.inputs[0], 0.9);
  });
});
