// The worker's text shape (src/engine/spec/textShape.ts) against jsonc-parser's own
// findNodeAtLocation on the JSON tree, the reference: at every path of every example and fixture
// spec (and one step past each array's end, and under every number), the type at a path is the
// same, so the host's what-if rules answer the same from the shape as from a full parse.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findNodeAtLocation, parseTree, type Node as JsonNode } from 'jsonc-parser';
import { parseSpec, textShapeOf, textTypeAt } from '../../src/engine/specParse';

const repo = path.resolve(__dirname, '../..');
const specFiles = [
  ...fs.readdirSync(path.join(repo, 'examples')).filter(f => f.endsWith('.lstm.json')).map(f => path.join(repo, 'examples', f)),
  ...fs.readdirSync(path.join(repo, 'test/fixtures/specs')).filter(f => f.endsWith('.json')).map(f => path.join(repo, 'test/fixtures/specs', f)),
];

/** Every path of the tree, plus paths just outside it (past an array's end, below a number, an unknown key). */
function probePaths(node: JsonNode, at: (string | number)[], out: (string | number)[][]): void {
  out.push(at);
  if (node.type === 'object') {
    for (const property of node.children ?? []) {
      const [key, value] = property.children ?? [];
      if (key && value) probePaths(value, [...at, key.value as string], out);
    }
    out.push([...at, 'no such key'], [...at, 0]);
  } else if (node.type === 'array') {
    (node.children ?? []).forEach((item, k) => probePaths(item, [...at, k], out));
    const length = node.children?.length ?? 0;
    out.push([...at, length], [...at, -1], [...at, 'key'], [...at, 0, 0]);
  } else {
    out.push([...at, 0], [...at, 'key']);
  }
}

describe('the text shape of a spec (what the parsing worker sends the host)', () => {
  it(`gives the type jsonc-parser's tree gives at every path of ${specFiles.length} specs`, () => {
    let probed = 0;
    for (const file of specFiles) {
      const root = parseTree(fs.readFileSync(file, 'utf8'), [], { allowTrailingComma: true, disallowComments: false });
      if (!root) continue;
      const shape = textShapeOf(root);
      const paths: (string | number)[][] = [];
      probePaths(root, [], paths);
      for (const at of paths) {
        assert.equal(textTypeAt(shape, at), findNodeAtLocation(root, at)?.type, `${path.basename(file)} at ${JSON.stringify(at)}`);
        probed++;
      }
    }
    assert.ok(probed > 10000, `probed ${probed} paths`);
  });

  it('keeps the first of a repeated key, as findNodeAtLocation does, and collapses all-number arrays to their length', () => {
    const text = '{"a": [1, 2, 3], "a": "second", "b": [[1, 2], [3, "x"]], "c": []}';
    const root = parseTree(text)!;
    const shape = textShapeOf(root);
    assert.equal(textTypeAt(shape, ['a']), 'array');
    assert.equal(textTypeAt(shape, ['a', 2]), 'number');
    assert.equal(textTypeAt(shape, ['a', 3]), undefined);
    assert.equal(textTypeAt(shape, ['b', 1, 1]), 'string');
    assert.equal(textTypeAt(shape, ['c', 0]), undefined);
    // a shape is small: the numbers themselves are not in it
    assert.deepEqual(textShapeOf(parseTree('[1, 2, 3]')!), { type: 'numbers', length: 3 });
  });

  it('is returned by parseSpec only when asked (the worker asks), for a text that does not parse too', () => {
    const text = fs.readFileSync(path.join(repo, 'examples', 'this-movie-is-good.lstm.json'), 'utf8');
    assert.equal(parseSpec(text).textShape, undefined);
    const shape = parseSpec(text, { textShape: true }).textShape;
    assert.equal(textTypeAt(shape, ['inputs', 0, 0]), 'number');
    assert.equal(textTypeAt(parseSpec('{"inputs": [[1, 2]', { textShape: true }).textShape, ['inputs', 0, 1]), 'number');
  });
});
