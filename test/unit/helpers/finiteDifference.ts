// The finite-difference checks' shared step and tolerance (engineGradients.test.ts for one layer,
// stackGradients.test.ts for stacks): central differences with step EPS, and an analytic gradient
// accepted within REL_TOL of the larger magnitude plus ABS_TOL.
import * as assert from 'node:assert/strict';

export const EPS = 1e-5;
const REL_TOL = 1e-6;
const ABS_TOL = 1e-9;

export function assertGradient(analytic: number, numeric: number, what: string): void {
  const tolerance = REL_TOL * Math.max(Math.abs(analytic), Math.abs(numeric)) + ABS_TOL;
  assert.ok(Math.abs(analytic - numeric) <= tolerance, `${what}: BPTT ${analytic} vs finite difference ${numeric}`);
}
