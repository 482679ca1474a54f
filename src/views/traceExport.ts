// Writes a large export (the CSV of traceCsv.ts, the JSON of traceToJson) without freezing the
// extension host: the text comes as many small pieces (CSV lines, JSON fragments), is grouped
// into ~1 MB chunks, each chunk is encoded and handed to a sink, and the event loop gets a turn
// between chunks, where a cancellation is noticed. At T = 1000, H = 512 the CSV is ~300 MB:
// built as one string it would block the host for seconds and hold the text twice.
// No vscode import (the command in chartPanel.ts adds progress and the save dialog): the pieces
// and the chunking are unit tested on node.

import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Where the chunks go: a file opened for writing, or memory for a non-file uri. */
export interface ChunkSink {
  write(bytes: Uint8Array): Promise<void>;
  /** Finishes the output (flushes, closes). */
  close(): Promise<void>;
  /** Gives up after a cancellation or an error: closes and removes what was written. */
  abort(): Promise<void>;
}

/**
 * JSON.stringify(value) as a sequence of fragments whose concatenation is exactly that string:
 * objects and arrays that contain objects or arrays are opened up, everything else (numbers,
 * strings, arrays of numbers such as one (H) row of a (T, H) field) is one fragment.
 */
export function* jsonPieces(value: unknown): Generator<string, void, undefined> {
  if (!isContainer(value)) {
    yield JSON.stringify(value) ?? 'null';
    return;
  }
  if (Array.isArray(value)) {
    if (!value.some(isContainer)) {
      yield JSON.stringify(value);
      return;
    }
    yield '[';
    for (let k = 0; k < value.length; k++) {
      if (k > 0) yield ',';
      const item: unknown = value[k];
      // JSON.stringify writes null for what it cannot represent inside an array
      if (item === undefined || typeof item === 'function' || typeof item === 'symbol') yield 'null';
      else yield* jsonPieces(item);
    }
    yield ']';
    return;
  }
  yield '{';
  let first = true;
  for (const [key, item] of Object.entries(value)) {
    // ...and leaves such members out of an object
    if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
    yield `${first ? '' : ','}${JSON.stringify(key)}:`;
    first = false;
    yield* jsonPieces(item);
  }
  yield '}';
}

/** A plain object or array to open up; anything with toJSON (a Date) is left to JSON.stringify. */
function isContainer(value: unknown): value is object {
  return typeof value === 'object' && value !== null && typeof (value as { toJSON?: unknown }).toJSON !== 'function';
}

export interface ChunkedWriteOptions {
  /** appended to every piece ('\n' for CSV lines) */
  terminator?: string;
  /** characters per chunk (about bytes for ASCII) */
  chunkChars?: number;
  /** checked between chunks; true stops the write */
  isCancelled?: () => boolean;
  /** after each chunk: pieces and bytes written so far */
  onProgress?: (pieces: number, bytes: number) => void;
}

const yieldToEventLoop = (): Promise<void> => new Promise(resolve => setImmediate(resolve));

/**
 * Writes the pieces to the sink in chunks, giving the event loop a turn after each chunk.
 * Returns false (and aborts the sink) when cancelled; aborts and rethrows on an error.
 */
export async function writeChunked(pieces: Iterable<string>, sink: ChunkSink, options: ChunkedWriteOptions = {}): Promise<boolean> {
  const terminator = options.terminator ?? '';
  const chunkChars = options.chunkChars ?? 1 << 20;
  const encoder = new TextEncoder();
  let chunk = '';
  let count = 0;
  let bytes = 0;
  const flush = async (): Promise<void> => {
    const encoded = encoder.encode(chunk);
    chunk = '';
    await sink.write(encoded);
    bytes += encoded.byteLength;
    options.onProgress?.(count, bytes);
    await yieldToEventLoop();
  };
  try {
    for (const piece of pieces) {
      chunk += piece + terminator;
      count++;
      if (chunk.length >= chunkChars) {
        await flush();
        if (options.isCancelled?.()) {
          await sink.abort();
          return false;
        }
      }
    }
    if (chunk.length > 0) await flush();
    if (options.isCancelled?.()) {
      await sink.abort();
      return false;
    }
    await sink.close();
    return true;
  } catch (error) {
    await sink.abort().catch(() => undefined);
    throw error;
  }
}

/**
 * A local file, written through a file handle chunk by chunk (each write awaited: backpressure).
 * The chunks go to a temporary file next to the target (same directory, so same file system), which
 * is renamed over the target only when the write finished: a cancelled or failed export leaves the
 * file it would have replaced untouched, and removes the temporary file.
 */
export async function fileSink(target: string): Promise<ChunkSink> {
  const temporary = temporaryPathFor(target);
  const handle = await fsp.open(temporary, 'wx');
  let closed = false;
  const closeHandle = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await handle.close();
  };
  return {
    write: async bytes => { await handle.write(bytes); },
    close: async () => {
      await closeHandle();
      await fsp.rename(temporary, target);
    },
    abort: async () => {
      await closeHandle().catch(() => undefined);
      await fsp.rm(temporary, { force: true });
    },
  };
}

/** `dir/.name.<random>.partial` beside `dir/name`: hidden, and unique per export. */
export function temporaryPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.${randomBytes(4).toString('hex')}.partial`);
}

/**
 * Memory, for uris the node file system cannot reach (a virtual or remote file system): the
 * chunks are concatenated once and handed to `save` (vscode.workspace.fs.writeFile).
 */
export function memorySink(save: (bytes: Uint8Array) => Promise<void>): ChunkSink {
  let chunks: Uint8Array[] = [];
  return {
    write: async bytes => { chunks.push(bytes); },
    close: async () => {
      const total = chunks.reduce((sum, c) => sum + c.byteLength, 0);
      const all = new Uint8Array(total);
      let offset = 0;
      for (const c of chunks) { all.set(c, offset); offset += c.byteLength; }
      chunks = [];
      await save(all);
    },
    abort: async () => { chunks = []; },
  };
}
