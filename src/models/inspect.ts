// What `inspect FILE --json` prints (docs/cli.md): every recurrent module and every tensor in a
// model file, as plain JSON-ready objects with exactly the documented keys.

import { findModules } from './conventions';
import { ModelFile } from './types';

export interface InspectReport {
  modules: { prefix: string; cell: string; numLayers: number; bidirectional: boolean; hiddenSize: number; inputSize: number; dtype: string; convention: string }[];
  tensors: { name: string; shape: number[]; dtype: string }[];
}

export function inspectModel(file: ModelFile, fileName: string): InspectReport {
  const { modules } = findModules(file, fileName);
  return {
    modules: modules.map(m => ({
      prefix: m.prefix, cell: m.cell, numLayers: m.numLayers, bidirectional: m.bidirectional,
      hiddenSize: m.hiddenSize, inputSize: m.inputSize, dtype: m.dtype, convention: m.convention,
    })),
    tensors: file.tensors.map(t => ({ name: t.name, shape: t.shape.slice(), dtype: t.dtype })),
  };
}
