// A restricted unpickler for the pickles torch.save writes for a state_dict (data.pkl in the zip
// format). It EXECUTES NOTHING: every GLOBAL is looked up in ALLOWED_GLOBALS, a table of the few
// callables a state_dict needs, each re-implemented here as plain data construction (an ordered
// dict, a tensor reference into a storage). Any other global — os.system, builtins.eval, the
// user's own class from torch.save(model) — is refused with its module.name. Only the opcodes of
// protocols 2–4 that torch emits are understood; any other opcode is refused with its byte
// offset. Every read is bounds-checked and each opcode advances the position, so a malformed
// pickle ends in a ModelFileError, never a hang. See docs/models.md.

import { ModelFileError, StoredDtype } from './types';

export class PyTuple { constructor(readonly items: PyValue[]) {} }
export class PyDict {
  readonly entries = new Map<string | number | boolean | null, PyValue>();
  /** instance attributes set by BUILD (torch's `_metadata`), kept but unused */
  state: PyValue = null;
}
export class PyGlobal { constructor(readonly module: string, readonly name: string) {} }
/** A storage named by BINPERSID: ('storage', torch.FloatStorage, key, location, numel). */
export class StorageRef { constructor(readonly dtype: StoredDtype | undefined, readonly typeName: string, readonly key: string, readonly numel: number) {} }
/** torch._utils._rebuild_tensor_v2(storage, storage_offset, size, stride, …) */
export class TensorRef { constructor(readonly storage: StorageRef, readonly offset: number, readonly shape: number[], readonly stride: number[]) {} }

export type PyValue = null | boolean | number | string | Uint8Array | PyValue[] | PyTuple | PyDict | PyGlobal | StorageRef | TensorRef;

/** torch.<X>Storage → element type. */
const STORAGE_TYPES: Record<string, StoredDtype> = {
  DoubleStorage: 'float64', FloatStorage: 'float32', HalfStorage: 'float16', BFloat16Storage: 'bfloat16',
  LongStorage: 'int64', IntStorage: 'int32', ShortStorage: 'int16', CharStorage: 'int8', ByteStorage: 'uint8', BoolStorage: 'bool',
};

type Callable = (args: PyValue[], fail: (message: string) => never) => PyValue;

const asInt = (v: PyValue, what: string, fail: (m: string) => never): number => {
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) fail(`${what} must be an integer`);
  return v as number;
};
const asIntTuple = (v: PyValue, what: string, fail: (m: string) => never): number[] => {
  if (!(v instanceof PyTuple)) fail(`${what} must be a tuple`);
  return (v as PyTuple).items.map((x, k) => asInt(x, `${what}[${k}]`, fail));
};

/**
 * The allow-list: module.name → what calling it builds. Storage types are data (the persistent
 * id names them); calling one is not allowed.
 */
const ALLOWED_GLOBALS: Record<string, Callable | 'data'> = {
  'collections.OrderedDict': args => {
    if (args.length > 0) throw new Error('OrderedDict with arguments');
    return new PyDict();
  },
  'torch._utils._rebuild_tensor_v2': (args, fail) => {
    const [storage, offset, size, stride] = args;
    if (!(storage instanceof StorageRef)) fail('_rebuild_tensor_v2: the first argument is not a storage');
    const shape = asIntTuple(size, 'size', fail);
    const strides = asIntTuple(stride, 'stride', fail);
    if (shape.length !== strides.length) fail(`size ${JSON.stringify(shape)} and stride ${JSON.stringify(strides)} differ in length`);
    return new TensorRef(storage as StorageRef, asInt(offset, 'storage_offset', fail), shape, strides);
  },
  'torch._utils._rebuild_parameter': (args, fail) => {
    if (!(args[0] instanceof TensorRef)) fail('_rebuild_parameter: the first argument is not a tensor');
    return args[0];
  },
  // newer torch, for a Parameter with Python attributes: (data, requires_grad, hooks, state)
  'torch._utils._rebuild_parameter_with_state': (args, fail) => {
    if (!(args[0] instanceof TensorRef)) fail('_rebuild_parameter_with_state: the first argument is not a tensor');
    return args[0];
  },
  ...Object.fromEntries(Object.keys(STORAGE_TYPES).map(name => [`torch.${name}`, 'data' as const])),
};

export function isAllowedGlobal(module: string, name: string): boolean {
  return Object.prototype.hasOwnProperty.call(ALLOWED_GLOBALS, `${module}.${name}`);
}

const MARK = Symbol('mark');
type StackItem = PyValue | typeof MARK;

/** Unpickles `bytes` (the whole of data.pkl). `where` names it in errors (`archive/data.pkl`). */
export function unpickle(bytes: Uint8Array, fileName: string, where: string): PyValue {
  let pos = 0;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const stack: StackItem[] = [];
  const memo = new Map<number, PyValue>();
  const fail = (message: string, at = pos): never => { throw new ModelFileError(fileName, `${where} byte ${at}`, message); };
  const need = (n: number): number => {
    if (!(n >= 0) || pos + n > bytes.length) fail(`pickle truncated: ${n} more bytes needed, ${bytes.length - pos} left`);
    const at = pos;
    pos += n;
    return at;
  };
  const text = (n: number): string => {
    const at = need(n);
    return new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(at, at + n));
  };
  const line = (): string => {
    const end = bytes.indexOf(0x0a, pos);
    if (end < 0) fail('pickle truncated: a GLOBAL line has no end');
    const s = text(end - pos);
    pos++;
    return s;
  };
  const pop = (): PyValue => {
    const v = stack.pop();
    if (v === undefined || v === MARK) fail('pickle stack underflow');
    return v as PyValue;
  };
  const top = (): PyValue => {
    const v = stack[stack.length - 1];
    if (v === undefined || v === MARK) fail('pickle stack underflow');
    return v as PyValue;
  };
  const popMark = (): PyValue[] => {
    const k = stack.lastIndexOf(MARK);
    if (k < 0) fail('pickle has no MARK to pop to');
    const items = stack.splice(k) as PyValue[];
    items.shift();
    return items;
  };
  const setItems = (dict: PyValue, items: PyValue[]): void => {
    if (!(dict instanceof PyDict)) fail('SETITEM(S) on something that is not a dict');
    if (items.length % 2) fail('SETITEMS with an odd number of items');
    for (let k = 0; k < items.length; k += 2) {
      const key = items[k];
      if (!(key === null || typeof key === 'string' || typeof key === 'number' || typeof key === 'boolean')) fail('a dict key that is not a string or number');
      (dict as PyDict).entries.set(key as string, items[k + 1]);
    }
  };
  const callGlobal = (callee: PyValue, args: PyValue[]): PyValue => {
    if (!(callee instanceof PyGlobal)) fail('REDUCE on something that is not an allowed global');
    const g = callee as PyGlobal;
    const entry = ALLOWED_GLOBALS[`${g.module}.${g.name}`];
    if (typeof entry !== 'function') fail(`calling ${g.module}.${g.name} is not allowed`);
    try {
      return (entry as Callable)(args, m => fail(`${g.module}.${g.name}: ${m}`));
    } catch (error) {
      if (error instanceof ModelFileError) throw error;
      return fail(`${g.module}.${g.name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  const global = (module: string, name: string, at: number): PyGlobal => {
    if (!isAllowedGlobal(module, name)) {
      fail(`refused global ${module}.${name}: only the globals a state_dict needs are allowed (nothing from the file is executed); ` +
        'save model.state_dict() instead of the model object: torch.save(model.state_dict(), f)', at);
    }
    return new PyGlobal(module, name);
  };
  const persistentLoad = (pid: PyValue): StorageRef => {
    if (!(pid instanceof PyTuple) || pid.items[0] !== 'storage' || pid.items.length < 5) fail('a persistent id that is not a torch storage');
    const [, type, key, , numel] = (pid as PyTuple).items;
    if (!(type instanceof PyGlobal) || typeof key !== 'string') fail('a malformed storage persistent id');
    const typeName = `${(type as PyGlobal).module}.${(type as PyGlobal).name}`;
    return new StorageRef(STORAGE_TYPES[(type as PyGlobal).name], typeName, key as string, asInt(numel, 'storage size', fail));
  };

  while (pos < bytes.length) {
    const at = pos;
    const op = bytes[pos++];
    switch (op) {
      case 0x80: need(1); break; // PROTO
      case 0x95: need(8); break; // FRAME: a length hint only
      case 0x2e: { // STOP
        const result = pop();
        return result;
      }
      case 0x28: stack.push(MARK); break; // MARK
      case 0x7d: stack.push(new PyDict()); break; // EMPTY_DICT
      case 0x29: stack.push(new PyTuple([])); break; // EMPTY_TUPLE
      case 0x5d: stack.push([]); break; // EMPTY_LIST
      case 0x4e: stack.push(null); break; // NONE
      case 0x88: stack.push(true); break; // NEWTRUE
      case 0x89: stack.push(false); break; // NEWFALSE
      case 0x74: stack.push(new PyTuple(popMark())); break; // TUPLE
      case 0x85: stack.push(new PyTuple([pop()])); break; // TUPLE1
      case 0x86: { const b = pop(); const a = pop(); stack.push(new PyTuple([a, b])); break; } // TUPLE2
      case 0x87: { const c = pop(); const b = pop(); const a = pop(); stack.push(new PyTuple([a, b, c])); break; } // TUPLE3
      case 0x64: { const items = popMark(); const d = new PyDict(); setItems(d, items); stack.push(d); break; } // DICT
      case 0x73: { const v = pop(); const k = pop(); setItems(top(), [k, v]); break; } // SETITEM
      case 0x75: { const items = popMark(); setItems(top(), items); break; } // SETITEMS
      case 0x61: { const v = pop(); const list = top(); if (!Array.isArray(list)) fail('APPEND to something that is not a list', at); (list as PyValue[]).push(v); break; } // APPEND
      case 0x65: { const items = popMark(); const list = top(); if (!Array.isArray(list)) fail('APPENDS to something that is not a list', at); (list as PyValue[]).push(...items); break; } // APPENDS
      case 0x4b: stack.push(bytes[need(1)]); break; // BININT1
      case 0x4d: stack.push(view.getUint16(need(2), true)); break; // BININT2
      case 0x4a: stack.push(view.getInt32(need(4), true)); break; // BININT
      case 0x8a: case 0x8b: { // LONG1, LONG4: little-endian two's complement
        const n = op === 0x8a ? bytes[need(1)] : view.getUint32(need(4), true);
        if (n > 8) fail(`an integer of ${n} bytes is too large`, at);
        const start = need(n);
        let value = 0n;
        for (let k = n - 1; k >= 0; k--) value = (value << 8n) | BigInt(bytes[start + k]);
        if (n > 0 && bytes[start + n - 1] & 0x80) value -= 1n << BigInt(8 * n);
        const num = Number(value);
        if (!Number.isSafeInteger(num)) fail('an integer beyond 2^53', at);
        stack.push(num);
        break;
      }
      case 0x47: stack.push(view.getFloat64(need(8), false)); break; // BINFLOAT (big-endian)
      case 0x58: stack.push(text(view.getUint32(need(4), true))); break; // BINUNICODE
      case 0x8c: stack.push(text(bytes[need(1)])); break; // SHORT_BINUNICODE
      case 0x8d: { // BINUNICODE8
        const lo = view.getUint32(need(8) , true), hi = view.getUint32(pos - 4, true);
        if (hi) fail('a string longer than 4 GiB', at);
        stack.push(text(lo));
        break;
      }
      case 0x55: stack.push(text(bytes[need(1)])); break; // SHORT_BINSTRING
      case 0x54: stack.push(text(view.getUint32(need(4), true))); break; // BINSTRING
      case 0x43: { const n = bytes[need(1)]; const s = need(n); stack.push(bytes.slice(s, s + n)); break; } // SHORT_BINBYTES
      case 0x42: { const n = view.getUint32(need(4), true); const s = need(n); stack.push(bytes.slice(s, s + n)); break; } // BINBYTES
      case 0x63: { const module = line(); const name = line(); stack.push(global(module, name, at)); break; } // GLOBAL
      case 0x93: { // STACK_GLOBAL
        const name = pop(), module = pop();
        if (typeof name !== 'string' || typeof module !== 'string') fail('STACK_GLOBAL without two strings', at);
        stack.push(global(module as string, name as string, at));
        break;
      }
      case 0x71: memo.set(bytes[need(1)], top()); break; // BINPUT
      case 0x72: memo.set(view.getUint32(need(4), true), top()); break; // LONG_BINPUT
      case 0x94: memo.set(memo.size, top()); break; // MEMOIZE
      case 0x68: case 0x6a: { // BINGET, LONG_BINGET
        const key = op === 0x68 ? bytes[need(1)] : view.getUint32(need(4), true);
        if (!memo.has(key)) fail(`memo entry ${key} was never stored`, at);
        stack.push(memo.get(key) as PyValue);
        break;
      }
      case 0x51: stack.push(persistentLoad(pop())); break; // BINPERSID
      case 0x52: { // REDUCE
        const args = pop();
        const callee = pop();
        if (!(args instanceof PyTuple)) fail('REDUCE arguments are not a tuple', at);
        stack.push(callGlobal(callee, (args as PyTuple).items));
        break;
      }
      case 0x81: { // NEWOBJ: cls.__new__(cls, *args); only allowed classes
        const args = pop();
        const cls = pop();
        if (!(args instanceof PyTuple)) fail('NEWOBJ arguments are not a tuple', at);
        stack.push(callGlobal(cls, (args as PyTuple).items));
        break;
      }
      case 0x62: { // BUILD: set state on the object below; only dicts take state (OrderedDict._metadata)
        const state = pop();
        const target = top();
        if (target instanceof PyDict) target.state = state;
        else if (!(target instanceof TensorRef)) fail('BUILD on an object that takes no state', at);
        break;
      }
      case 0x30: pop(); break; // POP
      case 0x32: stack.push(top()); break; // DUP
      case 0x31: popMark(); break; // POP_MARK
      default:
        fail(`pickle opcode 0x${op.toString(16).padStart(2, '0')} is not one a state_dict uses`, at);
    }
  }
  return fail('pickle truncated: no STOP opcode');
}
