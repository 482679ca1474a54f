// The chart panel's Units field on plain node: what is taken from the text, and the note that says
// what was taken and why whenever the text could not be taken as written.

import * as assert from 'node:assert/strict';
import { formatUnitList, parseUnitsField } from '../../src/protocol/unitsField';

describe('chart panel: the Units field', () => {
  it('takes units, ranges in either order and either dash, without a note', () => {
    assert.deepEqual(parseUnitsField('0,2,5-7', 32), { units: [0, 2, 5, 6, 7], note: '' });
    assert.deepEqual(parseUnitsField(' 7 - 5 , 1 ', 32), { units: [1, 5, 6, 7], note: '' });
    assert.deepEqual(parseUnitsField('7-5 1', 32), { units: [1, 5, 6, 7], note: '' });
    assert.deepEqual(parseUnitsField('3,3,1–2', 32), { units: [1, 2, 3], note: '' });
  });

  it('says which units it shows when more than 8 were asked for', () => {
    assert.deepEqual(parseUnitsField('0-20', 32), { units: [0, 1, 2, 3, 4, 5, 6, 7], note: 'showing units 0–7: at most 8' });
    assert.deepEqual(parseUnitsField('1,3,5,7,9,11,13,15,17', 64).note, 'showing units 1,3,5,7,9,11,13,15: at most 8');
  });

  it("says that 'abc' is not a unit, and keeps the rest", () => {
    assert.deepEqual(parseUnitsField('abc', 32), { units: [], note: "'abc' is not a unit number or range; no unit taken: the chart keeps its units" });
    assert.deepEqual(parseUnitsField('1, x2, 3', 32), { units: [1, 3], note: "'x2' is not a unit number or range" });
    assert.equal(parseUnitsField('-1', 32).note, "'-1' is not a unit number or range; no unit taken: the chart keeps its units");
  });

  it('says when a unit does not exist in the spec', () => {
    assert.deepEqual(parseUnitsField('40', 32), { units: [], note: 'the spec has units 0–31 only; no unit taken: the chart keeps its units' });
    assert.deepEqual(parseUnitsField('30-40', 32), { units: [30, 31], note: 'the spec has units 0–31 only' });
    // a huge range is cut at H, not walked
    assert.deepEqual(parseUnitsField('0-99999999999', 4), { units: [0, 1, 2, 3], note: 'the spec has units 0–3 only' });
    assert.equal(parseUnitsField('', 4).note, 'no unit given: the chart keeps its units');
  });

  it('writes lists compactly', () => {
    assert.equal(formatUnitList([0, 1, 2, 5, 7, 8]), '0–2,5,7–8');
    assert.equal(formatUnitList([3], '-'), '3');
  });
});
