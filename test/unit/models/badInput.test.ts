// Bad model files, made here byte by byte: each must end in a ModelFileError that names the file
// and the key, tensor or byte offset, before anything larger than the file is allocated (a forged
// size must be refused by a check, not by a RangeError from `new Float64Array`).

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { zipSync } from 'fflate';
import { detectFormat, findModules, ModelFileError, readCsvMatrix, readInputsFile, readModelFile, selectModule } from '../../../src/models';
import { readNpyArray } from '../../../src/models/numpy';
import { readPyTorch } from '../../../src/models/pytorch';
import { readSafetensors } from '../../../src/models/safetensors';
import { readOnnx } from '../../../src/models/onnx';

const DIR = path.join(__dirname, '..', '..', 'fixtures', 'models');
const fixture = (name: string): Uint8Array => new Uint8Array(fs.readFileSync(path.join(DIR, name)));
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

function refuses(run: () => unknown, pattern: RegExp): void {
  assert.throws(run, (error: unknown) => {
    if (!(error instanceof ModelFileError)) assert.fail(`not a ModelFileError: ${String(error)}`);
    if (!pattern.test(error.message)) assert.fail(`message ${JSON.stringify(error.message)} does not match ${pattern}`);
    return true;
  });
}

/** A safetensors file: u64 header length, the header text, then `data`. */
function safetensors(header: string, data = new Uint8Array(0), length = header.length): Uint8Array {
  const out = new Uint8Array(8 + header.length + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, length % 2 ** 32, true);
  view.setUint32(4, Math.floor(length / 2 ** 32), true);
  out.set(utf8(header), 8);
  out.set(data, 8 + header.length);
  return out;
}

function npy(header: string, data = new Uint8Array(0)): Uint8Array {
  const h = utf8(header);
  const out = new Uint8Array(10 + h.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, h.length, true);
  out.set(h, 10);
  out.set(data, 10 + h.length);
  return out;
}

/** A pickle protocol 2 body with the given opcodes, wrapped as a torch zip. */
function torchZip(pickle: number[], storages: Record<string, Uint8Array> = {}): Uint8Array {
  const files: Record<string, Uint8Array> = { 'archive/data.pkl': new Uint8Array(pickle), 'archive/version': utf8('3\n') };
  for (const [k, v] of Object.entries(storages)) files[`archive/data/${k}`] = v;
  return zipSync(files, { level: 0 });
}
const ascii = (s: string): number[] => Array.from(utf8(s));

describe('model files: bad input', () => {
  it('safetensors: a header length of 2^60 is refused at byte 0, nothing allocated', () => {
    refuses(() => readSafetensors(safetensors('{}', undefined, 2 ** 60), 'big.safetensors'), /^big\.safetensors: byte 0: header length 1152921504606847000 is past the end/);
  });
  it('safetensors: a header that is not JSON is refused at byte 8', () => {
    refuses(() => readSafetensors(safetensors('{"a": nope}'), 'h.safetensors'), /^h\.safetensors: byte 8: the header is not JSON/);
  });
  it('safetensors: offsets past the end, shapes that disagree with the data, unknown dtypes name the tensor', () => {
    const data = new Uint8Array(16);
    refuses(() => readSafetensors(safetensors('{"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,32]}}', data), 's'), /^s: w: data_offsets \[0, 32\] are past the end/);
    refuses(() => readSafetensors(safetensors('{"w":{"dtype":"F32","shape":[3,2],"data_offsets":[0,16]}}', data), 's'), /^s: w: shape \[3,2\] needs 24 bytes of F32, data_offsets give 16/);
    refuses(() => readSafetensors(safetensors('{"w":{"dtype":"F8_E4M3","shape":[2],"data_offsets":[0,2]}}', data), 's'), /^s: w: unknown dtype "F8_E4M3"/);
    refuses(() => readSafetensors(safetensors('{"w":{"dtype":"F64","shape":[1099511627776],"data_offsets":[0,16]}}', data), 's'), /^s: w: shape \[1099511627776\] needs 8796093022208 bytes/);
    refuses(() => readSafetensors(safetensors('{"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}', data), 's'), /^s: w: shape \[-1\] is not a list of non-negative integers/);
  });
  it('safetensors: truncated below the 8-byte length', () => {
    refuses(() => readSafetensors(new Uint8Array(5), 't.safetensors'), /^t\.safetensors: byte 0: truncated/);
  });

  it('npy: a shape far larger than the data is refused before allocating', () => {
    refuses(() => readNpyArray(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000000,), }"), 'x.npy'), /^x\.npy: byte \d+: shape \(1000000000000,\) of <f8 needs 8000000000000 bytes/);
  });
  it('npy: unknown dtype, a header with no shape, a header length past the end', () => {
    refuses(() => readNpyArray(npy("{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }"), 'x.npy'), /dtype <c16 is not supported/);
    refuses(() => readNpyArray(npy("{'descr': '<f8', 'fortran_order': False}"), 'x.npy'), /lacks descr, fortran_order or shape/);
    const b = npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }");
    refuses(() => readNpyArray(b.subarray(0, 20), 'x.npy'), /^x\.npy: byte 8: header length \d+ is past the end/);
  });
  it('npz members are named in errors', () => {
    const z = zipSync({ 'w.npy': npy("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", new Uint8Array(4)) });
    refuses(() => readModelFile(z, 'm.npz'), /^m\.npz: w\.npy byte \d+: shape \(3,\) of <f4 needs 12 bytes, the array holds 4/);
  });
  it('CSV inputs: a bad number and a short row give line and column', () => {
    refuses(() => readCsvMatrix('1, 2\n3, x\n', 'x.csv'), /^x\.csv: line 2 column 4: "x" is not a number/);
    refuses(() => readCsvMatrix('# header\n1,2\n3\n', 'x.csv'), /^x\.csv: line 3 column 1: 1 values, the first row has 2/);
    refuses(() => readCsvMatrix('\n# nothing\n', 'x.csv'), /no rows of numbers/);
    assert.deepEqual(readInputsFile(utf8('1 2\n3 4\n5 6'), 'x.csv').shape, [3, 2]);
  });
  it('inputs from .npy: (T, I) as stored, a 1-D array as (T, 1), anything else refused', () => {
    assert.deepEqual(readInputsFile(fixture('inputs_f8.npy'), 'x.npy').shape, [5, 3]);
    const oneD = npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", new Uint8Array(new Float64Array([0.5, -2]).buffer));
    const t = readInputsFile(oneD, 'x.npy');
    assert.deepEqual([t.shape, Array.from(t.data)], [[2, 1], [0.5, -2]]);
    const threeD = npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1, 1, 1), }", new Uint8Array(8));
    refuses(() => readInputsFile(threeD, 'x.npy'), /^x\.npy: shape: inputs must be a \(T, I\) matrix/);
  });

  it('pickle: a foreign global is refused with its module.name and the state_dict hint', () => {
    // GLOBAL 'builtins eval', then a string and REDUCE: eval must never be reached
    const p = [0x80, 2, 0x63, ...ascii('builtins\neval\n'), 0x58, 4, 0, 0, 0, ...ascii('1+1)'), 0x85, 0x52, 0x2e];
    refuses(() => readPyTorch(torchZip(p), 'e.pt'), /^e\.pt: archive\/data\.pkl byte 2: refused global builtins\.eval: .*save model\.state_dict\(\) instead/);
    // STACK_GLOBAL spelling of os.system
    const q = [0x80, 4, 0x8c, 2, ...ascii('os'), 0x8c, 6, ...ascii('system'), 0x93, 0x2e];
    refuses(() => readPyTorch(torchZip(q), 'e.pt'), /refused global os\.system/);
  });
  it('pickle: an unknown opcode, a truncated pickle, a missing STOP give the byte offset', () => {
    refuses(() => readPyTorch(torchZip([0x80, 2, 0x69]), 'p.pt'), /^p\.pt: archive\/data\.pkl byte 2: pickle opcode 0x69 is not one a state_dict uses/);
    refuses(() => readPyTorch(torchZip([0x80, 2, 0x58, 0xff, 0xff, 0, 0, 0x41]), 'p.pt'), /byte 7: pickle truncated: 65535 more bytes needed, 1 left/);
    refuses(() => readPyTorch(torchZip([0x80, 2, 0x7d]), 'p.pt'), /pickle truncated: no STOP opcode/);
    refuses(() => readPyTorch(torchZip([0x80, 2, 0x4e, 0x2e]), 'p.pt'), /does not hold a dict of tensors/);
  });
  it('pytorch: a tensor view that reaches past its storage names the tensor', () => {
    // {'w': _rebuild_tensor_v2(storage('0', FloatStorage, numel 2), offset 0, size (3,), stride (1,))}
    const p = [0x80, 2, 0x7d, 0x58, 1, 0, 0, 0, ...ascii('w'),
      0x63, ...ascii('torch._utils\n_rebuild_tensor_v2\n'), 0x28,
      0x28, 0x58, 7, 0, 0, 0, ...ascii('storage'), 0x63, ...ascii('torch\nFloatStorage\n'), 0x58, 1, 0, 0, 0, ...ascii('0'), 0x58, 3, 0, 0, 0, ...ascii('cpu'), 0x4b, 2, 0x74, 0x51,
      0x4b, 0, 0x4b, 3, 0x85, 0x4b, 1, 0x85, 0x89, 0x7d, 0x74, 0x52, 0x73, 0x2e];
    refuses(() => readPyTorch(torchZip(p, { 0: new Uint8Array(8) }), 'v.pt'), /^v\.pt: w: size \[3\], stride \[1\] and offset 0 reach element 2 of a 2-element storage/);
    refuses(() => readPyTorch(torchZip(p, { 0: new Uint8Array(4) }), 'v.pt'), /^v\.pt: w: storage archive\/data\/0 holds 4 bytes, 2 float32 elements need 8/);
    refuses(() => readPyTorch(torchZip(p), 'v.pt'), /^v\.pt: w: its storage archive\/data\/0 is missing/);
  });
  it('pytorch: truncated files and non-zip bytes', () => {
    const good = fixture('rnn_float32.pt');
    refuses(() => readPyTorch(good.subarray(0, good.length - 30), 'r.pt'), /^r\.pt: /);
    refuses(() => readPyTorch(utf8('hello world'), 'r.pt'), /^r\.pt: byte 0: not a PyTorch zip file/);
  });

  it('onnx: no recurrent node, truncated protobuf, a length past its message', () => {
    refuses(() => readOnnx(fixture('onnx_no_rnn.onnx'), 'n.onnx'), /^n\.onnx: graph: the ONNX graph has no LSTM, GRU or RNN node/);
    const good = fixture('onnx_gru.onnx');
    refuses(() => readOnnx(good.subarray(0, 100), 'g.onnx'), /^g\.onnx: byte \d+: /);
    refuses(() => readOnnx(new Uint8Array([0x3a, 0xff, 0xff, 0xff, 0x0f]), 'g.onnx'), /^g\.onnx: byte 1: field 7 declares 33554431 bytes, 0 are left/);
  });
  it('keras: truncated HDF5, a zip without weights', () => {
    const good = fixture('keras_lstm.h5');
    refuses(() => readModelFile(good.subarray(0, 900), 'k.h5'), /^k\.h5: /);
    refuses(() => readModelFile(zipSync({ 'config.json': utf8('{}') }), 'k.keras'), /^k\.keras: model\.weights\.h5: .*without weights/);
    refuses(() => readModelFile(zipSync({ 'config.json': utf8('{no') , 'model.weights.h5': new Uint8Array(0) }), 'k.keras'), /^k\.keras: config\.json: not JSON/);
  });

  it('format detection: magic bytes over a misleading extension, and unknown bytes', () => {
    assert.equal(detectFormat(fixture('lstm2bi_float32.safetensors'), 'weights.bin'), 'pytorch'); // .bin is PyTorch's
    assert.equal(detectFormat(fixture('lstm2bi_float32.safetensors'), 'weights'), 'safetensors');
    assert.equal(detectFormat(fixture('keras_lstm.h5'), 'model.pt'), 'keras');
    assert.equal(detectFormat(fixture('lstm2bi_float32.npz'), 'model.zip'), 'npz');
    assert.equal(detectFormat(fixture('keras_gru.keras'), 'model.zip'), 'keras');
    assert.equal(detectFormat(fixture('gru_float32.pt'), 'model.zip'), 'pytorch');
    refuses(() => detectFormat(utf8('just text'), 'notes.txt'), /^notes\.txt: byte 0: unknown model format/);
  });

  it('module selection: the only module, a named one, or an error listing the prefixes', () => {
    const file = readModelFile(fixture('onnx_lstm2bi.onnx'), 'm.onnx');
    const contents = findModules(file, 'm.onnx');
    refuses(() => selectModule(contents, undefined, 'm.onnx'), /^m\.onnx: prefix: the file holds 2 recurrent modules \("\/LSTM", "\/LSTM_1"\)/);
    assert.equal(selectModule(contents, '/LSTM_1', 'm.onnx').inputSize, 8);
    refuses(() => selectModule(contents, 'lstm', 'm.onnx'), /no recurrent module "lstm"; the file has "\/LSTM", "\/LSTM_1"/);
  });

  it('a PyTorch module missing a layer\'s tensor, or with a bad shape, names the tensor', () => {
    const file = readModelFile(fixture('lstm2bi_float64.pt'), 'm.pt');
    const without = { ...file, tensors: file.tensors.filter(t => t.name !== 'encoder.lstm.weight_hh_l1_reverse') };
    refuses(() => findModules(without, 'm.pt'), /^m\.pt: encoder\.lstm\.weight_hh_l1_reverse: missing/);
    const reshaped = { ...file, tensors: file.tensors.map(t => (t.name === 'encoder.lstm.weight_ih_l1' ? { ...t, shape: [16, 4], data: t.data.subarray(0, 64) } : t)) };
    refuses(() => findModules(reshaped, 'm.pt'), /^m\.pt: encoder\.lstm\.weight_ih_l1: shape \[16,4\], expected \[16,8\]/);
  });
});
