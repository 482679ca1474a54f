// A minimal protobuf wire-format decoder, enough for the ONNX messages onnx.ts reads (ModelProto →
// GraphProto → NodeProto, AttributeProto, TensorProto). Written by hand rather than using
// protobufjs: protobufjs builds its decoders at run time with `new Function` (code generation the
// rest of this layer avoids, and which a strict CSP forbids), pulls in `eval("require")` through
// @protobufjs/inquire, and costs ~70 kB bundled for six messages of which we read ~20 fields.
// Every length is checked against the enclosing message before use, and each field advances the
// position, so a corrupt file ends in an error, never a hang. See docs/models.md.

export interface WireField {
  /** field number */
  no: number;
  /** 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32 */
  wire: number;
  /** varint value (wire 0); for wire 1, 2, 5 the payload is bytes[start, end) */
  value: number;
  start: number;
  end: number;
}

export type Fail = (message: string, at: number) => never;

/** Reads a varint at `pos`; returns [value, next position]. Values past 2^53 lose precision (never a length we accept). */
export function readVarint(bytes: Uint8Array, pos: number, end: number, fail: Fail): [number, number] {
  let value = 0;
  let scale = 1;
  for (let k = 0; k < 10; k++) {
    if (pos >= end) fail('truncated varint', pos);
    const b = bytes[pos++];
    value += (b & 0x7f) * scale;
    if (!(b & 0x80)) return [value, pos];
    scale *= 128;
  }
  return fail('varint longer than 10 bytes', pos);
}

/** The fields of the message in bytes[start, end), in file order. */
export function readFields(bytes: Uint8Array, start: number, end: number, fail: Fail): WireField[] {
  const out: WireField[] = [];
  let pos = start;
  while (pos < end) {
    const at = pos;
    const [key, next] = readVarint(bytes, pos, end, fail);
    pos = next;
    const no = Math.floor(key / 8);
    const wire = key % 8;
    if (no === 0) fail('field number 0', at);
    switch (wire) {
      case 0: { const [value, after] = readVarint(bytes, pos, end, fail); out.push({ no, wire, value, start: pos, end: after }); pos = after; break; }
      case 1: if (pos + 8 > end) fail('truncated fixed64 field', pos); out.push({ no, wire, value: 0, start: pos, end: pos + 8 }); pos += 8; break;
      case 5: if (pos + 4 > end) fail('truncated fixed32 field', pos); out.push({ no, wire, value: 0, start: pos, end: pos + 4 }); pos += 4; break;
      case 2: {
        const [length, after] = readVarint(bytes, pos, end, fail);
        if (length > end - after) fail(`field ${no} declares ${length} bytes, ${end - after} are left in its message`, pos);
        out.push({ no, wire, value: length, start: after, end: after + length });
        pos = after + length;
        break;
      }
      default: fail(`wire type ${wire} (field ${no}) is not supported`, at);
    }
  }
  return out;
}

export function fieldString(bytes: Uint8Array, f: WireField): string {
  return new TextDecoder().decode(bytes.subarray(f.start, f.end));
}

/** A repeated scalar field, packed (wire 2) or not; `element` reads one value at a position. */
export function repeatedNumbers(bytes: Uint8Array, fs: WireField[], size: 4 | 8 | 'varint', read: (view: DataView, at: number) => number,
  fail: Fail, push: (v: number) => void): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const f of fs) {
    if (size === 'varint') {
      if (f.wire === 0) { push(f.value); continue; }
      if (f.wire !== 2) fail(`field ${f.no} has the wrong wire type`, f.start);
      let pos = f.start;
      while (pos < f.end) { const [v, next] = readVarint(bytes, pos, f.end, fail); push(v); pos = next; }
      continue;
    }
    if (f.wire === 2) {
      if ((f.end - f.start) % size) fail(`packed field ${f.no} is not a whole number of ${size}-byte values`, f.start);
      for (let at = f.start; at < f.end; at += size) push(read(view, at));
    } else if (f.wire === (size === 4 ? 5 : 1)) push(read(view, f.start));
    else fail(`field ${f.no} has the wrong wire type`, f.start);
  }
}

/** Signed int64 from a varint that protobuf stores as a 64-bit two's complement. */
export function int64FromVarint(v: number): number {
  return v >= 2 ** 63 ? v - 2 ** 64 : v;
}
