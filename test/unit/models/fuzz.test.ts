// Deterministic fuzzing of every reader: a few hundred truncated and mutated copies of a real
// fixture per reader (seeded xorshift PRNG, so a failure reproduces), each read, searched for
// modules and mapped. The only acceptable failure is a ModelFileError. No timing assertion: every
// reader of ours advances its position on each step, so the loops end by construction; jsfive
// (HDF5) is a library, and this test is what shows it ends on corrupt input too.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findModules, ModelFileError, ModelFormat, readCsvMatrix, readModelFile, toPyTorchLayout } from '../../../src/models';
import { readPyTorch } from '../../../src/models/pytorch';
import { readSafetensors } from '../../../src/models/safetensors';
import { readNpy, readNpz } from '../../../src/models/numpy';
import { readOnnx } from '../../../src/models/onnx';

const DIR = path.join(__dirname, '..', '..', 'fixtures', 'models');

function xorshift(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13; state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5; state >>>= 0;
    return state / 2 ** 32;
  };
}

/** One mutant: truncation, random byte flips, or a forged 32-bit value (a size or length) at some offset. */
function mutate(original: Uint8Array, random: () => number): Uint8Array {
  const pick = (n: number): number => Math.floor(random() * n);
  const kind = pick(4);
  if (kind === 0) return original.slice(0, pick(original.length));
  const bytes = original.slice();
  if (kind === 1) {
    for (let k = 1 + pick(8); k > 0; k--) bytes[pick(bytes.length)] = pick(256);
  } else {
    const at = pick(Math.max(1, bytes.length - 4));
    const forged = [0xffffffff, 0x7fffffff, 0x10000000, 0, 1, pick(2 ** 32)][pick(6)];
    new DataView(bytes.buffer).setUint32(at, forged, random() < 0.5);
    if (kind === 3) bytes[pick(bytes.length)] ^= 1 << pick(8);
  }
  return bytes;
}

// Our own readers are called directly: any error other than ModelFileError is a bug there.
// Keras goes through readModelFile, which also wraps what jsfive throws (it throws strings).
const CASES: { fixture: string; read: (bytes: Uint8Array, name: string) => ReturnType<typeof readModelFile>; format?: ModelFormat }[] = [
  { fixture: 'lstm2bi_float32.pt', read: readPyTorch },
  { fixture: 'views_float32.pt', read: readPyTorch },
  { fixture: 'lstm2bi_bfloat16.safetensors', read: readSafetensors },
  { fixture: 'lstm2bi_float64.npz', read: readNpz },
  { fixture: 'inputs_fortran.npy', read: readNpy },
  { fixture: 'onnx_lstm2bi.onnx', read: readOnnx },
  { fixture: 'onnx_lstm2bi_float_data.onnx', read: readOnnx },
  { fixture: 'keras_gru.h5', read: (b, n) => readModelFile(b, n, 'keras') },
  { fixture: 'keras_lstm.keras', read: (b, n) => readModelFile(b, n, 'keras') },
  { fixture: 'keras_names_gru.npz', read: readNpz },
  { fixture: 'inputs.csv', read: (b, n) => ({ format: 'npy', tensors: [readCsvMatrix(new TextDecoder().decode(b), n)], nodes: [], attributes: {} }) },
];

const MUTANTS = 300;

describe('model files: fuzzing (deterministic)', () => {
  CASES.forEach(({ fixture, read }, caseIndex) => {
    it(`${fixture}: ${MUTANTS} mutants end in a result or a ModelFileError`, () => {
      const original = new Uint8Array(fs.readFileSync(path.join(DIR, fixture)));
      const random = xorshift(0x9e3779b9 + caseIndex);
      let refused = 0;
      for (let k = 0; k < MUTANTS; k++) {
        const bytes = mutate(original, random);
        try {
          const file = read(bytes, fixture);
          for (const m of findModules(file, fixture).modules) toPyTorchLayout(file, m, fixture);
          // whatever was read fits in what the file holds
          const elements = file.tensors.reduce((n, t) => n + t.data.length, 0);
          assert.ok(elements <= bytes.length, `mutant ${k}: ${elements} elements from ${bytes.length} bytes`);
        } catch (error) {
          if (!(error instanceof ModelFileError)) assert.fail(`mutant ${k} of ${fixture}: ${error instanceof Error ? error.stack : String(error)}`);
          assert.ok(error.message.startsWith(`${fixture}: `), error.message);
          refused++;
        }
      }
      assert.ok(refused > MUTANTS / 10, `only ${refused} mutants refused: the mutations do not reach the reader`);
    });
  });
});
