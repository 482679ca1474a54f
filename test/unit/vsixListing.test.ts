// The VSIX holds only dist/, media/, package.json, README, LICENSE and CHANGELOG, stays under 1 MB, and
// carries every file package.json points at. This packages the current build with vsce (building first
// if dist/ is missing) into a temp dir and reads the zip's listing; the production package gets the same
// check in scripts/package.ts.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MAX_VSIX_BYTES, manifestFiles, readZipEntries, vsixProblems, ZipEntry } from '../../scripts/vsixListing';

const repoRoot = path.resolve(__dirname, '..', '..');
const entry = (name: string, size = 10): ZipEntry => ({ name, size, compressedSize: size });
const goodEntries = ['extension.vsixmanifest', '[Content_Types].xml', 'extension/package.json', 'extension/README.md',
  'extension/LICENSE.txt', 'extension/CHANGELOG.md', 'extension/dist/extension.js', 'extension/dist/schemas/lstm-spec.schema.json',
  'extension/media/icon.svg'].map(n => entry(n));

describe('VSIX contents', function () {
  this.timeout(120000);
  let workDir: string;
  before(() => { workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lstm-vsix-test-')); });
  after(() => fs.rmSync(workDir, { recursive: true, force: true }));

  it('the checker accepts the allowed layout and names each kind of problem', () => {
    const manifest = { main: './dist/extension.js', contributes: { jsonValidation: [{ fileMatch: '*.lstm.json', url: './media/spec.schema.json' }] } };
    assert.deepEqual(vsixProblems([...goodEntries, entry('extension/media/spec.schema.json')], 1000, manifest), []);
    assert.deepEqual(vsixProblems([...goodEntries, entry('extension/src/extension.ts'), entry('extension/dist/extension.js.map')], 1000, { main: './dist/extension.js' }),
      ['not allowed in the VSIX: extension/src/extension.ts', 'not allowed in the VSIX: extension/dist/extension.js.map']);
    assert.deepEqual(vsixProblems(goodEntries, 1000, manifest), ['package.json refers to media/spec.schema.json, which is not in the VSIX']);
    assert.deepEqual(vsixProblems(goodEntries.filter(e => !e.name.includes('CHANGELOG')), MAX_VSIX_BYTES, { main: './dist/extension.js' }),
      ['missing from the VSIX: extension/CHANGELOG.md', `the VSIX is ${MAX_VSIX_BYTES} bytes, over 1 MB`]);
    // the extension reads the spec schema itself (views/specLanguage.ts), so it must ship though no manifest entry names it
    assert.deepEqual(vsixProblems(goodEntries.filter(e => !e.name.includes('schemas')), 1000, { main: './dist/extension.js' }),
      ['missing from the VSIX: extension/dist/schemas/lstm-spec.schema.json']);
  });

  it('finds the files package.json refers to', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
    const files = manifestFiles(manifest);
    assert.ok(files.includes('dist/extension.js'), `main is listed: ${JSON.stringify(files)}`);
  });

  it('vsce packages exactly the allowed files, under 1 MB', () => {
    if (!fs.existsSync(path.join(repoRoot, 'dist', 'extension.js'))) {
      execFileSync(process.execPath, [path.join(repoRoot, 'scripts', 'build.mjs')], { cwd: repoRoot, stdio: 'ignore' });
    }
    const vsix = path.join(workDir, 'test.vsix');
    const vsce = path.join(path.dirname(require.resolve('@vscode/vsce/package.json')), 'vsce');
    execFileSync(process.execPath, [vsce, 'package', '--no-dependencies', '--out', vsix], { cwd: repoRoot, stdio: 'pipe' });
    const entries = readZipEntries(vsix);
    const names = entries.map(e => e.name);
    assert.ok(names.includes('extension/dist/extension.js'), `listing: ${names.join(', ')}`);
    const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
    assert.deepEqual(vsixProblems(entries, fs.statSync(vsix).size, manifest), [], `listing: ${names.join(', ')}`);
  });
});
