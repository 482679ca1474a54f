// The seeds' "gradient highway" figure: how much of dL/dc_T reaches c_t along the cell path
// alone, dc_T/dc_t = f_T * … * f_{t+1} (for the GRU the same product of update gates z). It is
// not the true BPTT gradient (which also flows through h and the gates); the trace shows both.

/**
 * Suffix products of a per-step gate, (T, H): row t (1-based) is gate_{t+1} * … * gate_T, all
 * ones at t = T. Used with f for the LSTM kinds and with z for the GRU.
 */
export function forgetProduct(
  gate: Float64Array, // (T, H) f_t (or z_t), row k = step k+1
  T: number,
  H: number,
): Float64Array {
  const product = new Float64Array(T * H); // (T, H)
  if (T === 0) return product;
  product.fill(1, (T - 1) * H, T * H);
  for (let t = T - 2; t >= 0; t--) {
    const row = t * H, next = (t + 1) * H;
    for (let k = 0; k < H; k++) product[row + k] = product[next + k] * gate[next + k];
  }
  return product;
}
