// The mocha entry point VS Code loads inside the extension host (extensionTestsPath). runIntegration.mjs
// bundles it and every test/integration/**/*.test.ts (or, with --bench, *.bench.ts) next to it in out/test/integration/; run() loads
// those bundles, runs them (BDD, 60 s per test) and rejects when any test fails, which makes the host
// exit non-zero. mocha stays external: it is required from the repo's node_modules at run time.
// Env (inherited by the extension host): LSTM_TEST_GREP filters tests by title.
import Mocha from 'mocha';
import * as fs from 'node:fs';
import * as path from 'node:path';

function findTestBundles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...findTestBundles(full));
    else if (/\.(test|bench)\.js$/.test(entry.name)) found.push(full);
  }
  return found.sort();
}

export function run(): Promise<void> {
  // stack traces point at test/integration/*.ts (the bundles carry inline sourcemaps)
  process.setSourceMapsEnabled(true);
  // The extension host has no TTY: colours would arrive as escape codes in the runner's log.
  const mocha = new Mocha({ ui: 'bdd', timeout: 60000, color: false, reporter: 'spec' });
  if (process.env.LSTM_TEST_GREP) mocha.grep(process.env.LSTM_TEST_GREP);
  for (const file of findTestBundles(__dirname)) mocha.addFile(file);
  return new Promise((resolve, reject) => {
    try {
      mocha.run(failures => {
        if (failures > 0) reject(new Error(`${failures} integration test(s) failed`));
        else resolve();
      });
    } catch (error) {
      reject(error);
    }
  });
}
