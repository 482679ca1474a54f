// Syntax errors of a spec's text, each with the JSON path it sits in and a message saying what
// was expected and what was found. jsonc-parser's error-tolerant parse drops invalid tokens from
// its tree; the scan here also works out where the entries after one really sit in the file, so
// the validator's paths and counts name what the file shows.

import { printParseErrorCode, visit } from 'jsonc-parser';
import { PARSE_OPTIONS, type Path } from './sourcePositions';

/** One syntax error: its place in the text and the message (without the path prefix). */
export interface SyntaxErrorFound {
  offset: number;
  length: number;
  path: Path;
  message: string;
}

export interface SyntaxErrorScan {
  errors: SyntaxErrorFound[];
  /** array children (by offset) whose file position differs from their child index */
  sourceIndex: Map<number, number>;
  /** arrays (by offset) whose entry count in the file differs from their child count */
  sourceLength: Map<number, number>;
}

/**
 * Finds jsonc-parser's syntax errors, each with the JSON path it sits in. jsonc-parser drops an
 * invalid token (`NaN`, `Infinity`, a bare word) from the tree, so in an array with one the
 * children no longer line up with the positions in the file: `[NaN, 1e999]` has one child,
 * 1e999. A second, visitor pass over the text therefore counts each array's slots by its
 * commas and records where a child's slot differs from its child index (`sourceIndex`) and
 * where an array's slot count differs from its child count (`sourceLength`), so that paths and
 * "found N" counts name what the file shows. It also drops the "expected a value" jsonc-parser
 * adds right after an invalid token: that token is the one error there. Runs only on a file
 * with syntax errors, and records only the shifted entries.
 */
export function scanSyntaxErrors(text: string): SyntaxErrorScan {
  interface Frame {
    kind: 'object' | 'array';
    /** the container's own path */
    path: Path;
    offset: number;
    /** object: the key whose value comes next */
    pendingKey?: string;
    /** array: the slot being filled (commas after a value, plus values missing their comma) */
    slot: number;
    slotFilled: boolean;
    /** array: children jsonc-parser's tree has so far */
    children: number;
  }
  // codes by name: ParseErrorCode is a const enum, which isolated modules cannot read
  interface Found { code: string; offset: number; length: number; path: Path }
  const frames: Frame[] = [];
  const found: Found[] = [];
  const sourceIndex = new Map<number, number>();
  const sourceLength = new Map<number, number>();
  /** A value starts in the innermost container: its path segment, and the shift it records. */
  const valueStarts = (offset: number): string | number | undefined => {
    const frame = frames[frames.length - 1];
    if (!frame) return undefined;
    if (frame.kind === 'object') {
      const key = frame.pendingKey;
      frame.pendingKey = undefined;
      return key;
    }
    if (frame.slotFilled) frame.slot++;
    frame.slotFilled = true;
    if (frame.slot !== frame.children) sourceIndex.set(offset, frame.slot);
    frame.children++;
    return frame.slot;
  };
  const containerStarts = (kind: 'object' | 'array', offset: number): void => {
    const parent = frames[frames.length - 1];
    const segment = valueStarts(offset);
    const path = parent ? (segment === undefined ? parent.path : [...parent.path, segment]) : [];
    frames.push({ kind, path, offset, slot: 0, slotFilled: false, children: 0 });
  };
  const containerEnds = (): void => {
    const frame = frames.pop();
    if (frame?.kind !== 'array') return;
    const slots = frame.slot + (frame.slotFilled ? 1 : 0);
    if (slots !== frame.children) sourceLength.set(frame.offset, slots);
  };
  const onlyTrivia = (from: number, to: number): boolean =>
    /^(?:\s|\/\/[^\n]*|\/\*[\s\S]*?\*\/)*$/.test(text.slice(from, to));
  visit(text, {
    onObjectBegin: offset => containerStarts('object', offset),
    onArrayBegin: offset => containerStarts('array', offset),
    onObjectEnd: containerEnds,
    onArrayEnd: containerEnds,
    onObjectProperty: property => {
      const frame = frames[frames.length - 1];
      if (frame) frame.pendingKey = property;
    },
    onLiteralValue: (_value, offset) => { valueStarts(offset); },
    onSeparator: character => {
      const frame = frames[frames.length - 1];
      if (character !== ',' || !frame) return;
      if (frame.kind === 'object') frame.pendingKey = undefined;
      else if (frame.slotFilled) {
        // a doubled comma (`[1,,2]`, reported) opens no new slot: most likely a typo
        frame.slot++;
        frame.slotFilled = false;
      }
    },
    onError: (errorCode, offset, length) => {
      const code = printParseErrorCode(errorCode);
      const previous = found[found.length - 1];
      const afterInvalid = previous?.code === 'InvalidSymbol';
      if (code === 'InvalidSymbol' && afterInvalid && previous.offset + previous.length === offset) {
        // `-Infinity` scans as `-` and `Infinity`: one token to the reader
        previous.length = offset + length - previous.offset;
        return;
      }
      if (code === 'ValueExpected' && afterInvalid && onlyTrivia(previous.offset + previous.length, offset)) return;
      const frame = frames[frames.length - 1];
      let path: Path = frame?.path ?? [];
      if (frame && code === 'InvalidSymbol') {
        // the invalid token stands where a value would: name that value's place
        if (frame.kind === 'array') {
          if (frame.slotFilled) frame.slot++;
          frame.slotFilled = true;
          path = [...frame.path, frame.slot];
        } else if (frame.pendingKey !== undefined) path = [...frame.path, frame.pendingKey];
      }
      found.push({ code, offset, length, path });
    },
  }, PARSE_OPTIONS);
  return {
    sourceIndex, sourceLength,
    errors: found.map(({ code, offset, length, path }) => ({ offset, length, path, message: syntaxErrorMessage(text, code, offset, length) })),
  };
}

/** `codeName` is printParseErrorCode's name of the error (`InvalidSymbol`). */
function syntaxErrorMessage(text: string, codeName: string, offset: number, length: number): string {
  const expected: Record<string, string> = {
    InvalidSymbol: 'a valid JSON value',
    InvalidNumberFormat: 'a number',
    PropertyNameExpected: 'a property name in double quotes',
    ValueExpected: 'a value',
    ColonExpected: "':'",
    CommaExpected: "','",
    CloseBraceExpected: "'}'",
    CloseBracketExpected: "']'",
    EndOfFileExpected: 'the end of the file',
    InvalidCommentToken: 'a comment',
    UnexpectedEndOfComment: "'*/' closing the comment",
    UnexpectedEndOfString: 'a closing \'"\'',
    UnexpectedEndOfNumber: 'a digit',
    InvalidUnicode: 'a \\uXXXX escape',
    InvalidEscapeCharacter: 'a valid escape',
    InvalidCharacter: 'a printable character',
  };
  const foundText = offset >= text.length
    ? 'the end of the file'
    : JSON.stringify(text.substr(offset, Math.max(1, Math.min(length, 20))));
  const token = text.substr(offset, length);
  const detail = codeName === 'InvalidSymbol' && /^[-+]?(NaN|Infinity)$/.test(token)
    ? 'expected a finite number (JSON has no NaN or Infinity)'
    : `expected ${expected[codeName] ?? codeName}`;
  return `syntax error: ${detail}, found ${foundText}`;
}
