// The session's selected (layer, direction), the one source of truth every view reads: a stack
// spec (the model file test/fixtures/models/lstm2bi_float64.pt, loaded with a file reader as the
// extension loads it) offers its 4 entries in PyTorch's order; selectLayer changes `view` and tells
// the views (a `layer` + `trace` change) without moving the cursor; a bad index or the shown one
// says why it did not move; a new trace with fewer entries clamps the selection; the parse's
// dependencies are the spec's files (what the extension watches).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { computeTrace } from '../../src/engine/trace';
import { layerView } from '../../src/engine/stackView';
import { Session, SessionChange } from '../../src/runtime/session';
import { loadSpec } from '../../src/runtime/specLoader';
import { specText } from './helpers/runtime';

const DIR = path.join(__dirname, '..', 'fixtures', 'models');
const MODEL = path.join(DIR, 'lstm2bi_float64.pt');
const stackText = JSON.stringify({ model: { file: MODEL }, inputs: [[0.1, 0.2, 0.3], [0.3, -0.1, 0.2]], loss: { kind: 'sum' } });
const parse = (text: string) => loadSpec(text, { readFile: file => new Uint8Array(fs.readFileSync(file)) });

describe('session: the selected layer of a stack', () => {
  it('selects an entry for every view, leaves the cursor, refuses a bad index, and clamps when the stack shrinks', async () => {
    const session = new Session('m.lstm.json', spec => computeTrace(spec), parse);
    await session.update(stackText);
    assert.ok(session.trace, JSON.stringify(session.issues));
    assert.deepEqual(session.dependencies, [MODEL]);
    assert.equal(session.layerCount, 4);
    assert.equal(session.layer, 0);
    assert.equal(session.layerLabel, 'L1 →');
    session.step();
    const changes: SessionChange[] = [];
    session.onDidChange(change => changes.push(change));
    assert.deepEqual(session.selectLayer(3), { moved: true });
    assert.equal(session.layerLabel, 'L2 ←');
    assert.equal(session.view, layerView(session.trace, 3));
    assert.notEqual(session.view, session.trace);
    assert.deepEqual(session.cursor, { phase: 'forward', t: 1 });
    assert.equal(changes.length, 1);
    assert.ok(changes[0].layer && changes[0].trace && !changes[0].cursor, JSON.stringify(changes[0]));
    assert.equal(session.selectLayer(3).moved, false);
    assert.match((session.selectLayer(4) as { message: string }).message, /no layer view 4; this spec has views 0\.\.3/);
    assert.equal(changes.length, 1, 'nothing fired for a refused selection');
    // the spec becomes a single layer: the selection falls back to its only view
    await session.update(specText(2));
    assert.equal(session.layerCount, 1);
    assert.equal(session.layer, 0);
    assert.equal(session.view, session.trace);
    assert.equal(session.layerLabel, '');
    assert.deepEqual(session.dependencies, []);
  });
});
