// Element decoding shared by the readers: float64/32/16 and bfloat16, either byte order, into a
// float64 array. Lengths are checked by the caller against the bytes present before this is called,
// so nothing here allocates more than the file holds (8 bytes out per 2 bytes in at most: the
// output is float64).

import { StoredDtype } from './types';

export const DTYPE_BYTES: Record<StoredDtype, number> = {
  float64: 8, float32: 4, float16: 2, bfloat16: 2, int64: 8, int32: 4, int16: 2, int8: 1, uint8: 1, bool: 1,
};

/** IEEE 754 half → number (exact). */
export function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 31) return mantissa ? NaN : sign * Infinity;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

const scratch = new DataView(new ArrayBuffer(4));
const PLATFORM_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
/** bfloat16 (the top 16 bits of a float32) → number (exact). */
export function bfloat16ToNumber(bits: number): number {
  scratch.setUint32(0, bits << 16 >>> 0);
  return scratch.getFloat32(0);
}

/**
 * Decodes `count` elements of `dtype` from `bytes` starting at `byteOffset`, `stride` elements
 * apart (1 = contiguous), into out[outOffset ..]. The caller has checked the range lies in bytes.
 */
export function decodeElements(bytes: Uint8Array, byteOffset: number, dtype: StoredDtype, littleEndian: boolean,
  count: number, out: Float64Array, outOffset = 0): void {
  const size = DTYPE_BYTES[dtype];
  // fast path: aligned little-endian float32/float64 on a little-endian machine is a typed-array copy
  if (littleEndian && PLATFORM_LITTLE_ENDIAN && (dtype === 'float32' || dtype === 'float64') && (bytes.byteOffset + byteOffset) % size === 0) {
    const source = dtype === 'float32' ? new Float32Array(bytes.buffer, bytes.byteOffset + byteOffset, count) : new Float64Array(bytes.buffer, bytes.byteOffset + byteOffset, count);
    out.set(source, outOffset);
    return;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let k = 0; k < count; k++) {
    const at = byteOffset + k * size;
    switch (dtype) {
      case 'float64': out[outOffset + k] = view.getFloat64(at, littleEndian); break;
      case 'float32': out[outOffset + k] = view.getFloat32(at, littleEndian); break;
      case 'float16': out[outOffset + k] = halfToNumber(view.getUint16(at, littleEndian)); break;
      case 'bfloat16': out[outOffset + k] = bfloat16ToNumber(view.getUint16(at, littleEndian)); break;
      case 'int64': out[outOffset + k] = Number(view.getBigInt64(at, littleEndian)); break;
      case 'int32': out[outOffset + k] = view.getInt32(at, littleEndian); break;
      case 'int16': out[outOffset + k] = view.getInt16(at, littleEndian); break;
      case 'int8': out[outOffset + k] = view.getInt8(at); break;
      case 'uint8': out[outOffset + k] = view.getUint8(at); break;
      case 'bool': out[outOffset + k] = view.getUint8(at) ? 1 : 0; break;
    }
  }
}

/** Product of a shape's dimensions; NaN when a dimension is not a non-negative safe integer. */
export function elementCount(shape: readonly unknown[]): number {
  let n = 1;
  for (const d of shape) {
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) return NaN;
    n *= d;
    if (!Number.isSafeInteger(n)) return NaN;
  }
  return n;
}
