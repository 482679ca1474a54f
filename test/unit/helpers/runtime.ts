// Shared by the runtime's unit tests (plain mocha, no VS Code): small spec texts, and trace
// computers / spec parsers whose every call the test resolves, rejects or inspects by hand, so
// the session's state machine is driven step by step without timers or a worker.
import { parseSpec } from '../../../src/engine/specParse';
import { computeTrace } from '../../../src/engine/trace';
import type { Spec, Trace } from '../../../src/engine/types';
import type { ParseResult, SpecParser, TraceComputer } from '../../../src/runtime/session';

/** A valid one-unit LSTM spec with T steps; `x1` is its first input, so two texts can differ. */
export function specText(T: number, x1 = 0.5): string {
  const inputs = Array.from({ length: T }, (_, k) => [k === 0 ? x1 : 0.1 * (k + 1)]);
  return JSON.stringify({
    cell: 'lstm', inputSize: 1, hiddenSize: 1,
    weights: { W_f: 0.5, b_f: 0, W_i: 0.5, b_i: 0, W_c: 0.5, b_c: 0, W_o: 0.5, b_o: 0 },
    h0: [0], c0: [0], inputs,
  }, null, 2);
}

/** The same spec with a type error in b_i (a string): parse errors, no spec. */
export function brokenText(T: number): string {
  return specText(T).replace('"b_i": 0', '"b_i": "x"');
}

interface Deferred<T> { resolve(value: T): void; reject(error: unknown): void }

export interface ComputeCall extends Deferred<Trace | undefined> { spec: Spec; signal: AbortSignal; trace(): Trace }

/** A TraceComputer whose calls stay pending until the test settles them. */
export class ControlledComputer {
  readonly calls: ComputeCall[] = [];
  readonly computer: TraceComputer = (spec, signal) => new Promise<Trace | undefined>((resolve, reject) => {
    this.calls.push({ spec, signal, resolve, reject, trace: () => computeTrace(spec) });
  });
  get last(): ComputeCall { return this.calls[this.calls.length - 1]; }
  /** resolves the last call with the real trace of its spec */
  finishLast(): Trace { const trace = this.last.trace(); this.last.resolve(trace); return trace; }
}

export interface ParseCall extends Deferred<ParseResult | undefined> { text: string; signal: AbortSignal; parsed(): ParseResult }

/** A SpecParser (like the worker's for a large text) whose calls stay pending until the test settles them. */
export class ControlledParser {
  readonly calls: ParseCall[] = [];
  readonly parser: SpecParser = (text, signal) => new Promise<ParseResult | undefined>((resolve, reject) => {
    this.calls.push({ text, signal, resolve, reject, parsed: () => parseSpec(text) });
  });
  get last(): ParseCall { return this.calls[this.calls.length - 1]; }
}

/** Lets pending promise callbacks run (the session awaits between its stages). */
export async function settle(): Promise<void> {
  for (let k = 0; k < 5; k++) await Promise.resolve();
}

/** An inline computer that counts its calls and can be made to fail. */
export function countingComputer(): { computer: TraceComputer; calls: () => number; failWith: (message: string | undefined) => void } {
  let calls = 0;
  let failure: string | undefined;
  return {
    computer: spec => { calls++; if (failure) throw new Error(failure); return computeTrace(spec); },
    calls: () => calls,
    failWith: message => { failure = message; },
  };
}
