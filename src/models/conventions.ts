// The ONE table of framework conventions (gate orders, transposes, bias splits, GRU reset
// variants, peepholes), module discovery from a file's named tensors, and the mapping of each
// recurrent module to PyTorch's layout (and back, for gradients under the file's own names).
//
// PyTorch layout, per layer k and direction (suffix "" or "_reverse"), G gates of H rows each:
//   weight_ih_l{k}: (G·H, I_k)   weight_hh_l{k}: (G·H, H)   bias_ih_l{k}, bias_hh_l{k}: (G·H)
//   rows in PyTorch's gate order: lstm i,f,g,o; gru r,z,n; rnn one block.
//   I_0 = inputSize, I_k = D·H for k > 0. lstm_peephole (ONNX P) adds p_i_l{k}, p_f_l{k}, p_o_l{k}: (H).
// docs/models.md documents the table.

import { CellKind } from '../engine/types';
import { ModelFile, ModelFileError, ModelNode, NamedTensor, StoredDtype } from './types';

export type Convention = 'pytorch' | 'onnx' | 'keras';
type GateCell = 'lstm' | 'gru' | 'rnn';

interface ConventionEntry {
  /** gate blocks in the order the framework stores them (PyTorch names: g = cell candidate, n = GRU new gate) */
  gateOrder: Record<GateCell, readonly string[]>;
  /** weights stored as (G·H, in) rows (false) or (in, G·H) columns (Keras kernels, true) */
  transposed: boolean;
  /** how biases are stored */
  bias: 'bias_ih and bias_hh' | 'B = [Wb, Rb] per direction' | 'one bias (GRU reset_after: two rows [input, recurrent])';
  /** ONNX P: peephole blocks per direction */
  peepholeOrder?: readonly string[];
}

/** The table. A new framework = one entry here plus its discovery below. */
export const CONVENTIONS: Record<Convention, ConventionEntry> = {
  pytorch: { gateOrder: { lstm: ['i', 'f', 'g', 'o'], gru: ['r', 'z', 'n'], rnn: ['h'] }, transposed: false, bias: 'bias_ih and bias_hh' },
  onnx: { gateOrder: { lstm: ['i', 'o', 'f', 'g'], gru: ['z', 'r', 'n'], rnn: ['h'] }, transposed: false, bias: 'B = [Wb, Rb] per direction', peepholeOrder: ['i', 'o', 'f'] },
  keras: { gateOrder: { lstm: ['i', 'f', 'g', 'o'], gru: ['z', 'r', 'n'], rnn: ['h'] }, transposed: true, bias: 'one bias (GRU reset_after: two rows [input, recurrent])' },
};

const GATES: Record<GateCell, number> = { lstm: 4, gru: 3, rnn: 1 };
const CELL_BY_GATES: Record<number, GateCell> = { 4: 'lstm', 3: 'gru', 1: 'rnn' };

/** For each PyTorch gate block j, the index of that gate in the framework's order. */
export function blockPermutation(convention: Convention, cell: GateCell): number[] {
  const order = CONVENTIONS[convention].gateOrder[cell];
  return CONVENTIONS.pytorch.gateOrder[cell].map(g => order.indexOf(g));
}

export interface RecurrentModule {
  /** PyTorch module path, ONNX node name or Keras layer name */
  prefix: string;
  cell: CellKind;
  numLayers: number;
  bidirectional: boolean;
  hiddenSize: number;
  inputSize: number;
  dtype: StoredDtype;
  convention: Convention;
  /** GRU only: false for ONNX linear_before_reset = 0 / Keras reset_after = false */
  resetAfter?: boolean;
}

export interface LinearHead {
  /** e.g. "fc": tensors fc.weight (C, K) and fc.bias (C) */
  prefix: string;
  outFeatures: number;
  inFeatures: number;
  weight: string;
  bias?: string;
}

export interface ModelContents {
  modules: RecurrentModule[];
  heads: LinearHead[];
}

/** PyTorch-layout tensors of one module, keyed weight_ih_l0, bias_hh_l1_reverse, p_i_l0, … (no prefix). */
export type PyTorchLayout = Record<string, NamedTensor>;

export const layerSuffix = (layer: number, reverse: boolean): string => `_l${layer}${reverse ? '_reverse' : ''}`;

// ------------------------------------------------------------------ helpers

/** out block j = in block perm[j]; blocks of `rows` rows × `cols` columns, row-major. */
function permuteBlocks(src: Float64Array, rows: number, cols: number, perm: number[]): Float64Array {
  const out = new Float64Array(perm.length * rows * cols);
  perm.forEach((from, j) => out.set(src.subarray(from * rows * cols, (from + 1) * rows * cols), j * rows * cols));
  return out;
}
/** inverse of permuteBlocks: out block perm[j] = in block j */
function unpermuteBlocks(src: Float64Array, rows: number, cols: number, perm: number[]): Float64Array {
  const out = new Float64Array(perm.length * rows * cols);
  perm.forEach((to, j) => out.set(src.subarray(j * rows * cols, (j + 1) * rows * cols), to * rows * cols));
  return out;
}
/** (r, c) → (c, r) */
function transpose(src: Float64Array, r: number, c: number): Float64Array {
  const out = new Float64Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = src[i * c + j];
  return out;
}
const sameShape = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((d, k) => d === b[k]);
const isFloat = (t: NamedTensor): boolean => t.dtype === 'float64' || t.dtype === 'float32' || t.dtype === 'float16' || t.dtype === 'bfloat16';

function tensorMap(file: ModelFile): Map<string, NamedTensor> {
  return new Map(file.tensors.map(t => [t.name, t]));
}

// ------------------------------------------------------------------ discovery

/** Every recurrent module and linear head in the file; refuses what the engine cannot compute. */
export function findModules(file: ModelFile, fileName: string): ModelContents {
  const modules = file.format === 'onnx' ? onnxModules(file, fileName)
    : file.format === 'keras' ? kerasModules(file, fileName)
      : [...pytorchModules(file, fileName), ...kerasNamedModules(file, fileName)];
  return { modules, heads: linearHeads(file, modules) };
}

const PYTORCH_NAME = /^(?:(.*)\.)?(weight_ih|weight_hh|bias_ih|bias_hh|weight_hr)_l(\d+)(_reverse)?$/;

function pytorchModules(file: ModelFile, fileName: string): RecurrentModule[] {
  const tensors = tensorMap(file);
  const prefixes = new Map<string, { layers: number; reverse: boolean; projected: string | undefined }>();
  for (const t of file.tensors) {
    const m = PYTORCH_NAME.exec(t.name);
    if (!m) continue;
    const prefix = m[1] ?? '';
    const p = prefixes.get(prefix) ?? { layers: 0, reverse: false, projected: undefined };
    p.layers = Math.max(p.layers, Number(m[3]) + 1);
    p.reverse ||= m[4] !== undefined;
    if (m[2] === 'weight_hr') p.projected ??= t.name;
    prefixes.set(prefix, p);
  }
  const out: RecurrentModule[] = [];
  for (const [prefix, p] of prefixes) {
    const full = (name: string): string => (prefix ? `${prefix}.${name}` : name);
    if (p.projected) throw new ModelFileError(fileName, p.projected, 'LSTM projections (proj_size) are not supported: the engine has no projected hidden state');
    const hh = tensors.get(full('weight_hh_l0'));
    const ih = tensors.get(full('weight_ih_l0'));
    if (!hh || !ih) throw new ModelFileError(fileName, full(hh ? 'weight_ih_l0' : 'weight_hh_l0'), 'missing: a PyTorch recurrent module needs weight_ih_l0 and weight_hh_l0');
    if (hh.shape.length !== 2 || hh.shape[1] === 0 || hh.shape[0] % hh.shape[1] !== 0) {
      throw new ModelFileError(fileName, hh.name, `shape ${JSON.stringify(hh.shape)} is not (G·H, H)`);
    }
    const H = hh.shape[1];
    const cell = CELL_BY_GATES[hh.shape[0] / H];
    if (!cell) throw new ModelFileError(fileName, hh.name, `${hh.shape[0]} rows for H = ${H}: not 4H (LSTM), 3H (GRU) or H (RNN)`);
    if (ih.shape.length !== 2) throw new ModelFileError(fileName, ih.name, `shape ${JSON.stringify(ih.shape)} is not (G·H, I)`);
    const D = p.reverse ? 2 : 1;
    const G = GATES[cell];
    for (let k = 0; k < p.layers; k++) {
      for (const reverse of D === 2 ? [false, true] : [false]) {
        const s = layerSuffix(k, reverse);
        const inSize = k === 0 ? ih.shape[1] : D * H;
        const expect: [string, number[], boolean][] = [[`weight_ih${s}`, [G * H, inSize], true], [`weight_hh${s}`, [G * H, H], true], [`bias_ih${s}`, [G * H], false], [`bias_hh${s}`, [G * H], false]];
        for (const [name, shape, required] of expect) {
          const t = tensors.get(full(name));
          if (!t) { if (required) throw new ModelFileError(fileName, full(name), `missing: ${prefix || 'the module'} has ${p.layers} layer(s)${D === 2 ? ', bidirectional' : ''}`); continue; }
          if (!sameShape(t.shape, shape)) throw new ModelFileError(fileName, t.name, `shape ${JSON.stringify(t.shape)}, expected ${JSON.stringify(shape)} for a ${cell} with H = ${H}`);
          if (!isFloat(t)) throw new ModelFileError(fileName, t.name, `dtype ${t.dtype} is not a float type`);
        }
      }
    }
    out.push({ prefix, cell, numLayers: p.layers, bidirectional: D === 2, hiddenSize: H, inputSize: ih.shape[1], dtype: ih.dtype, convention: 'pytorch', ...(cell === 'gru' ? { resetAfter: true } : {}) });
  }
  return out;
}

/** Keras-named arrays without a Keras config (an .npz of layer.weights): X/kernel + X/recurrent_kernel. */
function kerasNamedModules(file: ModelFile, fileName: string): RecurrentModule[] {
  const out: RecurrentModule[] = [];
  const tensors = tensorMap(file);
  for (const t of file.tensors) {
    const m = /^(.*?)\/?recurrent_kernel(:0)?$/.exec(t.name);
    if (!m) continue;
    const prefix = m[1];
    const sep = prefix ? '/' : '';
    const node: ModelNode = {
      name: prefix, op: '', attributes: {},
      inputs: { kernel: `${prefix}${sep}kernel${m[2] ?? ''}`, recurrent_kernel: t.name, bias: `${prefix}${sep}bias${m[2] ?? ''}` },
    };
    if (!tensors.has(node.inputs.bias)) delete node.inputs.bias;
    out.push(kerasModule(node, tensors, fileName));
  }
  return out;
}

function kerasModules(file: ModelFile, fileName: string): RecurrentModule[] {
  const tensors = tensorMap(file);
  const out = file.nodes.map(node => kerasModule(node, tensors, fileName));
  if (out.length === 0) throw new ModelFileError(fileName, 'config', 'no LSTM, GRU or SimpleRNN layer with weights in this Keras file');
  return out;
}

const KERAS_CELLS: Record<string, GateCell> = { LSTM: 'lstm', GRU: 'gru', SimpleRNN: 'rnn' };

function kerasModule(node: ModelNode, tensors: Map<string, NamedTensor>, fileName: string): RecurrentModule {
  const where = (attribute: string): string => `layer ${node.name} ${attribute}`;
  const a = node.attributes;
  // what the engine cannot compute, named by its config attribute
  if (a.activation !== undefined && a.activation !== 'tanh') throw new ModelFileError(fileName, where('activation'), `activation ${JSON.stringify(a.activation)} is not supported (only tanh)`);
  if (a.recurrent_activation !== undefined && a.recurrent_activation !== 'sigmoid') {
    throw new ModelFileError(fileName, where('recurrent_activation'), `recurrent_activation ${JSON.stringify(a.recurrent_activation)} is not supported (only sigmoid; hard_sigmoid is a different function)`);
  }
  if (a.go_backwards === true) throw new ModelFileError(fileName, where('go_backwards'), 'go_backwards = true is not supported');
  const kernel = tensors.get(node.inputs.kernel ?? '');
  const recurrent = tensors.get(node.inputs.recurrent_kernel ?? '');
  if (!kernel || !recurrent) throw new ModelFileError(fileName, where(kernel ? 'recurrent_kernel' : 'kernel'), 'missing: the layer has no weights in this file');
  if (recurrent.shape.length !== 2 || recurrent.shape[0] === 0 || recurrent.shape[1] % recurrent.shape[0] !== 0) {
    throw new ModelFileError(fileName, recurrent.name, `shape ${JSON.stringify(recurrent.shape)} is not (H, G·H)`);
  }
  const H = recurrent.shape[0];
  const cell = (node.op ? KERAS_CELLS[node.op] : undefined) ?? CELL_BY_GATES[recurrent.shape[1] / H];
  if (!cell || GATES[cell] * H !== recurrent.shape[1]) throw new ModelFileError(fileName, recurrent.name, `shape ${JSON.stringify(recurrent.shape)} does not fit a ${node.op || 'recurrent'} layer`);
  const G = GATES[cell];
  if (kernel.shape.length !== 2 || kernel.shape[1] !== G * H) throw new ModelFileError(fileName, kernel.name, `shape ${JSON.stringify(kernel.shape)}, expected (I, ${G * H})`);
  const bias = node.inputs.bias ? tensors.get(node.inputs.bias) : undefined;
  let resetAfter: boolean | undefined;
  if (cell === 'gru') resetAfter = typeof a.reset_after === 'boolean' ? a.reset_after : bias?.shape.length === 2;
  if (bias) {
    const expected = cell === 'gru' && resetAfter ? [2, G * H] : [G * H];
    if (!sameShape(bias.shape, expected)) throw new ModelFileError(fileName, bias.name, `shape ${JSON.stringify(bias.shape)}, expected ${JSON.stringify(expected)}`);
  }
  for (const t of [kernel, recurrent, bias]) if (t && !isFloat(t)) throw new ModelFileError(fileName, t.name, `dtype ${t.dtype} is not a float type`);
  return { prefix: node.name, cell, numLayers: 1, bidirectional: false, hiddenSize: H, inputSize: kernel.shape[0], dtype: kernel.dtype, convention: 'keras', ...(resetAfter !== undefined ? { resetAfter } : {}) };
}

const ONNX_CELLS: Record<string, GateCell> = { LSTM: 'lstm', GRU: 'gru', RNN: 'rnn' };
/** the activations ONNX uses when the attribute is absent, per direction */
const ONNX_DEFAULT_ACTIVATIONS: Record<GateCell, string[]> = { lstm: ['sigmoid', 'tanh', 'tanh'], gru: ['sigmoid', 'tanh'], rnn: ['tanh'] };

function onnxModules(file: ModelFile, fileName: string): RecurrentModule[] {
  const tensors = tensorMap(file);
  return file.nodes.map(node => {
    const where = (attribute: string): string => `node ${node.name} ${attribute}`;
    const a = node.attributes;
    const cell = ONNX_CELLS[node.op];
    const direction = a.direction ?? 'forward';
    if (direction !== 'forward' && direction !== 'bidirectional') {
      throw new ModelFileError(fileName, where('direction'), `direction ${JSON.stringify(direction)} is not supported (forward or bidirectional)`);
    }
    const D = direction === 'bidirectional' ? 2 : 1;
    if (a.clip !== undefined) throw new ModelFileError(fileName, where('clip'), `clip = ${String(a.clip)} is not supported: the engine does not clip gate inputs`);
    if (a.input_forget !== undefined && a.input_forget !== 0) throw new ModelFileError(fileName, where('input_forget'), 'input_forget = 1 (coupled input and forget gates) is not supported');
    if (a.activations !== undefined) {
      const given = Array.isArray(a.activations) ? a.activations.map(x => String(x).toLowerCase()) : [];
      const expected = [...ONNX_DEFAULT_ACTIVATIONS[cell], ...(D === 2 ? ONNX_DEFAULT_ACTIVATIONS[cell] : [])];
      if (given.length !== expected.length || given.some((g, k) => g !== expected[k])) {
        throw new ModelFileError(fileName, where('activations'), `activations ${JSON.stringify(a.activations)} are not supported (only ${JSON.stringify(expected)})`);
      }
    }
    const input = (role: string, required: boolean): NamedTensor | undefined => {
      const name = node.inputs[role];
      if (name === undefined) { if (required) throw new ModelFileError(fileName, where(role), `input ${role} is missing`); return undefined; }
      const t = tensors.get(name);
      if (!t) throw new ModelFileError(fileName, where(role), `input ${role} (${name}) is not an initializer: weights computed at run time cannot be read`);
      if (!isFloat(t)) throw new ModelFileError(fileName, name, `dtype ${t.dtype} is not a float type`);
      return t;
    };
    const W = input('W', true) as NamedTensor;
    const R = input('R', true) as NamedTensor;
    const B = input('B', false);
    const P = cell === 'lstm' ? input('P', false) : undefined;
    if (R.shape.length !== 3) throw new ModelFileError(fileName, R.name, `shape ${JSON.stringify(R.shape)} is not [D, G·H, H]`);
    const H = typeof a.hidden_size === 'number' ? a.hidden_size : R.shape[2];
    const G = GATES[cell];
    const I = W.shape[2];
    const check = (t: NamedTensor | undefined, shape: number[]): void => {
      if (t && !sameShape(t.shape, shape)) throw new ModelFileError(fileName, t.name, `shape ${JSON.stringify(t.shape)}, expected ${JSON.stringify(shape)} (hidden_size ${H}, ${D} direction(s))`);
    };
    check(R, [D, G * H, H]);
    if (W.shape.length !== 3) throw new ModelFileError(fileName, W.name, `shape ${JSON.stringify(W.shape)} is not [D, G·H, I]`);
    check(W, [D, G * H, I]);
    check(B, [D, 2 * G * H]);
    check(P, [D, 3 * H]);
    const resetAfter = cell === 'gru' ? a.linear_before_reset === 1 : undefined;
    return {
      prefix: node.name, cell: P ? 'lstm_peephole' : cell, numLayers: 1, bidirectional: D === 2, hiddenSize: H, inputSize: I,
      dtype: W.dtype, convention: 'onnx', ...(resetAfter !== undefined ? { resetAfter } : {}),
    } satisfies RecurrentModule;
  });
}

/** 2-D X.weight (C, K) with an optional X.bias (C), outside every recurrent module: a Linear head. */
function linearHeads(file: ModelFile, modules: RecurrentModule[]): LinearHead[] {
  const tensors = tensorMap(file);
  const heads: LinearHead[] = [];
  for (const t of file.tensors) {
    const m = /^(.*)\.weight$/.exec(t.name);
    if (!m || t.shape.length !== 2 || !isFloat(t)) continue;
    if (modules.some(mod => mod.convention === 'pytorch' && (m[1] === mod.prefix || m[1].startsWith(`${mod.prefix}.`)))) continue;
    const bias = tensors.get(`${m[1]}.bias`);
    const hasBias = bias !== undefined && sameShape(bias.shape, [t.shape[0]]);
    heads.push({ prefix: m[1], outFeatures: t.shape[0], inFeatures: t.shape[1], weight: t.name, ...(hasBias ? { bias: bias.name } : {}) });
  }
  return heads;
}

// ------------------------------------------------------------------ mapping to PyTorch's layout

const tensor = (name: string, shape: number[], dtype: StoredDtype, data: Float64Array): NamedTensor => ({ name, shape, dtype, data });

/** The module's tensors in PyTorch's layout (weight_ih_l0 …, see the top of this file). */
export function toPyTorchLayout(file: ModelFile, module: RecurrentModule, fileName: string): PyTorchLayout {
  const tensors = tensorMap(file);
  const get = (name: string): NamedTensor => {
    const t = tensors.get(name);
    if (!t) throw new ModelFileError(fileName, name, 'missing');
    return t;
  };
  const H = module.hiddenSize;
  const gateCell: GateCell = module.cell === 'lstm_peephole' ? 'lstm' : module.cell;
  const G = GATES[gateCell];
  const D = module.bidirectional ? 2 : 1;
  const dtype = module.dtype;
  const out: PyTorchLayout = {};
  const perm = blockPermutation(module.convention, gateCell);
  switch (module.convention) {
    case 'pytorch': {
      const full = (name: string): string => (module.prefix ? `${module.prefix}.${name}` : name);
      for (let k = 0; k < module.numLayers; k++) {
        for (let d = 0; d < D; d++) {
          const s = layerSuffix(k, d === 1);
          for (const name of [`weight_ih${s}`, `weight_hh${s}`]) { const t = get(full(name)); out[name] = tensor(name, t.shape.slice(), t.dtype, t.data.slice()); }
          for (const name of [`bias_ih${s}`, `bias_hh${s}`]) {
            const t = tensors.get(full(name));
            out[name] = tensor(name, [G * H], t?.dtype ?? dtype, t ? t.data.slice() : new Float64Array(G * H));
          }
        }
      }
      break;
    }
    case 'onnx': {
      const node = file.nodes.find(n => n.name === module.prefix);
      if (!node) throw new ModelFileError(fileName, module.prefix, 'no such node');
      const W = get(node.inputs.W), R = get(node.inputs.R);
      const B = node.inputs.B ? get(node.inputs.B) : undefined;
      const P = node.inputs.P ? get(node.inputs.P) : undefined;
      const I = module.inputSize;
      for (let d = 0; d < D; d++) {
        const s = layerSuffix(0, d === 1);
        out[`weight_ih${s}`] = tensor(`weight_ih${s}`, [G * H, I], W.dtype, permuteBlocks(W.data.subarray(d * G * H * I, (d + 1) * G * H * I), H, I, perm));
        out[`weight_hh${s}`] = tensor(`weight_hh${s}`, [G * H, H], R.dtype, permuteBlocks(R.data.subarray(d * G * H * H, (d + 1) * G * H * H), H, H, perm));
        const b = B ? B.data.subarray(d * 2 * G * H, (d + 1) * 2 * G * H) : new Float64Array(2 * G * H);
        out[`bias_ih${s}`] = tensor(`bias_ih${s}`, [G * H], B?.dtype ?? dtype, permuteBlocks(b.subarray(0, G * H), H, 1, perm));
        out[`bias_hh${s}`] = tensor(`bias_hh${s}`, [G * H], B?.dtype ?? dtype, permuteBlocks(b.subarray(G * H), H, 1, perm));
        if (P) {
          (CONVENTIONS.onnx.peepholeOrder as readonly string[]).forEach((g, j) => {
            out[`p_${g}${s}`] = tensor(`p_${g}${s}`, [H], P.dtype, P.data.slice(d * 3 * H + j * H, d * 3 * H + (j + 1) * H));
          });
        }
      }
      break;
    }
    case 'keras': {
      const node = kerasNodeOf(file, module);
      const kernel = get(node.inputs.kernel), recurrent = get(node.inputs.recurrent_kernel);
      const bias = node.inputs.bias ? tensors.get(node.inputs.bias) : undefined;
      const I = module.inputSize;
      const s = layerSuffix(0, false);
      out[`weight_ih${s}`] = tensor(`weight_ih${s}`, [G * H, I], kernel.dtype, permuteBlocks(transpose(kernel.data, I, G * H), H, I, perm));
      out[`weight_hh${s}`] = tensor(`weight_hh${s}`, [G * H, H], recurrent.dtype, permuteBlocks(transpose(recurrent.data, H, G * H), H, H, perm));
      const b = bias?.data ?? new Float64Array(G * H);
      const twoRows = module.cell === 'gru' && module.resetAfter === true && b.length === 2 * G * H;
      out[`bias_ih${s}`] = tensor(`bias_ih${s}`, [G * H], bias?.dtype ?? dtype, permuteBlocks(b.subarray(0, G * H), H, 1, perm));
      out[`bias_hh${s}`] = tensor(`bias_hh${s}`, [G * H], bias?.dtype ?? dtype, twoRows ? permuteBlocks(b.subarray(G * H), H, 1, perm) : new Float64Array(G * H));
      break;
    }
  }
  return out;
}

function kerasNodeOf(file: ModelFile, module: RecurrentModule): ModelNode {
  const node = file.nodes.find(n => n.name === module.prefix);
  if (node) return node;
  const sep = module.prefix ? '/' : '';
  const suffix = file.tensors.some(t => t.name === `${module.prefix}${sep}kernel:0`) ? ':0' : '';
  return { name: module.prefix, op: '', attributes: {}, inputs: { kernel: `${module.prefix}${sep}kernel${suffix}`, recurrent_kernel: `${module.prefix}${sep}recurrent_kernel${suffix}`, bias: `${module.prefix}${sep}bias${suffix}` } };
}

/**
 * Gradients (or any values) given in PyTorch's layout, keyed like toPyTorchLayout's result, back
 * under the file's own tensor names and layout — what the framework's autograd would report.
 * Keras's one bias gets bias_ih's gradient (its bias_hh is a constant zero); ONNX B = [Wb, Rb].
 */
export function fromPyTorchLayout(file: ModelFile, module: RecurrentModule, values: Record<string, Float64Array>, fileName: string): Record<string, { shape: number[]; data: Float64Array }> {
  const H = module.hiddenSize;
  const gateCell: GateCell = module.cell === 'lstm_peephole' ? 'lstm' : module.cell;
  const G = GATES[gateCell];
  const D = module.bidirectional ? 2 : 1;
  const perm = blockPermutation(module.convention, gateCell);
  const value = (name: string): Float64Array => {
    const v = values[name];
    if (!v) throw new ModelFileError(fileName, name, 'no value given');
    return v;
  };
  const out: Record<string, { shape: number[]; data: Float64Array }> = {};
  const tensors = tensorMap(file);
  switch (module.convention) {
    case 'pytorch':
      for (const [name, data] of Object.entries(values)) {
        const full = module.prefix ? `${module.prefix}.${name}` : name;
        const t = tensors.get(full);
        if (t) out[full] = { shape: t.shape.slice(), data: data.slice() };
      }
      break;
    case 'onnx': {
      const node = file.nodes.find(n => n.name === module.prefix) as ModelNode;
      const I = module.inputSize;
      const W = new Float64Array(D * G * H * I), R = new Float64Array(D * G * H * H), B = new Float64Array(D * 2 * G * H), P = new Float64Array(D * 3 * H);
      for (let d = 0; d < D; d++) {
        const s = layerSuffix(0, d === 1);
        W.set(unpermuteBlocks(value(`weight_ih${s}`), H, I, perm), d * G * H * I);
        R.set(unpermuteBlocks(value(`weight_hh${s}`), H, H, perm), d * G * H * H);
        B.set(unpermuteBlocks(value(`bias_ih${s}`), H, 1, perm), d * 2 * G * H);
        B.set(unpermuteBlocks(value(`bias_hh${s}`), H, 1, perm), d * 2 * G * H + G * H);
        if (node.inputs.P) (CONVENTIONS.onnx.peepholeOrder as readonly string[]).forEach((g, j) => P.set(value(`p_${g}${s}`), d * 3 * H + j * H));
      }
      out[node.inputs.W] = { shape: [D, G * H, I], data: W };
      out[node.inputs.R] = { shape: [D, G * H, H], data: R };
      if (node.inputs.B) out[node.inputs.B] = { shape: [D, 2 * G * H], data: B };
      if (node.inputs.P) out[node.inputs.P] = { shape: [D, 3 * H], data: P };
      break;
    }
    case 'keras': {
      const node = kerasNodeOf(file, module);
      const I = module.inputSize;
      const s = layerSuffix(0, false);
      out[node.inputs.kernel] = { shape: [I, G * H], data: transpose(unpermuteBlocks(value(`weight_ih${s}`), H, I, perm), G * H, I) };
      out[node.inputs.recurrent_kernel] = { shape: [H, G * H], data: transpose(unpermuteBlocks(value(`weight_hh${s}`), H, H, perm), G * H, H) };
      const bias = node.inputs.bias ? tensors.get(node.inputs.bias) : undefined;
      if (bias) {
        const ih = unpermuteBlocks(value(`bias_ih${s}`), H, 1, perm);
        if (bias.data.length === 2 * G * H) {
          const both = new Float64Array(2 * G * H);
          both.set(ih);
          both.set(unpermuteBlocks(value(`bias_hh${s}`), H, 1, perm), G * H);
          out[bias.name] = { shape: [2, G * H], data: both };
        } else out[bias.name] = { shape: [G * H], data: ih };
      }
      break;
    }
  }
  return out;
}
