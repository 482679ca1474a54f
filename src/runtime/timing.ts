// An opt-in timeline of where opening and editing a spec spends its time: the session's phases
// (parse, compute, events), the worker's (start, job, answer) and each event listener's run, as
// marks with a performance.now() timestamp. Off by default and then free (one boolean test per
// mark). The extension switches it on with the environment variable LSTM_TIMING=1 and keeps the
// marks on `globalThis.__lstmTiming`, where an in-host bench reads them (test/integration).

export interface TimingMark { readonly at: number; readonly label: string }

export const timing = {
  enabled: false,
  marks: [] as TimingMark[],
  /** records `label` now (when enabled) */
  mark(label: string): void {
    if (timing.enabled) timing.marks.push({ at: performance.now(), label });
  },
  /** records that `label` took from `since` to now (when enabled and it took at least `minMs`) */
  span(label: string, since: number, minMs = 0): void {
    if (!timing.enabled) return;
    const at = performance.now();
    if (at - since >= minMs) timing.marks.push({ at, label: `${label} ${(at - since).toFixed(1)} ms` });
  },
};
