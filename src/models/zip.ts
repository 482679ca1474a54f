// Zip archives (PyTorch's .pt, NumPy's .npz, Keras's .keras) through fflate's unzipSync. The entry
// count is checked against the archive's size before fflate walks the central directory, and each
// entry before anything is inflated: a declared uncompressed size larger than a
// bound proportional to the file (deflate cannot expand more than ~1032×) is refused, so a forged
// size cannot make us allocate without limit, and fflate's own errors become ModelFileErrors.

import { unzipSync } from 'fflate';
import { ModelFileError } from './types';

/** The most an entry may declare, relative to the archive's size: deflate's worst-case ratio. */
const MAX_EXPANSION = 1100;

/**
 * The number of entries the end-of-central-directory record (or its zip64 twin) declares, found
 * the way fflate finds it. fflate loops that many times, so a forged count would make it spin:
 * each central-directory entry takes at least 46 bytes, so more than size/46 is refused first.
 */
function declaredEntries(bytes: Uint8Array, fileName: string): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u32 = (at: number): number => (at >= 0 && at + 4 <= bytes.length ? view.getUint32(at, true) : -1);
  let e = bytes.length - 22;
  while (u32(e) !== 0x06054b50) {
    if (e <= 0 || bytes.length - e > 65558) throw new ModelFileError(fileName, 'zip', 'not a readable zip archive (no end-of-central-directory record)');
    e--;
  }
  let count = view.getUint16(e + 8, true);
  if (u32(e - 20) === 0x07064b50) {
    const z = u32(e - 12);
    if (u32(z) === 0x06064b50 && z + 36 <= bytes.length) count = view.getUint32(z + 32, true);
  }
  if (count * 46 > bytes.length) throw new ModelFileError(fileName, `zip byte ${e}`, `the archive declares ${count} entries, more than its ${bytes.length} bytes can hold`);
  return count;
}

export function readZip(bytes: Uint8Array, fileName: string): Map<string, Uint8Array> {
  declaredEntries(bytes, fileName);
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
