// packTrace / unpackTrace: a trace crosses a thread boundary (structured clone with a transfer
// list, as worker_threads does) without its lazy gate fields being forced on the sending side,
// and arrives with every field equal to the trace computed on this thread, lazy fields included.
import * as assert from 'node:assert/strict';
import { computeTrace, sigmoid, tanh, traceToJson, type CellKind } from '../../src/engine';
import { packTrace, unpackTrace } from '../../src/engine/traceTransfer';
import { randomSpec } from './helpers/referenceCells';

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
      // the gates from the definitions σ / tanh of the pre-activations, independently of the kernels
      for (const gate of lazyGates[cell]) {
        const preact = received.forward[`a_${gate}`];
        const activation = gate === 'g' || gate === 'n' ? tanh : sigmoid;
        received.forward[gate].forEach((value, k) => assert.ok(Math.abs(value - activation(preact[k])) <= 1e-15, `${gate}[${k}]`));
      }
      assert.deepEqual(Object.keys(received.forward), Object.keys(computeTrace(spec).forward), 'field order');
      assert.deepEqual(traceToJson(received), traceToJson(computeTrace(spec)));
    });
  }
});
