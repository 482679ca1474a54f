// Parses and validates a `*.lstm.json` spec (docs/spec-format.md) into a Spec. The text is read
// with jsonc-parser's error-tolerant parseTree, so every problem can be pinned to the exact node
// it is about: each SpecIssue carries the JSON path (`weights.W_f[1]`) and the node's range
// (1-based line and column, plus offset/length). Validation never stops at the first problem; it
// collects every one, and `spec` is returned only when no error-severity issue exists (warnings
// keep the spec). Messages say what was expected and what was found, prefixed by the path.
// The parts: validator.ts (the walk over the tree), shapes.ts (what each cell's weights must
// look like), pytorchNames.ts (PyTorch tensors), sourcePositions.ts (paths, lines, columns),
// syntaxErrors.ts (jsonc-parser's errors, positioned), suggestions.ts ("did you mean").
//
// Decisions worth knowing (the JSON Schema in schemas/lstm-spec.schema.json says the same):
// - Comments and trailing commas are tolerated (JSONC). Duplicate keys: warning, the last wins.
// - A syntax error carries the path of the container it is in, or of the value an invalid token
//   (`NaN`) stands in for; entries after an invalid token keep their file positions in paths and
//   counts (see syntaxErrors.ts).
// - A number where a matrix or vector is expected fills it (`"W_i": 0.5`); also for h0, c0 and
//   the mse target. An input row may be a bare number only when inputSize is 1.
// - Row indices in messages are 0-based, like the paths (`row 1` is `weights.W_f[1]`).
// - `weights` and `init` together: a warning on `init`, which is ignored (weights win).
// - `c0` on a cell without a cell state (gru, rnn): a warning, it is ignored.
// - A `target` on a sum loss: a warning, ignored unless `--loss mse` asks for it.
// - Unknown top-level keys, unknown keys inside `init` and `loss`: warnings.
// - Size limits keep a bad file from exhausting memory: each size at most MAX_SIZE, at most
//   MAX_PARAMETERS weight entries, and T·H at most MAX_STEP_UNITS.
// - PyTorch tensor names (weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0) are accepted for
//   lstm, gru and rnn, and mapped to the textbook names (pytorchNames.ts). Mixing them with
//   textbook names in one `weights` object is an error.

import type { Spec, SpecIssue } from '../types';
import { strictJsonTree } from './strictJson';
import { textShapeOf, type TextShape } from './textShape';
import { SpecValidator, type ParseSpecOptions } from './validator';

export { MAX_PARAMETERS, MAX_SIZE, MAX_STEP_UNITS, type ParseSpecOptions } from './validator';
export { parameterCount, textbookParameterShapes, type Shape } from './shapes';
export { findSourceRange, formatPath, SourceLines, type Path } from './sourcePositions';
export { mapPyTorch, pytorchParameterShapes, stackPytorchShapes, PYTORCH_NAMES } from './pytorchNames';
export type { FileLayout, ResolvedHead, ResolvedModel, SpecFileResolver } from './files';
export { closest, editDistance } from './suggestions';
export { textShapeOf, textTypeAt, type JsonType, type TextShape } from './textShape';
export { stringEnd } from './strictJson';

/**
 * `dependencies`: the files the spec names (model.file, inputs.file), as written, even when they
 * could not be read; `options.files` reads them (src/runtime/specLoader.ts), without it such a
 * spec gets a positioned error.
 */
export function parseSpec(text: string, options: ParseSpecOptions = {}): { spec?: Spec; issues: SpecIssue[]; dependencies: string[]; textShape?: TextShape; strictJson: boolean } {
  // strict JSON is read with JSON.parse first (strictJson.ts); its tree has no positions, so a
  // text with anything to report is read again with jsonc-parser for the issues' positions
  const tree = strictJsonTree(text);
  let validator = new SpecValidator(text, options, tree);
  let spec = validator.run();
  if (tree && validator.issues.length > 0) {
    validator = new SpecValidator(text, options);
    spec = validator.run();
  }
  const issues = validator.issues.sort((a, b) => a.range.offset - b.range.offset);
  return {
    spec: issues.some(issue => issue.severity === 'error') ? undefined : spec, issues, dependencies: validator.dependencies,
    // the text is strict JSON (JSON.parse read it): a caller may then scan it without a JSONC parser
    strictJson: tree !== undefined,
    // only asked for by the worker, which sends it along instead of its JSON tree
    ...(options.textShape ? { textShape: textShapeOf(validator.jsonRoot) } : {}),
  };
}
