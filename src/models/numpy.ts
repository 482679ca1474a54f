// NumPy .npy arrays and .npz archives (a zip of NAME.npy files, as np.savez writes). A .npy file is
// "\x93NUMPY", a version, a header length, a Python-literal header
// {'descr': '<f8', 'fortran_order': False, 'shape': (5, 3), } and the raw data. The header is
// parsed by a small literal reader (never evaluated); fortran_order arrays are transposed to
// row-major. The .npy reader also serves spec inputs {"file": "x.npy"}. See docs/models.md.

import { DTYPE_BYTES, decodeElements, elementCount } from './dtypes';
import { ModelFile, ModelFileError, NamedTensor, StoredDtype } from './types';
import { readZip } from './zip';

const NPY_MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

export function isNpy(bytes: Uint8Array): boolean {
  return bytes.length >= 6 && NPY_MAGIC.every((b, k) => bytes[k] === b);
}

const DESCR: Record<string, StoredDtype> = {
  f8: 'float64', f4: 'float32', f2: 'float16', i8: 'int64', i4: 'int32', i2: 'int16', i1: 'int8', u1: 'uint8', b1: 'bool',
};

/** Reads one .npy array; `name` is the tensor's name (the .npz member without .npy), `where` prefixes positions. */
export function readNpyArray(bytes: Uint8Array, fileName: string, name = '', where = ''): NamedTensor {
  const at = (offset: number): string => `${where}byte ${offset}`;
  if (!isNpy(bytes)) throw new ModelFileError(fileName, at(0), 'not a NumPy .npy array (no \\x93NUMPY magic)');
  if (bytes.length < 10) throw new ModelFileError(fileName, at(6), 'truncated .npy header');
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLength: number, headerStart: number;
  if (major === 1) { headerLength = view.getUint16(8, true); headerStart = 10; }
  else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw new ModelFileError(fileName, at(6), 'truncated .npy header');
    headerLength = view.getUint32(8, true); headerStart = 12;
  } else throw new ModelFileError(fileName, at(6), `unknown .npy version ${major}`);
  if (headerStart + headerLength > bytes.length) throw new ModelFileError(fileName, at(8), `header length ${headerLength} is past the end of the ${bytes.length}-byte array`);
  const header = new TextDecoder('latin1').decode(bytes.subarray(headerStart, headerStart + headerLength));
  const field = (key: string): string | undefined => new RegExp(`['"]${key}['"]\\s*:\\s*(\\([^)]*\\)|'[^']*'|"[^"]*"|True|False)`).exec(header)?.[1];
  const descr = field('descr');
  const fortran = field('fortran_order');
  const shapeText = field('shape');
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new ModelFileError(fileName, at(headerStart), `header ${JSON.stringify(header.trim())} lacks descr, fortran_order or shape`);
  }
  const code = descr.slice(1, -1);
  const order = code[0];
  const dtype = DESCR[code.slice(1)];
  if (dtype === undefined || !'<>|='.includes(order)) throw new ModelFileError(fileName, at(headerStart), `dtype ${code} is not supported (<f8, <f4, <f2 and integer types are read)`);
  const shapeParts = shapeText.slice(1, -1).split(',').map(s => s.trim()).filter(s => s !== '');
  if (!shapeParts.every(s => /^\d{1,15}$/.test(s))) throw new ModelFileError(fileName, at(headerStart), `shape ${shapeText} is not a tuple of integers`);
  const shape = shapeParts.map(Number);
  const count = elementCount(shape);
  const dataStart = headerStart + headerLength;
  const size = DTYPE_BYTES[dtype];
  if (!(count * size <= bytes.length - dataStart)) {
    throw new ModelFileError(fileName, at(dataStart), `shape ${shapeText} of ${code} needs ${count * size} bytes, the array holds ${bytes.length - dataStart}`);
  }
  const stored = new Float64Array(count);
  decodeElements(bytes, dataStart, dtype, order !== '>', count, stored);
  const data = fortran === 'True' && shape.length > 1 ? fortranToRowMajor(stored, shape) : stored;
  return { name, shape, dtype, data };
}

/** Column-major (first index fastest) → row-major (last index fastest). */
function fortranToRowMajor(src: Float64Array, shape: number[]): Float64Array {
  const out = new Float64Array(src.length);
  const rank = shape.length;
  const index = new Array<number>(rank).fill(0);
  for (let k = 0; k < src.length; k++) {
    // k is the row-major position of `index`; its column-major position:
    let f = 0;
    for (let axis = rank - 1; axis >= 0; axis--) f = f * shape[axis] + index[axis];
    out[k] = src[f];
    for (let axis = rank - 1; axis >= 0; axis--) {
      if (++index[axis] < shape[axis]) break;
      index[axis] = 0;
    }
  }
  return out;
}

export function readNpy(bytes: Uint8Array, fileName: string): ModelFile {
  return { format: 'npy', tensors: [readNpyArray(bytes, fileName)], nodes: [], attributes: {} };
}

export function readNpz(bytes: Uint8Array, fileName: string): ModelFile {
  const tensors: NamedTensor[] = [];
  for (const [member, data] of readZip(bytes, fileName)) {
    if (!member.endsWith('.npy')) continue;
    tensors.push(readNpyArray(data, fileName, member.slice(0, -4), `${member} `));
  }
  if (tensors.length === 0) throw new ModelFileError(fileName, 'zip', 'the archive holds no .npy arrays');
  return { format: 'npz', tensors, nodes: [], attributes: {} };
}

/**
 * Spec inputs from a CSV (or whitespace-separated) text: T rows of I numbers; blank lines and
 * lines starting with # are skipped. Errors give line and column (1-based).
 */
export function readCsvMatrix(text: string, fileName: string): NamedTensor {
  const rows: number[][] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((line, k) => {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const row: number[] = [];
    const cell = /[^,;\s]+/g;
    let match: RegExpExecArray | null;
    while ((match = cell.exec(line)) !== null) {
      const token = match[0];
      const value = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(token) ? Number(token) : NaN;
      if (!Number.isFinite(value)) throw new ModelFileError(fileName, `line ${k + 1} column ${match.index + 1}`, `${JSON.stringify(token)} is not a number`);
      row.push(value);
    }
    if (rows.length > 0 && row.length !== rows[0].length) {
      throw new ModelFileError(fileName, `line ${k + 1} column 1`, `${row.length} values, the first row has ${rows[0].length}`);
    }
    rows.push(row);
  });
  if (rows.length === 0) throw new ModelFileError(fileName, 'line 1 column 1', 'no rows of numbers');
  const I = rows[0].length;
  const data = new Float64Array(rows.length * I);
  rows.forEach((row, t) => data.set(row, t * I));
  return { name: '', shape: [rows.length, I], dtype: 'float64', data };
}
