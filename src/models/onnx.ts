// ONNX models: the graph's initializers (and Constant nodes' tensors) as named tensors, and its
// LSTM, GRU and RNN nodes with their inputs by role (X, W, R, B, sequence_lens, initial_h,
// initial_c, P) and attributes (direction, hidden_size, linear_before_reset, activations, clip,
// input_forget, layout). Tensor values come from raw_data (little-endian) or the typed fields
// float_data / double_data / int32_data (float16 bits). Decoded with the wire reader of
// protobuf.ts; field numbers are those of onnx.proto. See docs/models.md.

import { DTYPE_BYTES, decodeElements, elementCount, halfToNumber, bfloat16ToNumber } from './dtypes';
import { Fail, WireField, fieldString, int64FromVarint, readFields, repeatedNumbers } from './protobuf';
import { ModelFile, ModelFileError, ModelNode, NamedTensor, StoredDtype } from './types';

/** onnx.proto TensorProto.DataType codes read here. */
const DATA_TYPES: Record<number, StoredDtype> = { 1: 'float32', 2: 'uint8', 3: 'int8', 5: 'int16', 6: 'int32', 7: 'int64', 9: 'bool', 10: 'float16', 11: 'float64', 16: 'bfloat16' };

const RECURRENT_OPS = ['LSTM', 'GRU', 'RNN'];
const INPUT_ROLES: Record<string, string[]> = {
  LSTM: ['X', 'W', 'R', 'B', 'sequence_lens', 'initial_h', 'initial_c', 'P'],
  GRU: ['X', 'W', 'R', 'B', 'sequence_lens', 'initial_h'],
  RNN: ['X', 'W', 'R', 'B', 'sequence_lens', 'initial_h'],
};

const byNo = (fs: WireField[], no: number): WireField[] => fs.filter(f => f.no === no);

export function readOnnx(bytes: Uint8Array, fileName: string): ModelFile {
  const fail: Fail = (message, at) => { throw new ModelFileError(fileName, `byte ${at}`, message); };
  const model = readFields(bytes, 0, bytes.length, fail);
  const graphField = byNo(model, 7)[0];
  if (graphField === undefined || graphField.wire !== 2) throw new ModelFileError(fileName, 'graph', 'not an ONNX model: no graph');
  const graph = readFields(bytes, graphField.start, graphField.end, fail);
  const tensors: NamedTensor[] = [];
  let budget = bytes.length;
  const addTensor = (f: WireField, fallbackName: string): NamedTensor | undefined => {
    const t = readTensor(bytes, f, fileName, fallbackName, budget, fail);
    if (t) { budget -= t.data.length; tensors.push(t); }
    return t;
  };
  for (const f of byNo(graph, 5)) addTensor(f, `initializer at byte ${f.start}`);
  const nodes: ModelNode[] = [];
  // Constant nodes' tensors, kept only when a recurrent node reads them (weights an exporter did
  // not fold into initializers); the rest are shapes and indices
  const constants = new Map<string, NamedTensor>();
  for (const nf of byNo(graph, 1)) {
    if (nf.wire !== 2) fail('a node that is not a message', nf.start);
    const fs = readFields(bytes, nf.start, nf.end, fail);
    const str = (no: number): string => { const f = byNo(fs, no)[0]; return f ? fieldString(bytes, f) : ''; };
    const op = str(4);
    const inputs = byNo(fs, 1).map(f => fieldString(bytes, f));
    const outputs = byNo(fs, 2).map(f => fieldString(bytes, f));
    const name = str(3) || `${op}_${nodes.length}`;
    const domain = str(7);
    const attributes: Record<string, unknown> = {};
    for (const af of byNo(fs, 5)) {
      const [key, value] = readAttribute(bytes, af, fileName, name, budget, fail);
      attributes[key] = value;
    }
    if (op === 'Constant' && attributes.value && typeof attributes.value === 'object' && 'data' in (attributes.value as object) && outputs[0]) {
      const t = attributes.value as NamedTensor;
      constants.set(outputs[0], { ...t, name: outputs[0] });
      budget -= t.data.length;
    }
    if (RECURRENT_OPS.includes(op) && (domain === '' || domain === 'ai.onnx')) {
      const roles: Record<string, string> = {};
      INPUT_ROLES[op].forEach((role, k) => { if (inputs[k]) roles[role] = inputs[k]; });
      nodes.push({ name, op, inputs: roles, attributes });
    }
  }
  if (nodes.length === 0) throw new ModelFileError(fileName, 'graph', 'the ONNX graph has no LSTM, GRU or RNN node');
  for (const node of nodes) {
    for (const input of Object.values(node.inputs)) {
      const t = constants.get(input);
      if (t) { tensors.push(t); constants.delete(input); }
    }
  }
  return { format: 'onnx', tensors, nodes, attributes: {} };
}

function readAttribute(bytes: Uint8Array, af: WireField, fileName: string, node: string, budget: number, fail: Fail): [string, unknown] {
  const fs = readFields(bytes, af.start, af.end, fail);
  const nameField = byNo(fs, 1)[0];
  const name = nameField ? fieldString(bytes, nameField) : '';
  const type = byNo(fs, 20)[0]?.value ?? 0;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const floats: number[] = [], ints: number[] = [];
  switch (type) {
    case 1: { const f = byNo(fs, 2)[0]; return [name, f && f.wire === 5 ? view.getFloat32(f.start, true) : 0]; } // FLOAT
    case 2: return [name, int64FromVarint(byNo(fs, 3)[0]?.value ?? 0)]; // INT
    case 3: { const f = byNo(fs, 4)[0]; return [name, f ? fieldString(bytes, f) : '']; } // STRING
    case 4: { const f = byNo(fs, 5)[0]; return [name, f ? readTensor(bytes, f, fileName, `${node}.${name}`, budget, fail) : undefined]; } // TENSOR
    case 6: repeatedNumbers(bytes, byNo(fs, 7), 4, (v, at) => v.getFloat32(at, true), fail, x => floats.push(x)); return [name, floats]; // FLOATS
    case 7: repeatedNumbers(bytes, byNo(fs, 8), 'varint', () => 0, fail, x => ints.push(int64FromVarint(x))); return [name, ints]; // INTS
    case 8: return [name, byNo(fs, 9).map(f => fieldString(bytes, f))]; // STRINGS
    default: return [name, { unsupportedAttributeType: type }];
  }
}

function readTensor(bytes: Uint8Array, tf: WireField, fileName: string, fallbackName: string, budget: number, fail: Fail): NamedTensor | undefined {
  if (tf.wire !== 2) fail('a tensor that is not a message', tf.start);
  const fs = readFields(bytes, tf.start, tf.end, fail);
  const nameField = byNo(fs, 8)[0];
  const name = nameField ? fieldString(bytes, nameField) : fallbackName;
  const bad = (message: string): never => { throw new ModelFileError(fileName, name, message); };
  const dims: number[] = [];
  repeatedNumbers(bytes, byNo(fs, 1), 'varint', () => 0, fail, v => dims.push(int64FromVarint(v)));
  const typeCode = byNo(fs, 2)[0]?.value ?? 0;
  const dtype = DATA_TYPES[typeCode];
  if (dtype === undefined) return undefined; // strings and other types are not weights: skipped
  if (byNo(fs, 14)[0]?.value === 1) bad('its data is stored in an external file, which is not supported: save the model with the weights inside');
  const count = elementCount(dims);
  if (Number.isNaN(count)) bad(`dims ${JSON.stringify(dims)} are not non-negative integers`);
  if (count > budget) bad(`dims ${JSON.stringify(dims)} have more elements than the file has bytes`);
  const size = DTYPE_BYTES[dtype];
  const raw = byNo(fs, 9)[0];
  const data = new Float64Array(count);
  if (raw !== undefined) {
    if (raw.end - raw.start !== count * size) bad(`dims ${JSON.stringify(dims)} need ${count * size} bytes of ${dtype}, raw_data has ${raw.end - raw.start} (byte ${raw.start})`);
    decodeElements(bytes, raw.start, dtype, true, count, data);
  } else {
    const values: number[] = [];
    const push = (v: number): void => { if (values.length < count) values.push(v); else bad(`more values than dims ${JSON.stringify(dims)} hold`); };
    if (dtype === 'float32') repeatedNumbers(bytes, byNo(fs, 4), 4, (v, at) => v.getFloat32(at, true), fail, push);
    else if (dtype === 'float64') repeatedNumbers(bytes, byNo(fs, 10), 8, (v, at) => v.getFloat64(at, true), fail, push);
    else if (dtype === 'int64') repeatedNumbers(bytes, byNo(fs, 7), 'varint', () => 0, fail, v => push(int64FromVarint(v)));
    else {
      const decode = dtype === 'float16' ? halfToNumber : dtype === 'bfloat16' ? bfloat16ToNumber : (v: number) => v | 0;
      repeatedNumbers(bytes, byNo(fs, 5), 'varint', () => 0, fail, v => push(decode(int64FromVarint(v))));
    }
    if (values.length !== count) bad(`dims ${JSON.stringify(dims)} need ${count} values, the typed data field has ${values.length}`);
    data.set(values);
  }
  return { name, shape: dims, dtype, data };
}
