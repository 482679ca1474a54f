// The cell table (src/engine/cells.ts) against what the engine actually computes and against
// independent listings: every cell's forward and backward field names are exactly the trace's
// (in JSON order), the lazy fields are exactly the table's gates and equal the textbook σ / tanh
// of their pre-activations (naive functions written here), parameter shapes agree with the
// test helper's own listing and with the gradients' sizes, the FLOP count is 6 per weight-matrix
// entry per step (forward, dW and dz: one multiply-add each), the PyTorch mapping agrees with the
// hover's entry roles, and every consumer's view of a cell follows the table.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CELLS } from '../../src/engine/cells';
import { computeTrace, parameterCount, traceToJson, type CellKind } from '../../src/engine';
import { CELL_KINDS } from '../../src/engine/types';
import { mapPyTorch, PYTORCH_NAMES, pytorchParameterShapes, textbookParameterShapes } from '../../src/engine/spec';
import { initWeights } from '../../src/engine/init';
import * as os from 'node:os';
import { benchFlops, run } from '../../src/cli';
import { paramEntryRole } from '../../src/views/paramRoles';
import { parameterShapes, randomSpec, seededRandom } from './helpers/referenceCells';

const naiveSigmoid = (a: number): number => 1 / (1 + Math.exp(-a));

/** The trace format's field lists (docs/trace-format.md), written out here, not read from the table. */
const DOCUMENTED_FORWARD: Record<CellKind, string[]> = {
  lstm: ['a_f', 'a_i', 'a_g', 'a_o', 'f', 'i', 'g', 'o', 'c', 'h'],
  lstm_peephole: ['a_f', 'a_i', 'a_g', 'a_o', 'f', 'i', 'g', 'o', 'c', 'h'],
  gru: ['a_r', 'a_z', 'hn', 'a_n', 'r', 'z', 'n', 'h'],
  rnn: ['a', 'h'],
};
const DOCUMENTED_BACKWARD: Record<CellKind, string[]> = {
  lstm: ['dL_dh', 'dL_dc', 'dL_da_f', 'dL_da_i', 'dL_da_g', 'dL_da_o', 'dL_dx'],
  lstm_peephole: ['dL_dh', 'dL_dc', 'dL_da_f', 'dL_da_i', 'dL_da_g', 'dL_da_o', 'dL_dx'],
  gru: ['dL_dh', 'dL_da_r', 'dL_da_z', 'dL_da_n', 'dL_dhn', 'dL_dx'],
  rnn: ['dL_dh', 'dL_da', 'dL_dx'],
};
/** The textbook gates (lazy fields) and which of them are tanh (the candidates). */
const DOCUMENTED_GATES: Record<CellKind, string[]> = { lstm: ['f', 'i', 'g', 'o'], lstm_peephole: ['f', 'i', 'g', 'o'], gru: ['r', 'z', 'n'], rnn: [] };
const TANH_FIELDS = new Set(['g', 'n']);
const isAccessor = (record: object, name: string) => typeof Object.getOwnPropertyDescriptor(record, name)?.get === 'function';

describe('cell table', () => {
  it('lists every cell kind, under its own name', () => {
    assert.deepEqual(Object.keys(CELLS), [...CELL_KINDS]);
    for (const kind of CELL_KINDS) assert.equal(CELLS[kind].kind, kind);
  });

  it('the CLI bench divides by the cell\'s own FLOPs: 3·2·3H(H+I)·T for gru, not the lstm\'s 4 blocks', () => {
    const H = 48, I = 16, T = 100;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lstm-cells-'));
    try {
      const file = path.join(dir, 'gru.lstm.json');
      fs.writeFileSync(file, JSON.stringify({ cell: 'gru', inputSize: I, hiddenSize: H, init: { seed: 1 }, inputs: Array.from({ length: T }, () => new Array(I).fill(0.1)) }));
      const out: string[] = [];
      assert.equal(run(['bench', file, '--runs', '3'], line => out.push(line), line => assert.fail(line)), 0);
      const { gflops, medianMs } = JSON.parse(out[0]) as { gflops: number; medianMs: number };
      const counted = gflops * medianMs * 1e6; // the FLOPs the figure was divided by (both rounded)
      const gru = 3 * 2 * 3 * H * (H + I) * T;
      assert.ok(Math.abs(counted / gru - 1) < 0.02, `counted ${counted}, gru ${gru}, lstm ${(4 / 3) * gru}`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the spec JSON Schema (a static file for the editor) offers exactly the table\'s cells and their weight names', () => {
    interface Names { enum?: string[]; anyOf?: { enum?: string[]; pattern?: string }[] }
    interface Branch { if?: { properties?: { cell?: { const?: string } }; anyOf?: { properties?: { cell?: { const?: string } } }[] }; then?: { properties?: { weights?: { propertyNames?: Names } } } }
    const schema = JSON.parse(fs.readFileSync(path.join(__dirname, '../../schemas/lstm-spec.schema.json'), 'utf8')) as { properties: { cell: { enum: string[] } }; allOf: Branch[] };
    assert.deepEqual(schema.properties.cell.enum, [...CELL_KINDS]);
    for (const kind of CELL_KINDS) {
      const branch = schema.allOf.find(b => b.if?.properties?.cell?.const === kind || b.if?.anyOf?.some(a => a.properties?.cell?.const === kind));
      // cells with a PyTorch layout also accept the stack names (weight_ih_l1_reverse, …) by pattern
      const propertyNames = branch?.then?.properties?.weights?.propertyNames;
      const names = propertyNames?.enum ?? propertyNames?.anyOf?.[0].enum;
      if (CELLS[kind].pytorch) assert.equal(propertyNames?.anyOf?.[1].pattern, '^(weight|bias)_(ih|hh)_l[0-9]+(_reverse)?$', kind);
      const expected = [...CELLS[kind].parameters.map(p => p.name), ...(CELLS[kind].pytorch ? PYTORCH_NAMES : [])];
      assert.deepEqual(names, expected, kind);
    }
  });

  for (const kind of CELL_KINDS) {
    describe(kind, () => {
      const cell = CELLS[kind];
      const H = 3, I = 2, T = 4;
      const spec = randomSpec(kind, H, I, T, 'mse', 5);
      const trace = computeTrace(spec);

      it('forward and per-step backward fields are the documented ones and the trace\'s, in JSON order', () => {
        assert.deepEqual([...cell.forward], DOCUMENTED_FORWARD[kind]);
        assert.deepEqual([...cell.backwardStep], DOCUMENTED_BACKWARD[kind]);
        assert.deepEqual(Object.keys(trace.forward), [...cell.forward]);
        assert.deepEqual(Object.keys(trace.backward.perStep), [...cell.backwardStep]);
        const json = traceToJson(trace) as { forward: object; backward: object };
        assert.deepEqual(Object.keys(json.forward), [...cell.forward]);
        assert.deepEqual(Object.keys(json.backward).slice(0, cell.backwardStep.length), [...cell.backwardStep]);
        for (const field of [...cell.forward, ...cell.backwardStep]) {
          const width = field === 'dL_dx' ? I : H;
          const values = trace.forward[field] ?? trace.backward.perStep[field];
          assert.equal(values.length, T * width, field);
        }
      });

      it('the lazy forward fields are exactly the gates, and equal σ / tanh of their pre-activations', () => {
        const fresh = computeTrace(spec);
        const lazy = cell.forward.filter(name => isAccessor(fresh.forward, name));
        assert.deepEqual(lazy, DOCUMENTED_GATES[kind]);
        assert.deepEqual(cell.gates.map(g => g.name), DOCUMENTED_GATES[kind]);
        for (const name of DOCUMENTED_GATES[kind]) {
          const activation = TANH_FIELDS.has(name) ? Math.tanh : naiveSigmoid;
          const preact = fresh.forward[`a_${name}`];
          fresh.forward[name].forEach((value, k) => assert.ok(Math.abs(value - activation(preact[k])) < 1e-15, `${name}[${k}]`));
        }
        for (const state of cell.states.filter(s => s.activationOf)) {
          const preact = fresh.forward[state.activationOf!.preact];
          fresh.forward[state.name].forEach((value, k) => assert.ok(Math.abs(value - Math.tanh(preact[k])) < 1e-15));
        }
      });

      it('parameters: names and sizes agree with the helper\'s own listing, the gradients and parameterCount', () => {
        const independent = parameterShapes(kind, H, I);
        const fromTable = Object.fromEntries(cell.parameters.map(p => [p.name, p.shape(H, I).reduce((a, b) => a * b, 1)]));
        assert.deepEqual(fromTable, independent);
        assert.equal(parameterCount(kind, H, I), Object.values(independent).reduce((a, b) => a + b, 0));
        const { dL_dW, dL_db, dL_dp } = trace.backward;
        const groups: Record<string, Record<string, Float64Array> | undefined> = { dL_dW, dL_db, dL_dp };
        for (const parameter of cell.parameters) {
          assert.equal(groups[parameter.group]?.[parameter.name]?.length, independent[parameter.name], `${parameter.group}.${parameter.name}`);
        }
        const groupedNames = [...Object.keys(dL_dW), ...Object.keys(dL_db), ...Object.keys(dL_dp ?? {})];
        assert.deepEqual(new Set(groupedNames), new Set(Object.keys(independent)));
        assert.deepEqual(Object.keys(textbookParameterShapes(kind, H, I)), Object.keys(independent));
        assert.deepEqual(Object.keys(initWeights(kind, H, I, { seed: 1, scale: 0.1, forgetBias: 0 })).sort(), Object.keys(independent).sort());
      });

      it('bench FLOPs: 6 per weight-matrix entry per step (lstm: the contract 3·2·4H(H+I)·T)', () => {
        const matrixEntries = cell.parameters.filter(p => p.group === 'dL_dW').reduce((sum, p) => sum + independentSize(kind, p.name, H, I), 0);
        assert.equal(benchFlops(spec), 6 * matrixEntries * T);
        if (kind === 'lstm' || kind === 'lstm_peephole') assert.equal(benchFlops(spec), 3 * 2 * 4 * H * (H + I) * T);
      });

      it('the path decay is the product of the table\'s gate, and absent without one', () => {
        if (!cell.pathDecay) {
          assert.equal(trace.pathDecay, undefined);
          return;
        }
        assert.equal(trace.pathDecay?.kind, cell.pathDecay.kind);
        const product = (trace.pathDecay as unknown as Record<string, Float64Array>)[cell.pathDecay.product];
        const gate = trace.forward[cell.pathDecay.gate];
        for (let k = 0; k < H; k++) {
          let expected = 1;
          for (let t = T; t >= 1; t--) {
            assert.ok(Math.abs(product[(t - 1) * H + k] - expected) < 1e-15, `t=${t}`);
            expected *= gate[(t - 1) * H + k];
          }
        }
      });

      it('c0 and dL_dc0 exactly when the table says the cell has a cell state', () => {
        assert.equal(trace.backward.dL_dc0 !== undefined, cell.hasCellState);
        assert.equal('dL_dc0' in (traceToJson(trace) as { backward: object }).backward, cell.hasCellState);
      });

      if (cell.pytorch) {
        it('PyTorch names: every tensor entry lands where the hover\'s entry role says', () => {
          const shapes = pytorchParameterShapes(kind, H, I)!;
          const rand = seededRandom(3);
          const tensors: Record<string, Float64Array> = {};
          for (const [name, shape] of Object.entries(shapes)) {
            tensors[name] = Float64Array.from({ length: shape.kind === 'matrix' ? shape.rows * shape.cols : shape.length }, () => rand());
          }
          const mapped = mapPyTorch(kind, H, I, tensors);
          for (const [name, shape] of Object.entries(shapes)) {
            const rows = shape.kind === 'matrix' ? shape.rows : shape.length;
            const cols = shape.kind === 'matrix' ? shape.cols : 1;
            for (let r = 0; r < rows; r++) {
              for (let c = 0; c < cols; c++) {
                const role = paramEntryRole(kind, H, I, name, r, shape.kind === 'matrix' ? c : undefined);
                assert.ok(role && role.index !== undefined, `${name}[${r}][${c}]`);
                const value = tensors[name][r * cols + c];
                const landed = mapped[role.param][role.index];
                // a textbook bias that both PyTorch biases add into holds their sum
                const other = role.note ? tensors[name.replace(/_(ih|hh)_/, (_m, side: string) => (side === 'ih' ? '_hh_' : '_ih_'))][r] : 0;
                assert.ok(Math.abs(landed - (value + other)) < 1e-15, `${name}[${r}][${c}] -> ${role.param}[${role.index}]`);
              }
            }
          }
        });
      }
    });
  }
});

/** Entries of a textbook matrix, from the helper's listing (independent of the table). */
function independentSize(kind: CellKind, name: string, H: number, I: number): number {
  return parameterShapes(kind, H, I)[name];
}
