// The chart panel's heatmap scale on plain node: the grid the host sends (buildHeatmap) placed on
// the colour scale the webview draws with (src/protocol/heatmapScale.ts), against positions worked
// out here from the raw field; the colour-bar labels; the hover readout's text.

import * as assert from 'node:assert/strict';
import { cellAt, formatScaleNumber, heatmapRange, heatmapReadout, scaleLabels, scalePosition } from '../../src/protocol/heatmapScale';
import { buildHeatmap } from '../../src/views/chartSnapshot';

/** A (T, H) field whose values are `scale` × a fixed pattern of distinct numbers in -1..1. */
function patternField(T: number, H: number, scale: number): Float64Array {
  const field = new Float64Array(T * H);
  for (let k = 0; k < T * H; k++) field[k] = scale * (((k * 7) % (T * H)) / (T * H - 1) * 2 - 1);
  return field;
}

describe('chart panel heatmap: colour scale', () => {
  for (const scale of [1e-7, 3e-5, 1e-3, 1, 250]) {
    it(`places a field of magnitude ${scale} on the whole colour range, each cell where its value says`, () => {
      const T = 5;
      const H = 4;
      const field = patternField(T, H, scale);
      const hm = buildHeatmap('c', field, T, H);
      const range = heatmapRange(hm);
      let largest = 0;
      for (const v of field) largest = Math.max(largest, Math.abs(v));
      const positions = new Set<string>();
      for (let u = 0; u < H; u++) {
        for (let t = 1; t <= T; t++) {
          const expected = field[(t - 1) * H + u] / largest;
          const drawn = scalePosition(hm.values[u * T + t - 1] as number, range);
          assert.ok(Math.abs(drawn - expected) < 1e-3, `unit ${u}, t ${t}: drawn at ${drawn}, value says ${expected}`);
          positions.add(drawn.toFixed(3));
        }
      }
      assert.equal(positions.size, T * H, 'every distinct value gets its own colour');
      const [top, , bottom] = scaleLabels(range);
      assert.ok(Math.abs(Number(top) - largest) <= 0.01 * largest, `top label ${top} for a largest value of ${largest}`);
      assert.ok(Math.abs(Number(bottom) + largest) <= 0.01 * largest, `bottom label ${bottom}`);
    });
  }

  it('keeps gates on a fixed 0..1 scale and draws an all-zero field as the background', () => {
    const gates = buildHeatmap('f', Float64Array.from([0.25, 0.5, 0.75, 1]), 2, 2);
    assert.deepEqual(heatmapRange(gates), { lo: 0, hi: 1, sequential: true });
    assert.equal(scalePosition(0.25, heatmapRange(gates)), 0.25);
    const zero = buildHeatmap('h', new Float64Array(4), 2, 2);
    const range = heatmapRange(zero);
    assert.ok(zero.values.every(v => v === 0 && scalePosition(v, range) === 0));
  });

  it('labels the colour bar with distinct numbers for any range', () => {
    for (const hi of [1e-9, 2.5e-6, 0.00123, 0.0456, 0.5, 1, 3.14159, 999, 12345, 4.2e7]) {
      const labels = scaleLabels({ lo: -hi, hi, sequential: false });
      assert.equal(new Set(labels).size, 3, `${hi}: ${labels.join(' ')}`);
      assert.ok(Math.abs(Number(labels[0]) - hi) <= 0.005 * hi, `${hi}: ${labels[0]}`);
    }
    assert.deepEqual(scaleLabels({ lo: 0, hi: 1, sequential: true }), ['1', '0.5', '0']);
    assert.equal(formatScaleNumber(2.5e-6), '2.50e-6');
    assert.equal(formatScaleNumber(-0.0456), '-0.0456');
  });
});

describe('chart panel heatmap: hover readout', () => {
  it('names the unit, the step with its token, and the value of a single cell', () => {
    // T = 2, H = 2, row-major (T, H): step 1 = [0.1, 0.2], step 2 = [0.3, 0.123456789]
    const hm = buildHeatmap('f', Float64Array.from([0.1, 0.2, 0.3, 0.123456789]), 2, 2);
    assert.equal(heatmapReadout(hm, 1, 1, ['This', 'movie']), 'unit 1 · t = 2 "movie" · f = 0.12346');
    assert.equal(heatmapReadout(hm, 0, 0, ['This', 'movie']), 'unit 0 · t = 1 "This" · f = 0.1');
    assert.equal(heatmapReadout(hm, 0, 1), 'unit 0 · t = 2 · f = 0.3');
  });

  it('gives the unit and step ranges and the mean of a bucket, and says when it is not finite', () => {
    // T = 4, H = 4 on a 2 × 2 grid: the bucket of units 2–3, steps 3–4
    const field = Float64Array.from({ length: 16 }, (_, k) => k);
    const hm = buildHeatmap('c', field, 4, 4, 2, 2);
    // steps 3, 4 (rows 2, 3 of the field), units 2, 3: 10, 11, 14, 15
    assert.equal(heatmapReadout(hm, 1, 1), 'units 2–3 · t = 3–4 · mean c = 12.5');
    const bad = buildHeatmap('h', Float64Array.from([NaN, 1]), 1, 2);
    assert.equal(heatmapReadout(bad, 0, 0), 'unit 0 · t = 1 · h = not finite');
  });

  it('finds the cell under the pointer and nothing outside the plot', () => {
    const grid = { rows: 4, cols: 10 };
    assert.deepEqual(cellAt(grid, 0, 0), { row: 0, col: 0 });
    assert.deepEqual(cellAt(grid, 0.999, 0.26), { row: 1, col: 9 });
    assert.deepEqual(cellAt(grid, 1, 1), { row: 3, col: 9 });
    assert.equal(cellAt(grid, -0.01, 0.5), undefined);
    assert.equal(cellAt(grid, 0.5, 1.01), undefined);
  });
});
