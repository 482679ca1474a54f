// The stepping cursor's pure index arithmetic: forward t = 0..T, then backward t = T..1, as one
// linear index 0..2T. Expectations are written out from that definition, position by position.
import * as assert from 'node:assert/strict';
import { clampCursor, cursorAt, cursorIndex, describeCursor, lastIndex, sameCursor, START, type Cursor } from '../../src/runtime/cursor';

describe('cursor', () => {
  it('T = 3 has the 7 positions forward 0..3 then backward 3..1, and index ↔ cursor round-trips for each', () => {
    const expected: Cursor[] = [
      { phase: 'forward', t: 0 }, { phase: 'forward', t: 1 }, { phase: 'forward', t: 2 }, { phase: 'forward', t: 3 },
      { phase: 'backward', t: 3 }, { phase: 'backward', t: 2 }, { phase: 'backward', t: 1 },
    ];
    assert.equal(lastIndex(3), expected.length - 1);
    expected.forEach((cursor, index) => {
      assert.deepEqual(cursorAt(index, 3), cursor, `index ${index}`);
      assert.equal(cursorIndex(cursor, 3), index, `${cursor.phase} t=${cursor.t}`);
    });
  });

  it('T = 1: start, forward t=1, backward t=1, and nothing beyond', () => {
    assert.equal(lastIndex(1), 2);
    assert.deepEqual(cursorAt(0, 1), START);
    assert.deepEqual(cursorAt(1, 1), { phase: 'forward', t: 1 });
    assert.deepEqual(cursorAt(2, 1), { phase: 'backward', t: 1 });
    assert.deepEqual(cursorAt(3, 1), { phase: 'backward', t: 1 });
    assert.equal(cursorIndex({ phase: 'backward', t: 1 }, 1), 2);
  });

  it('cursorAt rounds fractional indices and clamps out-of-range ones to 0..2T', () => {
    assert.deepEqual(cursorAt(1.4, 3), { phase: 'forward', t: 1 });
    assert.deepEqual(cursorAt(3.6, 3), { phase: 'backward', t: 3 });
    assert.deepEqual(cursorAt(-5, 3), START);
    assert.deepEqual(cursorAt(-0.4, 3), START);
    assert.deepEqual(cursorAt(100, 3), { phase: 'backward', t: 1 });
    assert.deepEqual(cursorAt(6.4, 3), { phase: 'backward', t: 1 });
    assert.deepEqual(cursorAt(5, 0), START, 'T = 0 has only the start');
  });

  it('clampCursor keeps the phase: forward t into 0..T, backward t into 1..T', () => {
    assert.deepEqual(clampCursor({ phase: 'forward', t: 4 }, 3), { phase: 'forward', t: 3 });
    assert.deepEqual(clampCursor({ phase: 'forward', t: -1 }, 3), { phase: 'forward', t: 0 });
    assert.deepEqual(clampCursor({ phase: 'backward', t: 4 }, 3), { phase: 'backward', t: 3 });
    assert.deepEqual(clampCursor({ phase: 'backward', t: 0 }, 3), { phase: 'backward', t: 1 });
    assert.deepEqual(clampCursor({ phase: 'backward', t: 2 }, 3), { phase: 'backward', t: 2 });
    // after clamping, a backward cursor is still a backward position of the index range
    assert.ok(cursorIndex(clampCursor({ phase: 'backward', t: 9 }, 2), 2) > 2);
  });

  it('sameCursor and describeCursor', () => {
    assert.ok(sameCursor({ phase: 'forward', t: 2 }, { phase: 'forward', t: 2 }));
    assert.ok(!sameCursor({ phase: 'forward', t: 2 }, { phase: 'backward', t: 2 }));
    assert.equal(describeCursor({ phase: 'backward', t: 2 }, 4), 't=2/4 backward');
  });
});
