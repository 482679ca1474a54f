// Zip archives (PyTorch's .pt, NumPy's .npz, Keras's .keras) through fflate's unzipSync. The central
// directory is checked before anything is inflated: a declared uncompressed size larger than a
// bound proportional to the file (deflate cannot expand more than ~1032×) is refused, so a forged
// size cannot make us allocate without limit, and fflate's own errors become ModelFileErrors.

import { unzipSync } from 'fflate';
import { ModelFileError } from './types';

/** The most an entry may declare, relative to the archive's size: deflate's worst-case ratio. */
const MAX_EXPANSION = 1100;

export function readZip(bytes: Uint8Array, fileName: string): Map<string, Uint8Array> {
  let refused: ModelFileError | undefined;
  let entries: Record<string, Uint8Array>;
  const limit = bytes.length * MAX_EXPANSION;
  try {
    entries = unzipSync(bytes, {
      filter: file => {
        if (!(file.originalSize <= limit) || !(file.size <= bytes.length)) {
          refused ??= new ModelFileError(fileName, file.name, `zip entry declares ${file.originalSize} bytes, more than this ${bytes.length}-byte archive can hold`);
          return false;
        }
        return true;
      },
    });
  } catch (error) {
    throw new ModelFileError(fileName, 'zip', `not a readable zip archive (${error instanceof Error ? error.message : String(error)})`);
  }
  if (refused) throw refused;
  return new Map(Object.entries(entries));
}

/** The zip's "PK\x03\x04" local header magic. */
export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}
