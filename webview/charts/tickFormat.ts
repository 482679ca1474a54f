// Axis labels for the time charts. Chart.js labels a linear axis with the tick values it computes,
// and a value like 0.1 + 0.2 prints as "0.30000000000000004", or a data-derived minimum as
// "-0.2000000000000001". Labels are rounded to 10 significant digits and then printed in the
// shortest form, which removes that float noise and keeps every real digit a tick step needs.
// No DOM and no chart.js here, so the unit tests can check the labels directly.

/** A linear axis's label: the tick value without binary-fraction noise. */
export function linearTick(value: number | string): string {
  const v = Number(value);
  if (!Number.isFinite(v)) return String(value);
  const rounded = Number(v.toPrecision(10));
  return Object.is(rounded, -0) ? '0' : String(rounded);
}

/** Log-axis labels: powers of ten as 1e-6 when the axis spans decades, else two significant digits. */
export function logTick(this: { min: number; max: number }, value: number | string): string {
  const v = Number(value);
  if (!(v > 0)) return '';
  const decades = Math.log10(this.max / this.min);
  const exponent = Math.log10(v);
  if (decades > 2) return Math.abs(exponent - Math.round(exponent)) < 1e-9 ? `1e${Math.round(exponent)}` : '';
  return Number(v.toPrecision(2)).toString();
}
