// Keras model files: Keras 2 .h5 (HDF5: a `model_config` JSON attribute and
// model_weights/<layer>/<weight name> datasets listed by `weight_names` attributes; also the
// save_weights layout with the layer groups at the root) and Keras 3 .keras (a zip of config.json
// and model.weights.h5, whose datasets are layers/<layer>/cell/vars/0..2 = kernel,
// recurrent_kernel, bias). HDF5 is read by jsfive, a pure-JS reader; its failures (it throws
// strings) become ModelFileErrors. Each recurrent layer (LSTM, GRU, SimpleRNN) is a node with its
// config as attributes, so conventions.ts can refuse what the engine cannot compute. See docs/models.md.

import * as hdf5 from 'jsfive';
import { DTYPE_BYTES, elementCount } from './dtypes';
import { ModelFile, ModelFileError, ModelNode, NamedTensor, StoredDtype } from './types';
import { readZip } from './zip';

/** HDF5's signature "\x89HDF\r\n\x1a\n" at byte 0. */
export function isHdf5(bytes: Uint8Array): boolean {
  const magic = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
  return bytes.length >= 8 && magic.every((b, k) => bytes[k] === b);
}

export const KERAS_RECURRENT_LAYERS = ['LSTM', 'GRU', 'SimpleRNN'];

const H5_DTYPES: Record<string, StoredDtype> = { '<f8': 'float64', '<f4': 'float32', '<f2': 'float16', '>f8': 'float64', '>f4': 'float32' };

interface H5Node { keys?: string[]; attrs: Record<string, unknown>; get(path: string): H5Node; shape?: number[]; dtype?: unknown; value?: ArrayLike<number> }

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

function openHdf5(bytes: Uint8Array, fileName: string, where: string): H5Node {
  if (!isHdf5(bytes)) throw new ModelFileError(fileName, `${where}byte 0`, 'not an HDF5 file (no \\x89HDF signature)');
  try {
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    return new hdf5.File(buffer, fileName) as unknown as H5Node;
  } catch (error) {
    throw new ModelFileError(fileName, `${where}HDF5`, `not a readable HDF5 file (${message(error)})`);
  }
}

/** A dataset as a named tensor, its size checked against the file before its data is read. */
function readDataset(node: H5Node, name: string, fileName: string, fileSize: number): NamedTensor {
  const bad = (m: string): never => { throw new ModelFileError(fileName, name, m); };
  let shape: number[] = [];
  let dtypeCode: unknown;
  try { shape = Array.from(node.shape ?? []); dtypeCode = node.dtype; } catch (error) { bad(`unreadable dataset (${message(error)})`); }
  const dtype = typeof dtypeCode === 'string' ? H5_DTYPES[dtypeCode] : undefined;
  if (dtype === undefined) bad(`dtype ${JSON.stringify(dtypeCode)} is not supported (float64, float32)`);
  const count = elementCount(shape);
  if (!(count * DTYPE_BYTES[dtype as StoredDtype] <= fileSize)) bad(`shape ${JSON.stringify(shape)} needs more bytes than the file has`);
  let values: ArrayLike<number> | undefined;
  try { values = node.value; } catch (error) { bad(`unreadable data (${message(error)})`); }
  if (!values || values.length !== count) bad(`shape ${JSON.stringify(shape)} needs ${count} values, the dataset has ${values?.length}`);
  const data = Float64Array.from(values as ArrayLike<number>);
  return { name, shape, dtype: dtype as StoredDtype, data };
}

/** The layer configs of a Sequential or Functional model config (Keras 2 or 3). */
function layerConfigs(config: unknown): { className: string; config: Record<string, unknown> }[] {
  const out: { className: string; config: Record<string, unknown> }[] = [];
  const visit = (v: unknown, depth: number): void => {
    if (depth > 6 || typeof v !== 'object' || v === null) return;
    if (Array.isArray(v)) { v.forEach(x => visit(x, depth + 1)); return; }
    const o = v as Record<string, unknown>;
    if (typeof o.class_name === 'string' && typeof o.config === 'object' && o.config !== null && !Array.isArray(o.config)) {
      const c = o.config as Record<string, unknown>;
      if (KERAS_RECURRENT_LAYERS.includes(o.class_name)) out.push({ className: o.class_name, config: c });
      visit(c.layers, depth + 1);
      visit(c.layer, depth + 1);
    } else if (Array.isArray(o.layers)) visit(o.layers, depth + 1);
    else if (o.config !== undefined) visit(o.config, depth + 1);
  };
  visit(config, 0);
  return out;
}

const ROLE_BY_SUFFIX: [RegExp, string][] = [[/(^|\/)recurrent_kernel(:0)?$/, 'recurrent_kernel'], [/(^|\/)kernel(:0)?$/, 'kernel'], [/(^|\/)bias(:0)?$/, 'bias']];

function parseJson(text: string, fileName: string, where: string): unknown {
  try { return JSON.parse(text); } catch (error) { throw new ModelFileError(fileName, where, `not JSON (${message(error)})`); }
}

/** An HDF5 string attribute; fixed-length strings come padded with NULs. */
function attrText(v: unknown): string | undefined {
  if (typeof v === 'string') return v.replace(/\0+$/, '');
  if (v instanceof Uint8Array) return new TextDecoder().decode(v).replace(/\0+$/, '');
  return undefined;
}

function attrList(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  const items = typeof v === 'string' ? [v] : Array.from(v as ArrayLike<unknown>);
  return items.map(x => attrText(x) ?? String(x));
}

/** Keras 2 .h5: model.save('m.h5') or model.save_weights('w.h5'). */
export function readKerasH5(bytes: Uint8Array, fileName: string): ModelFile {
  const file = openHdf5(bytes, fileName, '');
  const tensors: NamedTensor[] = [];
  const nodes: ModelNode[] = [];
  let config: unknown;
  try {
    const attrs = file.attrs;
    const text = attrText(attrs.model_config);
    if (text !== undefined) config = parseJson(text, fileName, 'model_config');
    const keys = file.keys ?? [];
    const weights = keys.includes('model_weights') ? file.get('model_weights') : file;
    const layerNames = attrList(weights.attrs.layer_names);
    const layers = new Map(layerConfigs(config).map(l => [String(l.config.name), l]));
    for (const layer of layerNames) {
      const group = weights.get(layer);
      const roles: Record<string, string> = {};
      for (const weightName of attrList(group.attrs.weight_names)) {
        const t = readDataset(group.get(weightName), weightName, fileName, bytes.length);
        tensors.push(t);
        const role = ROLE_BY_SUFFIX.find(([re]) => re.test(weightName));
        if (role) roles[role[1]] = weightName;
      }
      const l = layers.get(layer);
      if (l) nodes.push({ name: layer, op: l.className, inputs: roles, attributes: l.config });
    }
  } catch (error) {
    if (error instanceof ModelFileError) throw error;
    throw new ModelFileError(fileName, 'HDF5', `not a Keras weights layout (${message(error)})`);
  }
  if (tensors.length === 0) throw new ModelFileError(fileName, 'model_weights', 'the file holds no weights (a Keras file saved without weights?)');
  return { format: 'keras', tensors, nodes, attributes: { config } };
}

/** Keras 3 .keras: a zip of config.json and model.weights.h5. */
export function readKerasZip(bytes: Uint8Array, fileName: string): ModelFile {
  const entries = readZip(bytes, fileName);
  const configBytes = entries.get('config.json');
  if (configBytes === undefined) throw new ModelFileError(fileName, 'config.json', 'the .keras archive has no config.json');
  const config = parseJson(new TextDecoder().decode(configBytes), fileName, 'config.json');
  const weightsBytes = entries.get('model.weights.h5');
  if (weightsBytes === undefined) throw new ModelFileError(fileName, 'model.weights.h5', 'the .keras archive has no model.weights.h5: the model was saved without weights');
  const file = openHdf5(weightsBytes, fileName, 'model.weights.h5 ');
  const tensors: NamedTensor[] = [];
  const nodes: ModelNode[] = [];
  const roleNames = ['kernel', 'recurrent_kernel', 'bias'];
  try {
    const layersGroup = (file.keys ?? []).includes('layers') ? file.get('layers') : undefined;
    for (const layer of layerConfigs(config)) {
      const name = String(layer.config.name);
      if (!layersGroup || !(layersGroup.keys ?? []).includes(name)) continue;
      const group = layersGroup.get(name);
      const base = (group.keys ?? []).includes('cell') ? `layers/${name}/cell/vars` : `layers/${name}/vars`;
      const vars = file.get(base);
      const roles: Record<string, string> = {};
      for (const key of (vars.keys ?? []).slice().sort((a, b) => Number(a) - Number(b))) {
        const tensorName = `${base}/${key}`;
        tensors.push(readDataset(vars.get(key), tensorName, fileName, bytes.length));
        const role = roleNames[Number(key)];
        if (role) roles[role] = tensorName;
      }
      nodes.push({ name, op: layer.className, inputs: roles, attributes: layer.config });
    }
  } catch (error) {
    if (error instanceof ModelFileError) throw error;
    throw new ModelFileError(fileName, 'model.weights.h5', `not a Keras weights layout (${message(error)})`);
  }
  if (tensors.length === 0) throw new ModelFileError(fileName, 'model.weights.h5', 'the file holds no weights for its recurrent layers');
  return { format: 'keras', tensors, nodes, attributes: { config } };
}
