// The time charts' axis labels (webview/charts/tickFormat.ts): float noise from Chart.js's tick
// arithmetic must not reach the screen, and real digits must stay.
// Mutation caught: linearTick returning String(value) (the old behaviour) fails the first test; the second keeps the rounding from eating real digits.
import * as assert from 'node:assert/strict';
import { linearTick, logTick } from '../../webview/charts/tickFormat';

describe('chart axis labels', () => {
  it('a linear tick prints without binary-fraction noise', () => {
    assert.equal(linearTick(0.1 + 0.2), '0.3');
    assert.equal(linearTick(-0.2000000000000001), '-0.2');
    assert.equal(linearTick(1 - 0.9), '0.1');
  });
  it('keeps the digits a fine tick step needs, and prints -0 as 0', () => {
    assert.equal(linearTick(0.0125), '0.0125');
    assert.equal(linearTick(-1.5e-7), '-1.5e-7');
    assert.equal(linearTick(-0), '0');
    assert.equal(linearTick(42), '42');
  });
  it('log ticks: powers of ten over decades, two significant digits otherwise', () => {
    assert.equal(logTick.call({ min: 1e-6, max: 1 }, 1e-3), '1e-3');
    assert.equal(logTick.call({ min: 1e-6, max: 1 }, 3e-3), '');
    assert.equal(logTick.call({ min: 0.5, max: 2 }, 0.7345), '0.73');
  });
});
