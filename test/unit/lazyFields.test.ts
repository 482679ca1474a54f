// Lazy trace fields (src/engine/lazyFields.ts, lazyRecords.ts): the gate activations and the path
// product are cached only weakly, so a field the garbage collector dropped is computed again; it
// must then hold exactly the numbers the forward pass used (compared bit for bit with the cell's
// own activation cache, computed strongly by lstmForward / gruForward / the stack's forward).
// The Step path reads rows (views/traceFields.ts fieldRow, cells.ts stepValues): a row computed
// alone must equal the whole field's row bit for bit, for every cell kind and every layer view of
// a stack, without computing the whole field. And the trace JSON must not depend on what was
// read, cached or dropped before it was written. A real collection is forced (gc, as
// scripts/bench.mjs does) after a turn of the event loop, when WeakRef targets may go.
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { CELLS, computeTrace, layerCount, layerView, parseSpec, traceToJson, type CellKind, type Spec, type Trace } from '../../src/engine';
import { stepValues } from '../../src/engine/cells';
import { gruForward, packGru } from '../../src/engine/gru';
import { fieldRange, fieldValue, isLazyField, isLazyFieldCached } from '../../src/engine/lazyFields';
import { lstmForward, packLstm } from '../../src/engine/lstm';
import { computeStackTrace } from '../../src/engine/stackTrace';
import { packTrace, unpackTrace } from '../../src/engine/traceTransfer';
import { environmentAt, valuesAt } from '../../src/debug/positions';
import { lastIndex } from '../../src/runtime/cursor';
import { buildStepDetail } from '../../src/views/chartSnapshot';
import { normalizeView } from '../../src/protocol/messages';
import { backwardFields, FORWARD_FIELDS, fieldRow, unitEquation } from '../../src/views/traceFields';
import { randomSpec } from './helpers/referenceCells';
import { loadGoldenCases } from './helpers/stackGolden';
import { caseSpecText } from './helpers/traceCheck';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/** A full collection after the current job, so that unheld WeakRef targets are dropped. */
async function collect(): Promise<void> {
  await new Promise(resolve => setTimeout(resolve, 0));
  gc();
  gc();
}

/** Same IEEE bits at every index (Object.is tells −0 from 0 and matches NaN with NaN). */
function assertSameBits(actual: ArrayLike<number> | undefined, expected: ArrayLike<number>, what: string): void {
  assert.ok(actual, `${what}: missing`);
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let k = 0; k < expected.length; k++) {
    if (!Object.is(actual[k], expected[k])) assert.fail(`${what}[${k}]: ${actual[k]} vs ${expected[k]}`);
  }
}

/** Slot k of a gate-major (slots, T, H) buffer, as a copy. */
const slot = (buffer: Float64Array, k: number, TH: number): Float64Array => buffer.slice(k * TH, (k + 1) * TH);

/** The activations the cell's forward pass itself computed and used, by field name (its own cache, kept strongly). */
function forwardPassGates(spec: Spec): Record<string, Float64Array> {
  const { hiddenSize: H, inputSize: I, T } = spec;
  const TH = T * H;
  if (spec.cell === 'gru') {
    const cache = gruForward(packGru(spec.params, H, I), spec.inputs, spec.h0, T);
    return { r: slot(cache.act, 0, TH), z: slot(cache.act, 1, TH), n: slot(cache.act, 2, TH) };
  }
  if (spec.cell === 'rnn') return {};
  const cache = lstmForward(packLstm(spec.params, H, I, spec.cell === 'lstm_peephole'), spec.inputs, spec.h0, spec.c0, T);
  return { f: slot(cache.act, 0, TH), i: slot(cache.act, 1, TH), g: slot(cache.act, 2, TH), o: slot(cache.act, 3, TH) };
}

/** row t = gate_{t+1}·…·gate_T, written here from its definition (the same order of products as the engine). */
function suffixProduct(gate: Float64Array, T: number, H: number): Float64Array {
  const out = new Float64Array(T * H);
  for (let t = 0; t < T; t++) {
    for (let j = 0; j < H; j++) {
      let p = 1;
      for (let s = T - 1; s > t; s--) p = p * gate[s * H + j];
      out[t * H + j] = p;
    }
  }
  return out;
}

const CELL_KINDS: CellKind[] = ['lstm', 'lstm_peephole', 'gru', 'rnn'];
/** Single layers: gates and path product; H odd, so no row boundary falls on an even index. */
const singleSpec = (cell: CellKind): Spec => randomSpec(cell, 5, 3, 9, 'mse', 17, 2);

/** A stack of each cell kind with a golden case (two layers, bidirectional where there is one). */
function stackTraces(): { name: string; trace: Trace }[] {
  const wanted = ['lstm-l2-bi-ce-every', 'gru-l2-bi-ce-last', 'gru_noreset-l2-bi-ce-last', 'rnn-l2-bi-mse-every'];
  return loadGoldenCases().filter(c => wanted.includes(c.name)).map(c => {
    const { spec, issues } = parseSpec(caseSpecText(c)!);
    assert.deepEqual(issues, [], c.name);
    return { name: c.name, trace: computeTrace(spec!) };
  });
}

/** Every lazy field of a view: [record, name] for the gates and the path product. */
function lazyFieldsOf(view: Trace): [Record<string, Float64Array>, string][] {
  const fields: [Record<string, Float64Array>, string][] = [];
  for (const record of [view.forward, (view.pathDecay ?? {}) as Record<string, Float64Array>]) {
    for (const name of Object.keys(record)) if (isLazyField(record, name)) fields.push([record, name]);
  }
  return fields;
}

/** The lazy gates and path product of a single-layer trace against the forward pass's own activations; the same array on every read while held. */
function checkGates(trace: Trace, spec: Spec, strong: Record<string, Float64Array>, when: string): void {
  const { T, hiddenSize: H } = spec;
  const held = Object.keys(strong).map(name => trace.forward[name]);
  Object.keys(strong).forEach((name, k) => {
    assert.equal(trace.forward[name], held[k], `${name}: a second read while held computes again (${when})`);
    assertSameBits(held[k], strong[name], `${name} (${when})`);
  });
  const info = CELLS[trace.cell].pathDecay;
  if (info) assertSameBits((trace.pathDecay as unknown as Record<string, Float64Array>)[info.product], suffixProduct(strong[info.gate], T, H), `${info.product} (${when})`);
}

/** A stack view's lazy gates against the stack engine's own (strongly computed) gates. */
function checkStackGates(view: Trace, strong: Record<string, Float64Array>, what: string): void {
  for (const gate of CELLS[view.cell].gates) assertSameBits(view.forward[gate.name], strong[gate.name], `${what}: ${gate.name}`);
}

/** Every lazy field of every view: each row alone, then the whole fields, all held until the end (a synchronous frame, so nothing stays held after it). */
function readEverything(traces: Trace[]): void {
  const held: Float64Array[] = [];
  for (const trace of traces) {
    for (let k = 0; k < layerCount(trace); k++) {
      const view = layerView(trace, k);
      for (const [record, field] of lazyFieldsOf(view)) {
        for (let t = 1; t <= view.T; t++) fieldRange(record, field, (t - 1) * view.hiddenSize, t * view.hiddenSize);
        held.push(record[field]);
      }
    }
  }
  assert.ok(held.length > 0);
}

describe('lazy trace fields', () => {
  for (const cell of CELL_KINDS) {
    it(`${cell}: the gates are the forward pass's own activations, also when computed again after the GC dropped them`, async () => {
      const spec = singleSpec(cell);
      const strong = forwardPassGates(spec);
      let trace: Trace | undefined = computeTrace(spec);
      const names = CELLS[cell].gates.map(gate => gate.name);
      assert.deepEqual(names, Object.keys(strong));
      for (const name of names) assert.ok(isLazyField(trace.forward, name), `${name} is lazy`);
      // every whole field is read inside checkGates (a synchronous frame), so this async frame
      // holds none of them across the collection
      checkGates(trace, spec, strong, 'first read');
      await collect();
      for (const [record, name] of lazyFieldsOf(trace)) assert.ok(!isLazyFieldCached(record, name), `${name} is still cached once nobody holds it`);
      checkGates(trace, spec, strong, 'after the GC dropped them');
      // and a trace the GC may take whole: nothing else keeps it
      const weakTrace = new WeakRef(trace);
      trace = undefined;
      await collect();
      assert.equal(weakTrace.deref(), undefined, 'something keeps the trace alive');
    });
  }

  for (const cell of CELL_KINDS) {
    it(`${cell}: a row read alone equals the whole field's row bit for bit, and computes no whole field`, async () => {
      const spec = singleSpec(cell);
      const trace = computeTrace(spec);
      checkRows(trace, cell);
      await collect();
      checkRows(trace, cell);
      // the backward cursor's order, t = T..1: each path-product row starts from the one before
      const product = CELLS[cell].pathDecay?.product;
      if (product) {
        const fresh = computeTrace(spec);
        const rows = Array.from({ length: spec.T }, (_, k) => fieldRow(fresh, 'pathDecay', spec.T - k)!);
        assert.ok(!isLazyFieldCached(fresh.pathDecay!, product), 'reading rows computed the whole product');
        const whole = (fresh.pathDecay as unknown as Record<string, Float64Array>)[product];
        const H = spec.hiddenSize;
        rows.forEach((row, k) => assertSameBits(row, whole.subarray((spec.T - 1 - k) * H, (spec.T - k) * H), `${product} row ${spec.T - k}, read backward`));
      }
    });
  }

  it('stacks: every layer view\'s gates are lazy, equal to the stack\'s forward pass, and read by rows alone', async () => {
    const stacks = stackTraces();
    assert.equal(stacks.length, 4, 'a golden stack case is missing');
    for (const { name, trace } of stacks) {
      assert.ok(layerCount(trace) >= 4, `${name}: expected two bidirectional layers`);
      const { spec } = parseSpec(caseSpecText(loadGoldenCases().find(c => c.name === name)!)!);
      // the stack engine's own records keep the gates it computed strongly (time order)
      const strong = computeStackTrace({ ...spec!.stack!, framework: undefined }).stack;
      for (let k = 0; k < layerCount(trace); k++) {
        const view = layerView(trace, k);
        for (const gate of CELLS[view.cell].gates) {
          assert.ok(isLazyField(view.forward, gate.name), `${name} view ${k}: ${gate.name} is lazy`);
        }
        checkRows(view, `${name} view ${k}`);
        checkStackGates(view, strong[k].forward, `${name} view ${k}`);
      }
      await collect();
      for (let k = 0; k < layerCount(trace); k++) {
        const view = layerView(trace, k);
        checkRows(view, `${name} view ${k}, after a collection`);
        checkStackGates(view, strong[k].forward, `${name} view ${k}, computed again`);
      }
    }
  });

  it('stacks: packTrace leaves every layer view\'s lazy gates out; unpackTrace re-attaches them, layer 0 still the top level\'s record', () => {
    for (const { name, trace } of stackTraces()) {
      const sentJson = JSON.stringify(traceToJson(computeTrace(parseSpec(caseSpecText(loadGoldenCases().find(c => c.name === name)!)!).spec!)));
      const { plain, buffers } = packTrace(trace);
      for (let k = 0; k < layerCount(trace); k++) {
        for (const gate of CELLS[trace.cell].gates) {
          assert.ok(isLazyField(layerView(trace, k).forward, gate.name) && !isLazyFieldCached(layerView(trace, k).forward, gate.name), `${name} view ${k}: ${gate.name} was forced by packTrace`);
          assert.ok(!(gate.name in plain.trace.stack!.layers[k].trace.forward), `${name} view ${k}: ${gate.name} was packed`);
        }
      }
      const received = unpackTrace(structuredClone(plain, { transfer: buffers }));
      assert.equal(received.forward, received.stack!.layers[0].trace.forward, `${name}: layer 0's forward record is no longer the top level's`);
      for (let k = 0; k < layerCount(received); k++) {
        for (const gate of CELLS[received.cell].gates) assert.ok(isLazyField(layerView(received, k).forward, gate.name), `${name} view ${k}: ${gate.name} arrived stored`);
      }
      assert.equal(JSON.stringify(traceToJson(received)), sentJson, `${name}: the trace changed on the way`);
    }
  });

  it('trace JSON does not depend on what was read, cached or dropped before (examples, golden specs, stacks)', async () => {
    const dirs = ['examples', 'test/fixtures/golden'];
    const specs: { name: string; spec: Spec }[] = [];
    for (const dir of dirs) {
      for (const file of readdirSync(dir).filter(f => f.endsWith('.lstm.json')).sort()) {
        const { spec } = parseSpec(readFileSync(path.join(dir, file), 'utf8'));
        if (spec) specs.push({ name: `${dir}/${file}`, spec });
      }
    }
    assert.ok(specs.length >= 20, `only ${specs.length} specs`);
    for (const { name } of stackTraces()) specs.push({ name, spec: parseSpec(caseSpecText(loadGoldenCases().find(c => c.name === name)!)!).spec! });
    const fresh = specs.map(({ spec }) => JSON.stringify(traceToJson(computeTrace(spec))));
    // rows first (computed alone), then every whole field held, dropped by a collection, JSON last
    const traces = specs.map(({ spec }) => computeTrace(spec));
    readEverything(traces);
    await collect();
    traces.forEach((trace, k) => assert.equal(JSON.stringify(traceToJson(trace)), fresh[k], `${specs[k].name}: the JSON changed`));
  });

  for (const cell of ['lstm', 'gru'] as CellKind[]) {
    it(`${cell}: the Step path (step payload, tree rows, unit equations, debugger values) computes no whole lazy field`, () => {
      const spec = singleSpec(cell);
      const trace = computeTrace(spec);
      const lazy = lazyFieldsOf(trace);
      assert.ok(lazy.length > 0);
      const view = normalizeView({ units: [0, 1, 2], equationUnit: 1 }, trace.hiddenSize, []);
      const keys = [...FORWARD_FIELDS[cell].map(f => f.key), ...backwardFields(cell).map(f => f.key)];
      for (const phase of ['forward', 'backward'] as const) {
        for (let t = 1; t <= trace.T; t++) {
          buildStepDetail(trace, { phase, t }, view, undefined, { params: spec.params });
          for (const key of keys) {
            fieldRow(trace, key, t);
            for (let j = 0; j < trace.hiddenSize; j++) unitEquation(trace, key, t, j, 4);
          }
        }
      }
      for (let index = 0; index <= lastIndex(trace.T); index++) environmentAt({ trace, params: spec.params }, { index }, valuesAt({ trace, params: spec.params }, { index }));
      for (const [record, name] of lazy) assert.ok(!isLazyFieldCached(record, name), `the Step path computed the whole ${name}`);
    });
  }

  it('fieldRange: a lazy row is a copy (never a view of the whole field), a stored one a view; absent fields are undefined', () => {
    const trace = computeTrace(singleSpec('lstm'));
    const H = trace.hiddenSize;
    const whole = trace.forward.f;
    const row = fieldRange(trace.forward, 'f', H, 2 * H)!;
    assert.notEqual(row.buffer, whole.buffer, 'the row keeps the whole field alive');
    row[0] = 42;
    assertSameBits(fieldRange(trace.forward, 'f', H, 2 * H), whole.subarray(H, 2 * H), 'a row after a caller wrote into its copy');
    assert.equal(fieldRange(trace.forward, 'c', H, 2 * H)!.buffer, trace.forward.c.buffer);
    assert.equal(fieldRange(trace.forward, 'nothing', 0, H), undefined);
    assert.equal(fieldValue(trace.backward.perStep, 'f', 0), undefined);
    assert.equal(fieldRange(undefined, 'f', 0, H), undefined);
  });
});

/**
 * Every row and entry of every field of a view, read alone (the tree's fieldRow, the equations'
 * stepValues, fieldValue), against the whole field read afterwards; the lazy ones must not have
 * been computed whole by the row reads.
 */
function checkRows(view: Trace, what: string): void {
  const { T, hiddenSize: H } = view;
  // the fields not cached before (a collection may leave one cached: the check is for them)
  const lazy = lazyFieldsOf(view).filter(([record, name]) => !isLazyFieldCached(record, name));
  const keys = [...new Set([...CELLS[view.cell].forward, ...FORWARD_FIELDS[view.cell].map(f => f.key), ...backwardFields(view.cell).map(f => f.key), ...Object.keys(view.backward.perStep)])];
  const rows = new Map<string, Float64Array[]>();
  const values = new Map<string, number[]>();
  for (const key of keys) {
    rows.set(key, Array.from({ length: T }, (_, t) => fieldRow(view, key, t + 1)!));
    if (key !== 'pathDecay' && key !== 'dL_dx') {
      const entries: number[] = [];
      for (let t = 1; t <= T; t++) for (let j = 0; j < H; j++) entries.push(stepValues(view, t, j)(key));
      values.set(key, entries);
    }
  }
  const productName = CELLS[view.cell].pathDecay?.product;
  const productValues: number[] = [];
  if (productName && view.pathDecay) for (let k = 0; k < T * H; k++) productValues.push(fieldValue(view.pathDecay, productName, k)!);
  for (const [record, name] of lazy) assert.ok(!isLazyFieldCached(record, name), `${what}: reading rows computed the whole ${name}`);
  for (const key of keys) {
    const whole = key === 'pathDecay'
      ? (view.pathDecay as unknown as Record<string, Float64Array>)[productName!]
      : view.forward[key] ?? view.backward.perStep[key];
    assert.ok(whole, `${what}: ${key} is missing`);
    rows.get(key)!.forEach((row, t) => assertSameBits(row, whole.subarray(t * H, Math.min(whole.length, (t + 1) * H)), `${what}: ${key} row ${t + 1}`));
    if (values.has(key)) assertSameBits(values.get(key)!, whole, `${what}: ${key} by stepValues`);
  }
  if (productName && view.pathDecay) assertSameBits(productValues, (view.pathDecay as unknown as Record<string, Float64Array>)[productName], `${what}: ${productName} by fieldValue`);
  // with the whole fields cached now, rows come from them: the same numbers again
  for (const key of keys) {
    const row = fieldRow(view, key, T);
    if (row) assertSameBits(row, rows.get(key)![T - 1], `${what}: ${key} row ${T} from the cached field`);
  }
}
