// What a spec may read from files (docs/spec-format.md, "Model files" and "Inputs from a file"),
// as the engine sees it: already-decoded numbers. The engine reads no file itself; whoever parses
// a spec with `model` or `inputs: {"file": …}` passes a SpecFileResolver (src/runtime/specLoader.ts
// builds one from a byte reader and src/models). Every value here is plain data, so a Spec built
// from it can be sent to a worker.

import type { StackConfig } from '../stack';

/**
 * How gradients in PyTorch's layout map onto a model file's own tensors: a gather. For each file
 * tensor, `gather[k]` names the PyTorch-layout element its gradient is: 0 for none (a constant),
 * else `source * 2^26 + element + 1` with `source` an index into `sources` (unprefixed PyTorch
 * names, weight_ih_l0 …, p_i_l0 … for ONNX peepholes).
 */
export interface FileLayout {
  sources: string[];
  tensors: { name: string; shape: number[]; gather: Float64Array }[];
}

export const GATHER_STRIDE = 2 ** 26;

/** A linear head found in the model file (PyTorch nn.Linear layout). */
export interface ResolvedHead {
  weightName: string; // e.g. fc.weight
  biasName?: string; // e.g. fc.bias
  outFeatures: number; // C
  inFeatures: number; // K
  weight: Float64Array; // (C, K)
  bias?: Float64Array; // (C)
}

/** One recurrent module of a model file, in PyTorch's layout. */
export interface ResolvedModel extends StackConfig {
  /** the file name as written in the spec, for messages */
  file: string;
  format: string;
  prefix: string;
  /** unprefixed PyTorch-layout tensors: weight_ih_l{k}[_reverse] (G·H, I_k), … (and p_i_l0 p_o_l0 p_f_l0 (H)) */
  tensors: Record<string, Float64Array>;
  /** the file's linear heads by prefix ("fc") */
  heads: Record<string, ResolvedHead>;
  /** the file's own names and layout for frameworkGrads */
  layout: FileLayout;
}

/** Reads what a spec names. Each method throws an Error whose message is "FILE: WHERE: detail". */
export interface SpecFileResolver {
  model(request: { file: string; format?: string; prefix?: string }): ResolvedModel;
  /** a (T, I) matrix */
  inputs(file: string): { shape: number[]; data: Float64Array };
}
