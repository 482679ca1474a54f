// The data model of src/models: a model file read into named tensors (every value converted to
// float64, row-major and contiguous, whatever the file stored), and the typed error every reader
// throws for a bad or unsupported file. Readers take the file's bytes and its name (for messages
// only): reading the file is the caller's job, so this layer has no file system and no vscode.
// See docs/models.md.

export type ModelFormat = 'pytorch' | 'safetensors' | 'npz' | 'npy' | 'onnx' | 'keras';

/**
 * The element types a file may store; every one is converted to float64 on reading. Integer and
 * bool tensors (a BatchNorm's num_batches_tracked) are read so that a whole state_dict loads; only
 * float tensors can be recurrent weights.
 */
export type StoredDtype = 'float64' | 'float32' | 'float16' | 'bfloat16' | 'int64' | 'int32' | 'int16' | 'int8' | 'uint8' | 'bool';

export const FLOAT_DTYPES: readonly StoredDtype[] = ['float64', 'float32', 'float16', 'bfloat16'];

export interface NamedTensor {
  name: string;
  shape: number[];
  /** what the file stored */
  dtype: StoredDtype;
  /** product(shape) values, row-major (C order) */
  data: Float64Array;
}

/** A recurrent node or layer's settings as the file gives them (ONNX attributes, Keras layer config). */
export interface ModelNode {
  /** ONNX node name or Keras layer name */
  name: string;
  /** ONNX op type (LSTM, GRU, RNN) or Keras class name (LSTM, GRU, SimpleRNN) */
  op: string;
  /** input tensor names by role: ONNX W, R, B, P; Keras kernel, recurrent_kernel, bias */
  inputs: Record<string, string>;
  attributes: Record<string, unknown>;
}

export interface ModelFile {
  format: ModelFormat;
  tensors: NamedTensor[];
  /** recurrent nodes (ONNX) or layers (Keras) with their attributes; empty for tensor-only formats */
  nodes: ModelNode[];
  /** file-level attributes (safetensors __metadata__, Keras config) */
  attributes: Record<string, unknown>;
}

/**
 * A bad or unsupported model file. `where` names the place: a key, a tensor, or a byte offset
 * (`byte 8`), so the message `FILE: where: message` points at the problem.
 */
export class ModelFileError extends Error {
  constructor(readonly fileName: string, readonly where: string, readonly detail: string) {
    super(`${fileName}: ${where ? `${where}: ` : ''}${detail}`);
    this.name = 'ModelFileError';
  }
}
