// The runtime's SessionManager in plain mocha: debounced edits (the text read once, when the
// timer fires), flush, recompute with a pending edit, the active session and its events, and
// close. The clock is a hand-driven Scheduler, so nothing waits on real time.
import * as assert from 'node:assert/strict';
import type { SessionChange } from '../../src/runtime/session';
import { EDIT_DEBOUNCE_MS, Scheduler, SessionManager, editDebounceMs } from '../../src/runtime/sessionManager';
import { countingComputer, specText } from './helpers/runtime';

/** A Scheduler whose timers run only when the test says so. */
class ManualScheduler implements Scheduler {
  private next = 0;
  readonly timers = new Map<number, { run: () => void; ms: number }>();
  schedule(run: () => void, ms: number): unknown { const id = ++this.next; this.timers.set(id, { run, ms }); return id; }
  cancel(handle: unknown): void { this.timers.delete(handle as number); }
  fireAll(): void { const due = [...this.timers.values()]; this.timers.clear(); due.forEach(timer => timer.run()); }
}

async function settled(): Promise<void> {
  for (let k = 0; k < 10; k++) await Promise.resolve();
}

describe('runtime SessionManager', () => {
  let scheduler: ManualScheduler;
  let counting: ReturnType<typeof countingComputer>;
  let manager: SessionManager<string>;
  beforeEach(() => {
    scheduler = new ManualScheduler();
    counting = countingComputer();
    manager = new SessionManager<string>({ computeTrace: counting.computer, scheduler, debounceMs: 150 });
  });
  afterEach(() => manager.dispose());

  it('open parses and computes at once; a burst of edits runs one update with the text read when the timer fires', async () => {
    const session = manager.open('a', () => ({ text: specText(2), version: 1 }));
    await settled();
    assert.equal(session.trace?.T, 2);
    let reads = 0;
    let current = specText(3);
    const read = () => { reads++; return { text: current, version: 4 }; };
    manager.edit('a', read);
    manager.edit('a', read);
    current = specText(4);
    manager.edit('a', read);
    assert.equal(scheduler.timers.size, 1, 'one pending timer per document');
    assert.equal([...scheduler.timers.values()][0].ms, 150);
    assert.equal(reads, 0, 'nothing is read before the debounce ends');
    scheduler.fireAll();
    await settled();
    assert.equal(reads, 1);
    assert.equal(session.trace?.T, 4);
    assert.equal(session.issuesVersion, 4);
    assert.equal(counting.calls(), 2);
  });

  it('flush applies a pending edit now, and recompute applies it with force', async () => {
    const session = manager.open('a', () => ({ text: specText(2) }));
    await settled();
    manager.edit('a', () => ({ text: specText(3) }));
    await manager.flush();
    assert.equal(session.trace?.T, 3);
    assert.equal(scheduler.timers.size, 0);
    // recompute with no pending edit: the same text again
    await manager.recompute(session);
    assert.equal(counting.calls(), 3);
    manager.edit('a', () => ({ text: specText(5) }));
    await manager.recompute(session);
    assert.equal(session.trace?.T, 5);
    assert.equal(scheduler.timers.size, 0, 'the pending timer is taken over by recompute');
  });

  it('edits of a document it has no session for are ignored', () => {
    manager.edit('unknown', () => { throw new Error('must not be read'); });
    assert.equal(scheduler.timers.size, 0);
  });

  it('forwards only the active session’s changes on onDidChangeActive, and everything on a switch', async () => {
    const a = manager.open('a', () => ({ text: specText(2) }));
    const b = manager.open('b', () => ({ text: specText(3) }));
    await settled();
    const active: SessionChange[] = [];
    const all: string[] = [];
    manager.onDidChangeActive(change => active.push(change));
    manager.onDidChangeSession(({ session }) => all.push(session.uri));
    manager.setActive(a);
    assert.equal(active.length, 1);
    assert.ok(active[0].cursor && active[0].trace && active[0].issues);
    b.step();
    assert.equal(active.length, 1, 'a change of an inactive session is not the active one’s');
    assert.deepEqual(all, ['b']);
    a.step();
    assert.equal(active.length, 2);
    assert.equal(active[1].cursor, true);
  });

  it('close drops the session, cancels its pending edit and clears the active one', async () => {
    const a = manager.open('a', () => ({ text: specText(2) }));
    await settled();
    manager.setActive(a);
    manager.edit('a', () => ({ text: specText(3) }));
    const closed: string[] = [];
    manager.onDidCloseSession(session => closed.push(session.uri));
    let activeNow: unknown = 'unchanged';
    manager.onDidChangeActiveSession(session => { activeNow = session; });
    assert.equal(manager.close('a'), a);
    assert.equal(scheduler.timers.size, 0);
    assert.deepEqual(closed, ['a']);
    assert.equal(activeNow, undefined);
    assert.equal(manager.getSession('a'), undefined);
    assert.equal(manager.sessions.length, 0);
  });

  it('a parser that throws makes a failed session (recorded there, not reported as an update error)', async () => {
    const errors: string[] = [];
    const failing = new SessionManager<string>({
      computeTrace: counting.computer, scheduler,
      parse: () => { throw new Error('parser crashed'); },
      onUpdateError: (_session, error) => errors.push(String(error)),
    });
    const session = failing.open('a', () => ({ text: specText(2) }));
    await settled();
    assert.equal(session.computeState, 'failed');
    assert.equal(session.computeError, 'parser crashed');
    assert.deepEqual(errors, []);
    failing.dispose();
  });
});

describe('runtime SessionManager: the edit debounce and the stale mark', () => {
  it('editDebounceMs grows with the text: 20 ms for a small spec, 1 ms more per 8 KB, at most EDIT_DEBOUNCE_MS', () => {
    assert.equal(editDebounceMs(0), 20);
    assert.equal(editDebounceMs(24 * 1024), 23); // (H, I, T) = (64, 32, 100) is about 24 KB
    assert.equal(editDebounceMs(8192 * 50), 70);
    assert.equal(editDebounceMs(8192 * 130), EDIT_DEBOUNCE_MS);
    assert.equal(editDebounceMs(10e6), EDIT_DEBOUNCE_MS);
  });

  it('an edit waits the debounce of the text last seen, and marks the session stale before any timer fires', async () => {
    const scheduler = new ManualScheduler();
    const manager = new SessionManager<string>({ computeTrace: countingComputer().computer, scheduler });
    try {
      const session = manager.open('a', () => ({ text: specText(2) }));
      await settled();
      assert.equal(session.freshness().fresh, true);
      const states: boolean[] = [];
      session.onDidChange(change => { if (change.state) states.push(session.stale); });
      manager.edit('a', () => ({ text: specText(3) }));
      assert.equal(session.stale, true, 'stale at the keystroke, before the debounce and the parse');
      assert.deepEqual(states, [true]);
      assert.equal([...scheduler.timers.values()][0].ms, editDebounceMs(specText(2).length));
      scheduler.fireAll();
      await settled();
      assert.equal(session.T, 3);
      assert.equal(session.stale, false);
    } finally {
      manager.dispose();
    }
  });
});
