// Which reader a model file needs (by magic bytes first, then by extension) and the one entry
// point `readModelFile(bytes, fileName, format)` that runs it. Every failure is a ModelFileError;
// anything else escaping a reader (a library bug) is wrapped into one, so a caller can always show
// `FILE: message` and never a stack trace. See docs/models.md.

import { readKerasH5, readKerasZip, isHdf5 } from './keras';
import { isNpy, readNpy, readNpz } from './numpy';
import { readOnnx } from './onnx';
import { isLegacyTorch, readPyTorch } from './pytorch';
import { readSafetensors } from './safetensors';
import { ModelFile, ModelFileError, ModelFormat } from './types';
import { isZip } from './zip';

/** The `model.format` values of a spec (docs/spec-format.md); `auto` detects. */
export const MODEL_FORMATS: readonly (ModelFormat | 'auto')[] = ['auto', 'pytorch', 'safetensors', 'npz', 'npy', 'onnx', 'keras'];

const BY_EXTENSION: [RegExp, ModelFormat][] = [
  [/\.(pt|pth|bin|ckpt)$/i, 'pytorch'], [/\.safetensors$/i, 'safetensors'], [/\.npz$/i, 'npz'], [/\.npy$/i, 'npy'],
  [/\.onnx$/i, 'onnx'], [/\.(keras|h5|hdf5)$/i, 'keras'],
];

/** The file names inside a zip's local headers, without inflating anything (first 64 entries). */
function zipMemberNames(bytes: Uint8Array): string[] {
  const names: string[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 0;
  while (names.length < 64 && pos + 30 <= bytes.length && view.getUint32(pos, true) === 0x04034b50) {
    const compressed = view.getUint32(pos + 18, true);
    const nameLength = view.getUint16(pos + 26, true);
    const extraLength = view.getUint16(pos + 28, true);
    if (pos + 30 + nameLength > bytes.length) break;
    names.push(new TextDecoder().decode(bytes.subarray(pos + 30, pos + 30 + nameLength)));
    const flags = view.getUint16(pos + 6, true);
    if (flags & 8) break; // sizes follow the data: stop listing, the names so far decide
    pos += 30 + nameLength + extraLength + compressed;
  }
  return names;
}

export function detectFormat(bytes: Uint8Array, fileName: string): ModelFormat {
  if (isLegacyTorch(bytes)) return 'pytorch';
  if (isHdf5(bytes)) return 'keras';
  if (isNpy(bytes)) return 'npy';
  const byExtension = BY_EXTENSION.find(([re]) => re.test(fileName))?.[1];
  if (isZip(bytes)) {
    const names = zipMemberNames(bytes);
    if (names.some(n => n === 'data.pkl' || n.endsWith('/data.pkl'))) return 'pytorch';
    if (names.includes('config.json') || names.includes('model.weights.h5') || names.includes('metadata.json')) return 'keras';
    if (names.some(n => n.endsWith('.npy'))) return 'npz';
    if (byExtension) return byExtension;
  }
  if (byExtension) return byExtension;
  if (bytes.length >= 9 && bytes[8] === 0x7b && bytes[5] === 0 && bytes[6] === 0 && bytes[7] === 0) return 'safetensors';
  throw new ModelFileError(fileName, 'byte 0', 'unknown model format: expected .pt/.pth, .safetensors, .npz, .npy, .onnx, .keras or .h5');
}

export function readModelFile(bytes: Uint8Array, fileName: string, format: ModelFormat | 'auto' = 'auto'): ModelFile {
  try {
    const f = format === 'auto' ? detectFormat(bytes, fileName) : format;
    switch (f) {
      case 'pytorch': return readPyTorch(bytes, fileName);
      case 'safetensors': return readSafetensors(bytes, fileName);
      case 'npz': return readNpz(bytes, fileName);
      case 'npy': return readNpy(bytes, fileName);
      case 'onnx': return readOnnx(bytes, fileName);
      case 'keras': return isHdf5(bytes) ? readKerasH5(bytes, fileName) : readKerasZip(bytes, fileName);
    }
  } catch (error) {
    if (error instanceof ModelFileError) throw error;
    // a library's own exception (RangeError from a forged size, a string thrown by jsfive)
    throw new ModelFileError(fileName, '', `unreadable (${error instanceof Error ? error.message : String(error)})`);
  }
}
