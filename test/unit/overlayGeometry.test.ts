// The chart overlay's geometry (webview/charts/overlayGeometry.ts): which steps the cursor leaves
// unreached on forward-time and backward-time charts, and where the marker and the veil go for a
// linear axis whose pixels are written here independently (x = 40 + 10·(t − 1), plot 40..130).
import assert from 'node:assert/strict';
import { overlayGeometry, revealFor, veilPlacement } from '../../webview/charts/overlayGeometry';

const area = { left: 40, right: 130, top: 10, bottom: 200 };
// steps 1..10 on 40..130 px
const xOf = (t: number): number => 40 + 10 * (t - 1);

describe('chart overlay geometry (progressive reveal)', () => {
  it('forward-time charts veil the steps after the cursor in the forward phase, nothing in the backward phase', () => {
    assert.deepEqual(revealFor('forward', { phase: 'forward', t: 3 }), { kind: 'after', t: 3 });
    assert.deepEqual(revealFor('forward', { phase: 'forward', t: 0 }), { kind: 'after', t: 0 });
    assert.deepEqual(revealFor('forward', { phase: 'backward', t: 3 }), { kind: 'none' });
  });

  it('the gradient chart is all unreached in the forward phase, and before the cursor in the backward phase', () => {
    assert.deepEqual(revealFor('backward', { phase: 'forward', t: 10 }), { kind: 'all' });
    assert.deepEqual(revealFor('backward', { phase: 'backward', t: 4 }), { kind: 'before', t: 4 });
  });

  it('marker at the step\'s pixel; veil from it to the plot\'s right edge', () => {
    const g = overlayGeometry(area, xOf, 3, { kind: 'after', t: 3 });
    assert.equal(g.markerX, 60);
    assert.deepEqual(g.veil, { left: 60, right: 130 });
  });

  it('t = 0 veils the whole plot (the veil is clamped to it) and has no marker', () => {
    const g = overlayGeometry(area, xOf, undefined, { kind: 'after', t: 0 });
    assert.equal(g.markerX, undefined);
    assert.deepEqual(g.veil, { left: 40, right: 130 });
  });

  it('at the last step nothing is veiled; a marker outside the plot is not drawn', () => {
    assert.equal(overlayGeometry(area, xOf, 10, { kind: 'after', t: 10 }).veil, undefined);
    assert.equal(overlayGeometry(area, xOf, 12, { kind: 'none' }).markerX, undefined);
  });

  it('backward: the veil covers the steps before the cursor; all: the whole plot', () => {
    assert.deepEqual(overlayGeometry(area, xOf, 4, { kind: 'before', t: 4 }).veil, { left: 40, right: 70 });
    assert.equal(overlayGeometry(area, xOf, 1, { kind: 'before', t: 1 }).veil, undefined);
    assert.deepEqual(overlayGeometry(area, xOf, undefined, { kind: 'all' }).veil, { left: 40, right: 130 });
  });

  it('a heatmap veils from the right edge of the cursor\'s column (edgeOf), its marker on the column\'s centre', () => {
    // 10 columns of 9 px on 40..130: column t spans 40 + 9(t−1) .. 40 + 9t
    const centre = (t: number): number => 40 + 9 * (t - 0.5);
    const edge = (t: number): number => 40 + 9 * t;
    const g = overlayGeometry(area, centre, 2, { kind: 'after', t: 2 }, edge);
    assert.equal(g.markerX, 53.5);
    assert.deepEqual(g.veil, { left: 58, right: 130 });
  });

  // the veil's element: the plot-wide box moved (and clipped by the plot), so a Step only changes its transform
  const shown = (placement: { offset: number; width: number }) => ({
    left: Math.max(area.left, area.left + placement.offset), right: Math.min(area.right, area.left + placement.offset + placement.width),
  });

  it('a veil to the right edge (the future) is the plot-wide box moved right to its left end', () => {
    const veil = overlayGeometry(area, xOf, 3, { kind: 'after', t: 3 }).veil!;
    const placement = veilPlacement(area, veil);
    assert.deepEqual(placement, { offset: 20, width: 90 });
    assert.deepEqual(shown(placement), { left: 60, right: 130 });
    // another step: the same width, only the offset moves
    assert.equal(veilPlacement(area, overlayGeometry(area, xOf, 7, { kind: 'after', t: 7 }).veil!).width, 90);
  });

  it('a veil from the left edge (the gradients not reached) is the box moved left to its right end; all of it: not moved', () => {
    const placement = veilPlacement(area, overlayGeometry(area, xOf, 4, { kind: 'before', t: 4 }).veil!);
    assert.deepEqual(placement, { offset: -60, width: 90 });
    assert.deepEqual(shown(placement), { left: 40, right: 70 });
    assert.deepEqual(veilPlacement(area, { left: 40, right: 130 }), { offset: 0, width: 90 });
  });

  it('a span touching neither edge gets its own width', () => {
    const placement = veilPlacement(area, { left: 60, right: 100 });
    assert.deepEqual(placement, { offset: 20, width: 40 });
    assert.deepEqual(shown(placement), { left: 60, right: 100 });
  });
});
