// PyTorch .pt/.pth files written by torch.save(model.state_dict(), f) in the zip format (PyTorch
// ≥ 1.6): <archive>/data.pkl (the state_dict, read by the restricted unpickler in pickle.ts),
// <archive>/data/<key> (one raw storage per key) and <archive>/byteorder. A tensor is a view of a
// storage: storage_offset, size and stride are honoured, and the view is copied out row-major.
// Nested dicts (a checkpoint {"model": state_dict, "epoch": 3}) are flattened with dotted names;
// values that are not tensors are skipped. See docs/models.md.

import { DTYPE_BYTES, decodeElements, elementCount } from './dtypes';
import { PyDict, PyValue, StorageRef, TensorRef, unpickle } from './pickle';
import { ModelFile, ModelFileError, NamedTensor } from './types';
import { isZip, readZip } from './zip';

/** The legacy (non-zip) torch.save format opens with a pickled magic number: PROTO 2, LONG1 10 bytes. */
export function isLegacyTorch(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x80 && bytes[1] === 0x02 && bytes[2] === 0x8a && bytes[3] === 0x0a;
}

export function readPyTorch(bytes: Uint8Array, fileName: string): ModelFile {
  if (isLegacyTorch(bytes)) {
    throw new ModelFileError(fileName, 'byte 0', 'this is the legacy (non-zip) torch.save format, which is not supported: ' +
      're-save it with PyTorch ≥ 1.6: torch.save(model.state_dict(), f)');
  }
  if (!isZip(bytes)) throw new ModelFileError(fileName, 'byte 0', 'not a PyTorch zip file (torch.save in PyTorch ≥ 1.6 writes a zip archive)');
  const entries = readZip(bytes, fileName);
  const pklName = [...entries.keys()].find(name => name === 'data.pkl' || name.endsWith('/data.pkl'));
  if (pklName === undefined) throw new ModelFileError(fileName, 'data.pkl', 'the archive has no data.pkl: not written by torch.save');
  const root = pklName.slice(0, pklName.length - 'data.pkl'.length);
  const byteorder = entries.get(`${root}byteorder`);
  const littleEndian = byteorder === undefined || new TextDecoder().decode(byteorder).trim() !== 'big';
  const value = unpickle(entries.get(pklName) as Uint8Array, fileName, pklName);
  if (!(value instanceof PyDict)) {
    throw new ModelFileError(fileName, pklName, 'the pickle does not hold a dict of tensors: save model.state_dict() instead: torch.save(model.state_dict(), f)');
  }
  const tensors: NamedTensor[] = [];
  let budget = bytes.length; // total elements allowed: no more than the file has bytes
  const visit = (dict: PyDict, prefix: string, depth: number): void => {
    for (const [key, v] of dict.entries) {
      const name = prefix + String(key);
      if (v instanceof TensorRef) {
        const t = materialize(v, name, entries, root, littleEndian, fileName, budget);
        budget -= t.data.length;
        tensors.push(t);
      } else if (v instanceof PyDict && depth < 8) {
        visit(v, `${name}.`, depth + 1);
      }
    }
  };
  visit(value, '', 0);
  return { format: 'pytorch', tensors, nodes: [], attributes: {} };
}

function materialize(t: TensorRef, name: string, entries: Map<string, Uint8Array>, root: string, littleEndian: boolean,
  fileName: string, budget: number): NamedTensor {
  const s: StorageRef = t.storage;
  if (s.dtype === undefined) throw new ModelFileError(fileName, name, `storage type ${s.typeName} is not supported`);
  const storageName = `${root}data/${s.key}`;
  const raw = entries.get(storageName);
  if (raw === undefined) throw new ModelFileError(fileName, name, `its storage ${storageName} is missing from the archive`);
  const size = DTYPE_BYTES[s.dtype];
  if (raw.length < s.numel * size) {
    throw new ModelFileError(fileName, name, `storage ${storageName} holds ${raw.length} bytes, ${s.numel} ${s.dtype} elements need ${s.numel * size}`);
  }
  const count = elementCount(t.shape);
  if (!(count <= budget)) throw new ModelFileError(fileName, name, `shape ${JSON.stringify(t.shape)} has more elements than the file has bytes`);
  if (t.offset < 0 || t.stride.some(st => st < 0)) throw new ModelFileError(fileName, name, 'negative storage offset or stride');
  if (count > 0) {
    let last = t.offset;
    t.shape.forEach((d, k) => { last += (d - 1) * t.stride[k]; });
    if (last >= s.numel) {
      throw new ModelFileError(fileName, name, `size ${JSON.stringify(t.shape)}, stride ${JSON.stringify(t.stride)} and offset ${t.offset} reach element ${last} of a ${s.numel}-element storage`);
    }
  }
  const data = new Float64Array(count);
  // a contiguous row-major view (the usual case) is decoded in one pass
  let contiguous = true;
  for (let axis = t.shape.length - 1, expected = 1; axis >= 0; axis--) {
    if (t.shape[axis] !== 1 && t.stride[axis] !== expected) contiguous = false;
    expected *= t.shape[axis];
  }
  if (contiguous) {
    decodeElements(raw, t.offset * size, s.dtype, littleEndian, count, data);
    return { name, shape: t.shape.slice(), dtype: s.dtype, data };
  }
  // otherwise walk the view in row-major order: an odometer over the shape
  const rank = t.shape.length;
  const index = new Array<number>(rank).fill(0);
  let at = t.offset;
  for (let k = 0; k < count; k++) {
    decodeElements(raw, at * size, s.dtype, littleEndian, 1, data, k);
    for (let axis = rank - 1; axis >= 0; axis--) {
      index[axis]++;
      at += t.stride[axis];
      if (index[axis] < t.shape[axis]) break;
      at -= t.stride[axis] * index[axis];
      index[axis] = 0;
    }
  }
  return { name, shape: t.shape.slice(), dtype: s.dtype, data };
}

export type { PyValue };
