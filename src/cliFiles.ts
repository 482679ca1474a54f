// What the CLI's commands (cli.ts: trace, bench, inspect; cliTrain.ts: train) share about files:
// reading a spec's text, reading the files a spec names (model, inputs) relative to the spec's
// folder, why a read failed in words, and the `file:line:column: message` form of a spec issue
// (docs/cli.md#error-format). Node fs lives here, at the edge; the engine and models get bytes.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SourceRange, SpecIssue } from './engine';

/** Why a file could not be read, in words (no errno codes, no stack). */
export function readReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
}

/** The spec's text without a byte-order mark; throws `cannot read FILE: reason`. */
export function readSpecText(file: string): string {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`cannot read ${file}: ${readReason(error)}`);
  }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Reads a file the spec names, relative to the spec's folder (throws `NAME: cannot read: reason`). */
export function specFileReader(specFile: string): (name: string) => Uint8Array {
  const folder = path.dirname(specFile);
  return name => {
    try {
      return fs.readFileSync(path.resolve(folder, name));
    } catch (error) {
      throw new Error(`${name}: cannot read: ${readReason(error)}`);
    }
  };
}

/** One spec issue as the CLI prints it: `file:line:column: [warning: ]message`. */
export function formatIssue(file: string, severity: SpecIssue['severity'], range: SourceRange, message: string): string {
  const where = `${file}:${range.line}:${range.column}`;
  return severity === 'warning' ? `${where}: warning: ${message}` : `${where}: ${message}`;
}
