// packTrace / unpackTrace: a trace crosses a thread boundary (structured clone with a transfer
// list, as worker_threads does) without its lazy gate fields being forced on the sending side,
// and arrives with every field equal to the trace computed on this thread, lazy fields included.
import * as assert from 'node:assert/strict';
import { computeTrace, traceToJson, type CellKind } from '../../src/engine';
import { packTrace, unpackTrace } from '../../src/engine/traceTransfer';
import { randomSpec, referenceRun, referenceSigmoid } from './helpers/referenceCells';

const isAccessor = (record: object, name: string) => typeof Object.getOwnPropertyDescriptor(record, name)?.get === 'function';

describe('traceTransfer', () => {
  const lazyGates: Record<CellKind, string[]> = { lstm: ['f', 'i', 'g', 'o'], lstm_peephole: ['f', 'i', 'g', 'o'], gru: ['r', 'z', 'n'], rnn: [] };

  for (const cell of ['lstm', 'lstm_peephole', 'gru', 'rnn'] as CellKind[]) {
    it(`${cell}: packs without forcing lazy fields and round-trips through a transferring structured clone`, () => {
      const spec = randomSpec(cell, 3, 2, 5, 'mse', 7);
      const sent = computeTrace(spec);
      const { plain, buffers } = packTrace(sent);
      for (const gate of lazyGates[cell]) {
        assert.ok(isAccessor(sent.forward, gate), `${gate} was forced by packTrace`);
        assert.ok(!(gate in plain.trace.forward), `${gate} is in the packed trace`);
      }
      assert.deepEqual(new Set(plain.lazyForward), new Set(lazyGates[cell]));
      assert.equal(new Set(buffers).size, buffers.length, 'a buffer is listed twice');

      const received = unpackTrace(structuredClone(plain, { transfer: buffers }));
      assert.equal(buffers[0].byteLength, 0, 'the buffers were transferred, not copied');
      for (const gate of lazyGates[cell]) assert.ok(isAccessor(received.forward, gate), `${gate} is not lazy after unpacking`);
      if (received.pathDecay) {
        const product = received.pathDecay.kind === 'cellPathDecay' ? 'forgetProduct' : 'zProduct';
        assert.ok(isAccessor(received.pathDecay, product), `${product} is not lazy after unpacking`);
      }
      // the gates from the definitions σ(a) = 1 / (1 + e^-a) and Math.tanh of the received
      // pre-activations, written here, independently of the engine's kernels
      for (const gate of lazyGates[cell]) {
        const preact = received.forward[`a_${gate}`];
        const activation = gate === 'g' || gate === 'n' ? Math.tanh : referenceSigmoid;
        received.forward[gate].forEach((value, k) => assert.ok(Math.abs(value - activation(preact[k])) <= 2e-16, `${gate}[${k}]: ${value} vs ${activation(preact[k])}`));
      }
      // and every forward field against the independent naive reference cell
      const reference = referenceRun(spec).steps;
      for (const [field, rows] of Object.entries(reference)) {
        rows.flat().forEach((value, k) => assert.ok(Math.abs(received.forward[field][k] - value) <= 1e-12, `${field}[${k}]: ${received.forward[field][k]} vs ${value}`));
      }
      // the path product from the reference gates, computed here
      if (received.pathDecay) {
        const product = received.pathDecay.kind === 'cellPathDecay' ? received.pathDecay.forgetProduct : received.pathDecay.zProduct;
        const gates = reference[cell === 'gru' ? 'z' : 'f'];
        for (let t = 1; t <= spec.T; t++) {
          for (let j = 0; j < spec.hiddenSize; j++) {
            let expected = 1;
            for (let s = t + 1; s <= spec.T; s++) expected *= gates[s - 1][j];
            assert.ok(Math.abs(product[(t - 1) * spec.hiddenSize + j] - expected) <= 1e-14, `product row ${t}[${j}]`);
          }
        }
      }
      assert.deepEqual(Object.keys(received.forward), Object.keys(computeTrace(spec).forward), 'field order');
      // and everything else equals a trace computed on this thread (its lazy fields forced here)
      assert.deepEqual(traceToJson(received), traceToJson(computeTrace(spec)));
    });
  }
});
