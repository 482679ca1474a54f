// `npm run package`: a clean production build (minified, no sourcemaps), then `vsce package` into
// dist-vsix/lstm-stepper.vsix, then the VSIX listing check of scripts/vsixListing.ts (fails the command).
// Works offline: --no-dependencies because esbuild has already bundled every runtime dependency.
// Usage: tsx scripts/package.ts [--out FILE] [--no-build]
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readZipEntries, vsixProblems } from './vsixListing';

const repoRoot = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const outIndex = args.indexOf('--out');
const out = path.resolve(outIndex >= 0 ? args[outIndex + 1] : path.join(repoRoot, 'dist-vsix', 'lstm-stepper.vsix'));

if (!args.includes('--no-build')) {
  // stale development files (sourcemaps, removed bundles) must not reach the package
  fs.rmSync(path.join(repoRoot, 'dist'), { recursive: true, force: true });
  execFileSync(process.execPath, [path.join(repoRoot, 'scripts', 'build.mjs'), '--production'], { cwd: repoRoot, stdio: 'inherit' });
}
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.rmSync(out, { force: true });
const vsce = require.resolve('@vscode/vsce/vsce');
execFileSync(process.execPath, [vsce, 'package', '--no-dependencies', '--out', out], { cwd: repoRoot, stdio: 'inherit' });

const entries = readZipEntries(out);
const bytes = fs.statSync(out).size;
const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
for (const entry of entries) console.log(`  ${String(entry.size).padStart(9)}  ${entry.name}`);
const problems = vsixProblems(entries, bytes, manifest);
if (problems.length) {
  console.error(`VSIX check FAILED for ${path.relative(repoRoot, out)}:\n` + problems.map(p => '  - ' + p).join('\n'));
  process.exit(1);
}
console.log(`VSIX ok: ${path.relative(repoRoot, out)}, ${entries.length} files, ${(bytes / 1024).toFixed(1)} KiB`);
