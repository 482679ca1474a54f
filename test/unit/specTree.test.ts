// scanInputRowEnds (the inline values' anchor points) against jsonc-parser's tree: the end of
// every element of the top-level `inputs` array, with comments, trailing commas, nested objects
// that also have an `inputs` key, and every example spec.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findNodeAtLocation, parseTree } from 'jsonc-parser';
import { scanInputRowEnds } from '../../src/views/specTree';

function treeRowEnds(text: string): number[] {
  const root = parseTree(text, [], { allowTrailingComma: true, disallowComments: false });
  const inputs = root && findNodeAtLocation(root, ['inputs']);
  return inputs?.type === 'array' ? (inputs.children ?? []).map(row => row.offset + row.length) : [];
}

describe('specTree: input row ends', () => {
  const examples = path.join(__dirname, '..', '..', 'examples');
  for (const file of fs.readdirSync(examples).filter(name => name.endsWith('.lstm.json'))) {
    it(`${file}: the same row ends as the parse tree`, () => {
      const text = fs.readFileSync(path.join(examples, file), 'utf8');
      const ends = scanInputRowEnds(text);
      assert.ok(ends.length > 0);
      assert.deepEqual(ends, treeRowEnds(text));
      for (const end of ends) assert.equal(text[end - 1], ']', 'each end is just after a row');
    });
  }

  it('handles comments, trailing commas, an `inputs` key nested elsewhere and non-array rows', () => {
    const text = `{
      // a comment with "inputs": [[9]]
      "meta": { "inputs": [[1, 2]] },
      "inputs": [ [0.5, -0.1], /* row 2 */ [0.3, 0.8] , 7, [[1], 2], ],
      "tokens": ["a", "b"]
    }`;
    const ends = scanInputRowEnds(text);
    assert.deepEqual(ends, treeRowEnds(text));
    assert.equal(ends.length, 4);
    assert.equal(text.slice(0, ends[1]).endsWith('[0.3, 0.8]'), true);
  });

  it('gives no rows when `inputs` is missing or not an array', () => {
    assert.deepEqual(scanInputRowEnds('{"inputs": 5, "x": [[1]]}'), []);
    assert.deepEqual(scanInputRowEnds('{"x": [[1]]}'), []);
    assert.deepEqual(scanInputRowEnds('not json'), []);
  });
});
