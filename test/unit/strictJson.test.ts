// The strict-JSON first read of a spec (src/engine/spec/strictJson.ts): a text JSON.parse accepts
// is validated from JSON.parse's values, and anything that text has to report is found again from
// jsonc-parser's tree, with positions. The reference everywhere is the jsonc-parser reading of the
// same text: appending a comment makes a text JSONC (JSON.parse rejects it) without moving any
// position, so `parseSpec(text + COMMENT)` is the old path's answer for `text`.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findNodeAtLocation, parseTree } from 'jsonc-parser';
import { parseSpec } from '../../src/engine';
import { keyOccurrences, strictJsonTree } from '../../src/engine/spec/strictJson';
import { scanInputRowEnds } from '../../src/views/specTree';

const COMMENT = '\n// read by jsonc-parser';
const root = path.join(__dirname, '..', '..');

/** every spec file the repository has: examples, fixtures, golden cases and spec fixtures */
function specFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.lstm.json')) out.push(full);
    }
  };
  walk(path.join(root, 'examples'));
  walk(path.join(root, 'test', 'fixtures'));
  return out.sort();
}

const SMALL = (extra: Record<string, string> = {}): string => {
  const fields: Record<string, string> = {
    name: '"t"', cell: '"lstm"', inputSize: '2', hiddenSize: '2',
    weights: '{"W_f": [[0.5, 0.5, 0.5, 0.5], [0.5, 0.5, 0.5, 0.5]], "W_i": 0.5, "W_c": 0.5, "W_o": 0.5, "b_f": [0, 0], "b_i": 0, "b_c": 0, "b_o": 0}',
    inputs: '[[0.5, -0.1], [0.3, 0.8]]',
    ...extra,
  };
  return '{\n' + Object.entries(fields).map(([key, value]) => `  ${JSON.stringify(key)}: ${value}`).join(',\n') + '\n}';
};

function rowEndsFromTree(text: string): number[] {
  const tree = parseTree(text, [], { allowTrailingComma: true, disallowComments: false });
  const inputs = tree && findNodeAtLocation(tree, ['inputs']);
  return inputs?.type === 'array' ? (inputs.children ?? []).map(row => row.offset + row.length) : [];
}

describe('strict JSON: the fast first read of a spec', () => {
  const files = specFiles();

  it('finds spec files to compare', () => assert.ok(files.length >= 30, `${files.length} spec files`));

  for (const file of files) {
    it(`${path.relative(root, file)}: the same spec, issues and dependencies as jsonc-parser's reading`, () => {
      const text = fs.readFileSync(file, 'utf8');
      const fast = parseSpec(text);
      const reference = parseSpec(text + COMMENT);
      assert.equal(reference.strictJson, false);
      assert.equal(fast.strictJson, strictJsonTree(text) !== undefined);
      assert.deepEqual(fast.spec, reference.spec);
      assert.deepEqual(fast.issues, reference.issues);
      assert.deepEqual(fast.dependencies, reference.dependencies);
    });
  }

  it('reads a plain spec through JSON.parse', () => {
    const parsed = parseSpec(SMALL());
    assert.equal(parsed.strictJson, true);
    assert.ok(strictJsonTree(SMALL()));
    assert.deepEqual(parsed.issues, []);
    assert.deepEqual([...parsed.spec!.inputs], [0.5, -0.1, 0.3, 0.8]);
  });

  it('warns about a repeated key at its position, which JSON.parse alone would hide', () => {
    const text = SMALL({ name: '"first"', cell: '"lstm", "name": "second"' });
    assert.equal(strictJsonTree(text), undefined, 'no fast tree for a repeated key');
    const parsed = parseSpec(text);
    const duplicate = parsed.issues.find(issue => /duplicate key/.test(issue.message));
    assert.ok(duplicate, 'the duplicate key is warned about');
    assert.equal(text.slice(duplicate.range.offset, duplicate.range.offset + duplicate.range.length), '"name"');
    assert.equal(duplicate.range.offset, text.lastIndexOf('"name"'));
    assert.equal(parsed.spec?.name, 'second');
  });

  it('reports a number too large for a double at its position (an error found in JSON.parse\'s numbers)', () => {
    const text = SMALL({ inputs: '[[0.5, -0.1], [1e400, 0.8]]' });
    assert.ok(strictJsonTree(text), 'JSON.parse takes 1e400 (as Infinity)');
    const parsed = parseSpec(text);
    assert.equal(parsed.spec, undefined);
    const error = parsed.issues.find(issue => issue.severity === 'error')!;
    assert.match(error.message, /^inputs\[1\]\[0\]: expected a finite number, found 1e400/);
    assert.equal(error.range.offset, text.indexOf('1e400'));
    assert.deepEqual(parsed.issues, parseSpec(text + COMMENT).issues);
  });

  it('positions a wrong row length and an unknown key as jsonc-parser does', () => {
    const text = SMALL({ inputs: '[[0.5, -0.1], [0.3]]', colour: '"blue"' });
    const parsed = parseSpec(text);
    assert.equal(parsed.strictJson, true);
    assert.ok(parsed.issues.length >= 2);
    assert.ok(parsed.issues.every(issue => issue.range.offset > 0), 'every issue has a position');
    assert.deepEqual(parsed.issues, parseSpec(text + COMMENT).issues);
  });

  it('gives no fast tree for JSONC, syntax errors, or integer-like keys (Object.keys would reorder them)', () => {
    assert.equal(strictJsonTree(SMALL() + COMMENT), undefined);
    assert.equal(strictJsonTree(SMALL().replace('[0.3, 0.8]]', '[0.3, 0.8],]')), undefined);
    assert.equal(strictJsonTree('{"inputs": [[1, 2]'), undefined);
    assert.equal(strictJsonTree('{"b": 1, "0": 2}'), undefined);
    assert.ok(strictJsonTree('{"b": 1, "0x": 2}'));
  });

  it('counts keys, not colons or quotes inside strings', () => {
    assert.equal(keyOccurrences('{"a:b": "c:d", "e": {"f\\":": 1}, "g": "\\\\"}'), 4);
    assert.equal(keyOccurrences('[":", "\\":"]'), 0);
    const name = '"a: \\"b\\" [c] {d} \\\\"';
    const text = SMALL({ name });
    assert.ok(strictJsonTree(text), 'a name full of JSON punctuation keeps the fast tree');
    assert.equal(parseSpec(text).spec?.name, JSON.parse(name));
  });
});

describe('strict JSON: the input rows scan', () => {
  for (const file of specFiles()) {
    const text = fs.readFileSync(file, 'utf8');
    if (!parseSpec(text).strictJson) continue;
    it(`${path.relative(root, file)}: the same row ends as the parse tree`, () => {
      assert.deepEqual(scanInputRowEnds(text, { strictJson: true }), rowEndsFromTree(text));
    });
  }

  it('tells keys from string values, skips a nested `inputs`, and takes the first of two', () => {
    const text = '{"name": "inputs", "meta": {"inputs": [[1, 2]]}, "tokens": ["[", "]\\"["], '
      + '"inputs": [[0.5, -0.1], "a row\\"]", 7, [[1], 2], {"x": [3]}, true], "inputs": [[9]]}';
    const ends = scanInputRowEnds(text, { strictJson: true });
    assert.deepEqual(ends, rowEndsFromTree(text));
    assert.deepEqual(ends, scanInputRowEnds(text));
    assert.equal(ends.length, 6);
  });
});
