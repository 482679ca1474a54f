// The one number style of the host side (States tree, hovers, inline values, the chart panel's
// equations, the CLI tables): fixed notation at the user's precision, scientific where fixed
// would show only zeros or too many digits (the tiny gradients of a long sequence), and NaN/±Inf
// spelled out. Pure, so the CLI and the views share it.

export function formatNumber(value: number, precision: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf';
  if (value === 0) return (0).toFixed(precision);
  const magnitude = Math.abs(value);
  if (magnitude < Math.pow(10, -precision) || magnitude >= 1e6) return value.toExponential(Math.max(1, precision - 1));
  return value.toFixed(precision);
}
