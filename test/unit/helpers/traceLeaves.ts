// Every numeric leaf of a trace (or any engine result), by path, for field-by-field comparisons of
// two computations of the same thing (WASM against JS kernels, two cores against one).

/** every numeric leaf of `value` (lazy getters included), by path ('.forward.f', '.loss.L', …) */
export function numericLeaves(value: unknown, at = '', out = new Map<string, ArrayLike<number>>()): Map<string, ArrayLike<number>> {
  if (value instanceof Float64Array || value instanceof Float32Array) out.set(at, value);
  else if (typeof value === 'number') out.set(at, [value]);
  else if (Array.isArray(value) && value.every(v => typeof v === 'number')) out.set(at, value as number[]);
  else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) numericLeaves(v, `${at}.${key}`, out);
  }
  return out;
}
