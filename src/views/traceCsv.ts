// "LSTM: Export Trace as CSV": the trace in long (tidy) form, one row per (step, unit), so it
// loads straight into pandas or a spreadsheet whatever H is. Columns: t, token, unit, every
// forward field, every per-step backward field of width H, the path-decay product and the
// comparison RNN's h, dL/dh and (per step) ‖dL/dh‖. Numbers keep full float64 precision.
// Pure (no vscode): unit tested on node; src/views/traceExport.ts streams it to a file.

import type { Trace } from '../engine/types';

/** RFC 4180 quoting: a field with a comma, quote or line break is quoted, quotes doubled. */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The CSV one line at a time (no line terminators): the header, then T × H rows. A generator, so
 * the export writes a large trace in chunks and yields to the event loop between them.
 */
export function* traceCsvLines(trace: Trace): Generator<string, void, undefined> {
  const { T, hiddenSize: H } = trace;
  const columns: { name: string; values: ArrayLike<number>; width: number }[] = [];
  for (const [name, values] of Object.entries(trace.forward)) columns.push({ name, values, width: H });
  for (const [name, values] of Object.entries(trace.backward.perStep)) {
    if (values.length === T * H) columns.push({ name, values, width: H });
  }
  const pd = trace.pathDecay;
  if (pd?.kind === 'cellPathDecay') columns.push({ name: 'forgetProduct', values: pd.forgetProduct, width: H });
  if (pd?.kind === 'updateGatePathDecay') columns.push({ name: 'zProduct', values: pd.zProduct, width: H });
  const rnn = trace.vanillaRNN;
  if (rnn?.h?.length === T * H) columns.push({ name: 'rnn_h', values: rnn.h, width: H });
  if (rnn?.dL_dh?.length === T * H) columns.push({ name: 'rnn_dL_dh', values: rnn.dL_dh, width: H });
  if (rnn?.dL_dh_norm?.length === T) columns.push({ name: 'rnn_dL_dh_norm', values: rnn.dL_dh_norm, width: 1 });

  yield ['t', 'token', 'unit', ...columns.map(c => c.name)].join(',');
  for (let k = 0; k < T; k++) {
    const token = csvField(trace.tokens?.[k] ?? '');
    for (let u = 0; u < H; u++) {
      let row = `${k + 1},${token},${u}`;
      for (const c of columns) row += ',' + String(c.width === 1 ? c.values[k] : c.values[k * H + u]);
      yield row;
    }
  }
}

/** How many lines traceCsvLines yields (for progress). */
export const traceCsvLineCount = (trace: Trace): number => 1 + trace.T * trace.hiddenSize;

/** The whole CSV as one string (small traces; the export streams traceCsvLines instead). */
export function traceToCsv(trace: Trace): string {
  let out = '';
  for (const line of traceCsvLines(trace)) out += line + '\n';
  return out;
}
