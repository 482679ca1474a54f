// `npm start`'s scratch workspace (scripts/startWorkspace.mjs) on plain node, in temporary folders:
// it is never inside the repository (also through a symlink), it is a copy of examples/ the first
// time, and a user's edits there survive the next start.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { defaultScratchDir, isInside, prepareScratchWorkspace } from '../../scripts/startWorkspace.mjs';

const repoRoot = path.resolve(__dirname, '../..');

describe('npm start: the scratch workspace', () => {
  let home: string;
  beforeEach(() => { home = fs.mkdtempSync(path.join(os.tmpdir(), 'lstm-start-')); });
  afterEach(() => { fs.rmSync(home, { recursive: true, force: true }); });

  it('defaults to a folder outside the repository', () => {
    assert.equal(isInside(defaultScratchDir(), repoRoot), false, defaultScratchDir());
    assert.equal(defaultScratchDir('/home/u'), path.join('/home/u', '.cache', 'lstm-stepper-host', 'workspace'));
  });

  it('copies the examples the first time, and keeps what the user edited afterwards', () => {
    const dir = path.join(home, 'cache', 'workspace');
    const first = prepareScratchWorkspace({ repoRoot, dir });
    assert.deepEqual(first, { dir, created: true });
    assert.equal(isInside(first.dir, repoRoot), false);
    const examples = fs.readdirSync(path.join(repoRoot, 'examples')).sort();
    assert.deepEqual(fs.readdirSync(dir).sort(), examples);
    const seed = path.join(dir, 'this-movie-is-good.lstm.json');
    assert.equal(fs.readFileSync(seed, 'utf8'), fs.readFileSync(path.join(repoRoot, 'examples', 'this-movie-is-good.lstm.json'), 'utf8'));
    fs.writeFileSync(seed, '// my edit\n');
    assert.deepEqual(prepareScratchWorkspace({ repoRoot, dir }), { dir, created: false });
    assert.equal(fs.readFileSync(seed, 'utf8'), '// my edit\n', 'the next start keeps the edit');
    assert.deepEqual(prepareScratchWorkspace({ repoRoot, dir, fresh: true }), { dir, created: true });
    assert.notEqual(fs.readFileSync(seed, 'utf8'), '// my edit\n', '--fresh starts again from examples/');
    assert.ok(fs.readdirSync(path.dirname(dir)).every(name => !name.includes('partial')), 'no half copy left');
  });

  it('refuses a folder inside the repository, also through a symlink, and copies nothing there', () => {
    for (const dir of [repoRoot, path.join(repoRoot, 'examples'), path.join(repoRoot, 'test-output', 'not-yet-there', 'ws')]) {
      assert.throws(() => prepareScratchWorkspace({ repoRoot, dir }), /inside the repository/, dir);
    }
    assert.equal(fs.existsSync(path.join(repoRoot, 'test-output', 'not-yet-there')), false);
    const link = path.join(home, 'link-to-repo');
    fs.symlinkSync(repoRoot, link);
    assert.throws(() => prepareScratchWorkspace({ repoRoot, dir: path.join(link, 'scratch') }), /inside the repository/);
    assert.equal(fs.existsSync(path.join(repoRoot, 'scratch')), false);
  });
});
