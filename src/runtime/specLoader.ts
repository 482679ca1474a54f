// Loading a spec that may read files (a trained model's weights, inputs from .npy/CSV): the glue
// between the engine's parser (which reads no files, src/engine/spec/files.ts) and the model-file
// readers (src/models). The caller injects `readFile` (spec-relative path → bytes: Node's fs in
// the CLI, vscode.workspace.fs in the extension), so this layer stays free of Node and VS Code.
// The result lists every file the spec depends on, so a caller can watch them and recompute.
// See docs/README.md (layering) and docs/spec-format.md.

import { parseSpec, type ParseSpecOptions } from '../engine/spec';
import { GATHER_STRIDE, type FileLayout, type ResolvedHead, type ResolvedModel, type SpecFileResolver } from '../engine/spec/files';
import type { Spec, SpecIssue } from '../engine/types';
import {
  findModules, fromPyTorchLayout, readInputsFile, readModelFile, selectModule, toPyTorchLayout,
  MODEL_FORMATS, type ModelFormat,
} from '../models';

/** Reads a file named in a spec (relative to the spec's folder, or absolute as written). Throws on failure. */
export type SpecFileReader = (path: string) => Uint8Array;

export interface LoadedSpec {
  spec?: Spec;
  issues: SpecIssue[];
  /** every file the spec reads, as written in it (relative to the spec's folder), also when reading failed */
  dependencies: string[];
}

export interface LoadSpecOptions {
  readFile?: SpecFileReader;
  loss?: ParseSpecOptions['loss'];
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function readBytes(readFile: SpecFileReader, path: string): Uint8Array {
  try {
    return readFile(path);
  } catch (error) {
    // fs errors carry their own text ("ENOENT: no such file or directory, open '…'"): keep the gist
    const code = (error as { code?: unknown }).code;
    const detail = code === 'ENOENT' ? 'file not found' : errorMessage(error);
    throw new Error(`${path}: ${detail}`);
  }
}

/** The model's module in PyTorch layout, its heads, and the gather back to the file's layout. */
export function resolveModel(bytes: Uint8Array, request: { file: string; format?: string; prefix?: string }): ResolvedModel {
  const format = (request.format ?? 'auto') as ModelFormat | 'auto';
  if (!MODEL_FORMATS.includes(format)) throw new Error(`${request.file}: format: unknown format "${format}"; expected ${MODEL_FORMATS.join(', ')}`);
  const file = readModelFile(bytes, request.file, format);
  const contents = findModules(file, request.file);
  const module = selectModule(contents, request.prefix, request.file);
  const layout = toPyTorchLayout(file, module, request.file);
  const tensors: Record<string, Float64Array> = {};
  for (const [name, tensor] of Object.entries(layout)) tensors[name] = tensor.data;
  // the gather: code each PyTorch-layout element by its position, map the codes like values
  const sources = Object.keys(layout);
  const coded: Record<string, Float64Array> = {};
  sources.forEach((name, s) => {
    const codes = new Float64Array(layout[name].data.length);
    for (let k = 0; k < codes.length; k++) codes[k] = s * GATHER_STRIDE + k + 1;
    coded[name] = codes;
  });
  const mapped = fromPyTorchLayout(file, module, coded, request.file);
  const fileLayout: FileLayout = {
    sources,
    tensors: Object.entries(mapped).map(([name, t]) => ({ name, shape: t.shape, gather: t.data })),
  };
  const byName = new Map(file.tensors.map(t => [t.name, t]));
  const heads: Record<string, ResolvedHead> = {};
  for (const head of contents.heads) {
    const weight = byName.get(head.weight)!;
    const bias = head.bias ? byName.get(head.bias) : undefined;
    heads[head.prefix] = {
      weightName: head.weight, outFeatures: head.outFeatures, inFeatures: head.inFeatures, weight: weight.data,
      ...(bias && head.bias ? { biasName: head.bias, bias: bias.data } : {}),
    };
  }
  return {
    file: request.file, format: file.format, prefix: module.prefix, cell: module.cell,
    ...(module.resetAfter === undefined ? {} : { resetAfter: module.resetAfter }),
    inputSize: module.inputSize, hiddenSize: module.hiddenSize, numLayers: module.numLayers, bidirectional: module.bidirectional,
    tensors, heads, layout: fileLayout,
  };
}

/** A resolver over `readFile`, recording what it was asked for. */
export function fileResolver(readFile: SpecFileReader, dependencies: string[]): SpecFileResolver {
  const note = (path: string): void => { if (!dependencies.includes(path)) dependencies.push(path); };
  return {
    model(request) {
      note(request.file);
      return resolveModel(readBytes(readFile, request.file), request);
    },
    inputs(path) {
      note(path);
      const t = readInputsFile(readBytes(readFile, path), path);
      return { shape: t.shape, data: t.data };
    },
  };
}

/**
 * Parses and validates a spec whose `model` and `inputs: {"file"}` are read with `readFile`.
 * Without `readFile`, such a spec gets a positioned error (and its dependencies are still listed).
 */
export function loadSpec(text: string, options: LoadSpecOptions = {}): LoadedSpec {
  const dependencies: string[] = [];
  const files = options.readFile ? fileResolver(options.readFile, dependencies) : undefined;
  const result = parseSpec(text, { loss: options.loss, files });
  for (const path of result.dependencies) if (!dependencies.includes(path)) dependencies.push(path);
  return { spec: result.spec, issues: result.issues, dependencies };
}

/** The files a spec names (model.file, inputs.file, samples[k].inputs.file), as written; reads nothing. */
export function specDependencies(text: string): string[] {
  return parseSpec(text).dependencies;
}

/**
 * loadSpec with an asynchronous reader (vscode.workspace.fs.readFile): the spec's dependencies are
 * read first (a failed read is remembered and reported at its key), then the spec is parsed over
 * those bytes. `readFile` is called once per dependency.
 */
export async function loadSpecAsync(
  text: string,
  options: { readFile: (path: string) => Promise<Uint8Array>; loss?: ParseSpecOptions['loss'] },
): Promise<LoadedSpec> {
  const read = new Map<string, { bytes?: Uint8Array; error?: unknown }>();
  await Promise.all(specDependencies(text).map(async path => {
    try {
      read.set(path, { bytes: await options.readFile(path) });
    } catch (error) {
      read.set(path, { error });
    }
  }));
  return loadSpec(text, {
    loss: options.loss,
    readFile: path => {
      const entry = read.get(path);
      if (!entry) throw new Error('not read (a dependency the first pass did not see)');
      if (entry.error !== undefined) throw entry.error;
      return entry.bytes!;
    },
  });
}
