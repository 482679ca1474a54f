// The rows inline values are drawn for (src/views/visibleRows.ts): those whose end offset lies in a
// visible range, compared with a naive filter over every row on random layouts.
import assert from 'node:assert/strict';
import { rowsInView } from '../../src/views/visibleRows';

/** A small deterministic generator (LCG), so failures reproduce. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 2 ** 32; };
}

const naive = (ends: number[], ranges: { start: number; end: number }[], limit: number): number[] =>
  ends.map((_end, k) => k).filter(k => k < limit && ranges.some(r => ends[k] >= r.start && ends[k] <= r.end));

describe('inline values: rows in view', () => {
  it('takes the rows ending inside a range, edges included', () => {
    const ends = [10, 20, 30, 40, 50];
    assert.deepEqual(rowsInView(ends, [{ start: 20, end: 40 }]), [1, 2, 3]);
    assert.deepEqual(rowsInView(ends, [{ start: 21, end: 39 }]), [2]);
    assert.deepEqual(rowsInView(ends, [{ start: 0, end: 5 }]), []);
  });

  it('merges overlapping and unordered ranges, and stops at the limit (rows beyond T)', () => {
    const ends = [10, 20, 30, 40, 50];
    assert.deepEqual(rowsInView(ends, [{ start: 35, end: 60 }, { start: 0, end: 40 }]), [0, 1, 2, 3, 4]);
    assert.deepEqual(rowsInView(ends, [{ start: 0, end: 100 }], 3), [0, 1, 2]);
  });

  it('agrees with a naive filter on random layouts', () => {
    const random = lcg(9);
    for (let trial = 0; trial < 200; trial++) {
      const ends: number[] = [];
      let at = 0;
      for (let k = 0, n = Math.floor(random() * 60); k < n; k++) ends.push(at += 1 + Math.floor(random() * 30));
      const ranges = Array.from({ length: Math.floor(random() * 3) + 1 }, () => {
        const start = Math.floor(random() * (at + 20));
        return { start, end: start + Math.floor(random() * 200) };
      });
      const limit = Math.floor(random() * (ends.length + 2));
      assert.deepEqual(rowsInView(ends, ranges, limit), naive(ends, ranges, limit), JSON.stringify({ ends, ranges, limit }));
    }
  });
});
