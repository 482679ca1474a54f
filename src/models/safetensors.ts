// safetensors files: an 8-byte little-endian header length N, N bytes of JSON
// {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {…}}, then the raw
// little-endian data, offsets relative to the end of the header. The length is checked against
// the file before the header is decoded, and each tensor's byte range against its shape and the
// data present, before anything is allocated. See docs/models.md.

import { DTYPE_BYTES, decodeElements, elementCount } from './dtypes';
import { ModelFile, ModelFileError, NamedTensor, StoredDtype } from './types';

const DTYPES: Record<string, StoredDtype> = {
  F64: 'float64', F32: 'float32', F16: 'float16', BF16: 'bfloat16', I64: 'int64', I32: 'int32', I16: 'int16', I8: 'int8', U8: 'uint8', BOOL: 'bool',
};

export function readSafetensors(bytes: Uint8Array, fileName: string): ModelFile {
  if (bytes.length < 8) throw new ModelFileError(fileName, 'byte 0', `truncated: ${bytes.length} bytes, the 8-byte header length is missing`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(0, true) + view.getUint32(4, true) * 2 ** 32;
  if (headerLength > bytes.length - 8) {
    throw new ModelFileError(fileName, 'byte 0', `header length ${headerLength} is past the end of the ${bytes.length}-byte file`);
  }
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLength)));
  } catch (error) {
    throw new ModelFileError(fileName, 'byte 8', `the header is not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw new ModelFileError(fileName, 'byte 8', 'the header is not a JSON object');
  const dataStart = 8 + headerLength;
  const dataLength = bytes.length - dataStart;
  const tensors: NamedTensor[] = [];
  let metadata: unknown = {};
  for (const [name, entry] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') { metadata = entry; continue; }
    const bad = (message: string): never => { throw new ModelFileError(fileName, name, message); };
    if (typeof entry !== 'object' || entry === null) bad('not an object with dtype, shape and data_offsets');
    const { dtype, shape, data_offsets: offsets } = entry as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    const stored = typeof dtype === 'string' ? DTYPES[dtype] : undefined;
    if (stored === undefined) bad(`unknown dtype ${JSON.stringify(dtype)} (F64, F32, F16, BF16 are read)`);
    if (!Array.isArray(shape)) bad('shape is not an array');
    const count = elementCount(shape as unknown[]);
    if (Number.isNaN(count)) bad(`shape ${JSON.stringify(shape)} is not a list of non-negative integers`);
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(o => Number.isSafeInteger(o) && o >= 0)) bad('data_offsets is not [begin, end]');
    const [begin, end] = offsets as [number, number];
    if (end < begin || end > dataLength) bad(`data_offsets [${begin}, ${end}] are past the end of the data (${dataLength} bytes, from byte ${dataStart})`);
    const size = DTYPE_BYTES[stored as StoredDtype];
    if (end - begin !== count * size) bad(`shape ${JSON.stringify(shape)} needs ${count * size} bytes of ${dtype}, data_offsets give ${end - begin}`);
    const data = new Float64Array(count);
    decodeElements(bytes, dataStart + begin, stored as StoredDtype, true, count, data);
    tensors.push({ name, shape: (shape as number[]).slice(), dtype: stored as StoredDtype, data });
  }
  return { format: 'safetensors', tensors, nodes: [], attributes: { metadata } };
}
