#!/usr/bin/env node
// Chart panel scale benchmark in the real host: code-server with the VSIX installed, the fixture
// T = 1000, H = 512 (test/fixtures/scale-512-8-1000.lstm.json) opened beside the panel. It runs the
// "scale" scenario of test/e2e/chartPanel.e2e.mjs, which reads the webview's own `rendered` timings
// (ms from a message's receipt to the charts drawn; kept in the webview body's data-rendered-ms and
// data-rendered-kind attributes, never shown in the panel) and prints them as one JSON line:
// {"T":1000,"H":512,"firstDrawMs":…,"linesSnapshotDrawMs":…,"stepDrawMedianMs":…,"stepRoundTripMedianMs":…}
// The round trip is measured by the driver (key press → panel text), so it includes its polling.
// Usage: node scripts/benchChartPanel.mjs [--vsix FILE]   (default: npm run package first)
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const vsixIndex = argv.indexOf('--vsix');
const packageArgs = vsixIndex >= 0 ? ['--vsix', path.resolve(argv[vsixIndex + 1])] : [];
const result = path.join(repoRoot, 'test-output', 'e2e', 'chartPanel', 'bench.json');
fs.rmSync(result, { force: true });
try {
  execFileSync(process.execPath, [path.join(repoRoot, 'test', 'runE2E.mjs'), ...packageArgs, '--grep', 'scale', 'chartPanel'],
    { cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit'] });
} catch {
  console.error('[bench] the chart panel scale scenario failed (see above)');
}
if (!fs.existsSync(result)) process.exit(1);
process.stdout.write(fs.readFileSync(result, 'utf8'));
