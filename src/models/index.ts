// The public face of src/models (docs/models.md): read a model file's bytes into named tensors,
// find its recurrent modules and linear heads, map a module to PyTorch's layout (and gradients
// back to the file's own layout), and read spec inputs from .npy or CSV. Nothing here touches the
// file system: callers read the file and pass a Uint8Array.

import { ModelContents, RecurrentModule } from './conventions';
import { readCsvMatrix, readNpyArray } from './numpy';
import { ModelFileError, NamedTensor } from './types';

export * from './types';
export { readModelFile, detectFormat, MODEL_FORMATS } from './read';
export { readNpyArray, readCsvMatrix } from './numpy';
export {
  CONVENTIONS, blockPermutation, findModules, toPyTorchLayout, fromPyTorchLayout, layerSuffix,
  type Convention, type RecurrentModule, type LinearHead, type ModelContents, type PyTorchLayout,
} from './conventions';
export { inspectModel, type InspectReport } from './inspect';

/**
 * The module a spec's `model.prefix` names; without a prefix, the file's only module. Errors list
 * the prefixes there are.
 */
export function selectModule(contents: ModelContents, prefix: string | undefined, fileName: string): RecurrentModule {
  const names = contents.modules.map(m => JSON.stringify(m.prefix)).join(', ');
  if (prefix === undefined) {
    if (contents.modules.length === 1) return contents.modules[0];
    if (contents.modules.length === 0) throw new ModelFileError(fileName, '', 'no recurrent module (LSTM, GRU, RNN) found');
    throw new ModelFileError(fileName, 'prefix', `the file holds ${contents.modules.length} recurrent modules (${names}): say which with "prefix"`);
  }
  const m = contents.modules.find(x => x.prefix === prefix);
  if (!m) throw new ModelFileError(fileName, 'prefix', `no recurrent module ${JSON.stringify(prefix)}; the file has ${names || 'none'}`);
  return m;
}

/**
 * Spec inputs from a file (`"inputs": {"file": "x.npy"}` or x.csv): a (T, I) matrix. A 1-D .npy of
 * length T is read as (T, 1). `text` decoding of CSV bytes is UTF-8.
 */
export function readInputsFile(bytes: Uint8Array, fileName: string): NamedTensor {
  const t = /\.npy$/i.test(fileName) ? readNpyArray(bytes, fileName)
    : readCsvMatrix(new TextDecoder('utf-8').decode(bytes), fileName);
  if (t.shape.length === 1) return { ...t, shape: [t.shape[0], 1] };
  if (t.shape.length !== 2) throw new ModelFileError(fileName, 'shape', `inputs must be a (T, I) matrix, the array has shape ${JSON.stringify(t.shape)}`);
  return t;
}

