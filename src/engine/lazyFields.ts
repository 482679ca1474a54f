// Lazy trace fields and how they are kept (docs/trace-format.md, "Lazy fields"). A lazy field is
// an enumerable accessor of its record (Trace.forward for the gate activations f i g o / r z n,
// Trace.pathDecay for the path product) computed from fields the trace stores. Reading it
// computes the whole (T, H) field and keeps it behind a WeakRef: while any view holds the array,
// the next read returns the same array; once nobody does, the garbage collector may drop it and
// the next read computes it again with the same kernel, so every read gives the same numbers,
// bit for bit. Within one synchronous job a WeakRef's target stays alive, so a loop reading
// `record.f[k]` does not recompute per access (but read the field once into a local anyway).
// A view that shows one step reads a range of one row (fieldRange, fieldValue): from the cached
// whole field when it is alive, else computed alone from the stored row it depends on, never the
// whole field (the last few such rows are kept, a few H each, for the many reads of one step).
// What each lazy field is computed from is said once, where it is defined
// (trace.ts, from the cell table's gates). Pure: no I/O.

/** How a lazy field is computed: whole, or a range of one row alone, giving the same numbers. */
export interface LazyField {
  /** the whole field, flat row-major (T, H) */
  whole(): Float64Array;
  /**
   * Writes entries [from, to) of whole() (flat indices inside one row) into out[0 .. to − from),
   * computed from the stored rows alone; the numbers are those of whole().
   */
  fill(out: Float64Array, from: number, to: number): void;
}

interface LazyEntry {
  field: LazyField;
  cache?: WeakRef<Float64Array>;
  /** the last ranges computed alone (a few rows of H, newest last): a step's views read the same rows many times */
  recent: { from: number; values: Float64Array }[];
}

/** How many computed ranges each lazy field keeps: the step on show and its neighbours. */
const RECENT_RANGES = 4;

/** The lazy fields of each record, by name. Keyed weakly: a record's entries go with it. */
const lazyByRecord = new WeakMap<object, Map<string, LazyEntry>>();

/** The whole field: the cached array while it is alive, else computed now (and cached weakly). */
function wholeOf(entry: LazyEntry): Float64Array {
  let value = entry.cache?.deref();
  if (!value) {
    value = entry.field.whole();
    entry.cache = new WeakRef(value);
  }
  return value;
}

/**
 * Defines `name` on `target` as a lazy field (an enumerable accessor; see the top of this file).
 * Assigning to it replaces it with a plain stored value.
 */
export function defineLazy(
  target: object, // holds (T, H) fields: Trace.forward, Trace.pathDecay
  name: string, field: LazyField,
): void {
  let entries = lazyByRecord.get(target);
  if (!entries) lazyByRecord.set(target, entries = new Map());
  const entry: LazyEntry = { field, recent: [] };
  entries.set(name, entry);
  Object.defineProperty(target, name, {
    enumerable: true,
    configurable: true,
    get: () => wholeOf(entry),
    set: (value: unknown) => {
      entries.delete(name);
      Object.defineProperty(target, name, { value, enumerable: true, configurable: true, writable: true });
    },
  });
}

/** Is `name` a lazy field of `record`? */
export function isLazyField(record: object, name: string): boolean {
  return lazyByRecord.get(record)?.has(name) ?? false;
}

/** Is the whole of lazy field `name` of `record` cached right now (held by someone, or not yet collected)? */
export function isLazyFieldCached(record: object, name: string): boolean {
  return lazyByRecord.get(record)?.get(name)?.cache?.deref() !== undefined;
}

/**
 * Entries [from, to) (flat indices inside one row) of field `name` of `record`, or undefined when
 * the record has no such field. A lazy field gives a new array (copied from its cached whole when
 * alive, else computed alone), so holding it never keeps the whole field alive; a stored field
 * gives a view of its buffer. With `out` (length ≥ to − from), the entries are written there
 * (and a computed range is not kept among the recent ones: that is for loops over many rows).
 */
export function fieldRange(
  record: object | undefined, // Trace.forward, Trace.backward.perStep, Trace.pathDecay: (T, H) fields
  name: string, from: number, to: number,
  out?: Float64Array, // (to − from)
): Float64Array | undefined {
  if (!record) return undefined;
  const entry = lazyByRecord.get(record)?.get(name);
  if (entry) {
    const target = out ?? new Float64Array(to - from);
    if (knownRange(record, name, from, to, target)) return target;
    entry.field.fill(target, from, to);
    if (!out && to - from > 1) {
      // a row a view asked for (a loop passing its own `out` is not kept), as a copy, so a
      // caller writing into its array cannot change what later reads see
      entry.recent.push({ from, values: target.slice(0, to - from) });
      if (entry.recent.length > RECENT_RANGES) entry.recent.shift();
    }
    return target;
  }
  const value = (record as Record<string, unknown>)[name];
  if (!(value instanceof Float64Array)) return undefined;
  if (!out) return value.subarray(from, to);
  out.set(value.subarray(from, to));
  return out;
}

/**
 * Writes entries [from, to) of lazy field `name` of `record` into `out` when they are at hand
 * without computing (the cached whole field, or a recent range); false when they are not.
 */
export function knownRange(
  record: object, name: string, from: number, to: number,
  out: Float64Array, // (to − from)
): boolean {
  const entry = lazyByRecord.get(record)?.get(name);
  if (!entry) return false;
  const cached = entry.cache?.deref();
  if (cached) {
    out.set(cached.subarray(from, to));
    return true;
  }
  const known = entry.recent.find(range => range.from <= from && to <= range.from + range.values.length);
  if (!known) return false;
  out.set(known.values.subarray(from - known.from, to - known.from));
  return true;
}

/** Entry `index` (flat) of field `name` of `record`, read as fieldRange does; undefined when there is no such field. */
export function fieldValue(record: object | undefined, name: string, index: number): number | undefined {
  return fieldRange(record, name, index, index + 1)?.[0];
}
