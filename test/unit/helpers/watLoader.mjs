// mocha --require (see .mocharc.json): lets the unit tests import the engine's .wat files as the
// bundles do (scripts/wat.mjs assembles them; the bundles embed the bytes through an esbuild
// plugin), and chooses the kernel back end for the whole run from LSTM_KERNELS=js|wasm
// (default wasm), so that `LSTM_KERNELS=js npm run test:unit` runs every suite on the JavaScript
// kernels. A root hook checks that the requested back end is the one in use. LSTM_THREADS=2
// (default 1) runs them all with the engine's second core installed, splitting every product
// (helpers/secondCore.ts; needs npm run build for dist/parallelWorker.js).
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { assembleWat } from '../../../scripts/wat.mjs';

const require = createRequire(import.meta.url);
const Module = require('node:module');
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../..');

const assembled = new Map();
for (const file of fs.readdirSync(path.join(root, 'src/engine/wasm'))) {
  if (file.endsWith('.wat')) {
    const full = path.join(root, 'src/engine/wasm', file);
    assembled.set(full, await assembleWat(full));
  }
}
Module._extensions['.wat'] = (module, filename) => {
  const bytes = assembled.get(filename);
  if (!bytes) throw new Error(`watLoader: ${filename} is not under src/engine/wasm`);
  module.exports = { __esModule: true, default: bytes };
};

const requested = process.env.LSTM_KERNELS ?? 'wasm';
if (requested !== 'js' && requested !== 'wasm') throw new Error(`LSTM_KERNELS must be js or wasm, not ${requested}`);

export const mochaHooks = {
  async beforeAll() {
    const kernels = require('../../../src/engine/kernels.ts');
    const inUse = kernels.setKernelBackend(requested);
    if (inUse !== requested) throw new Error(`LSTM_KERNELS=${requested} but the ${inUse} kernels are in use`);
    const secondCore = require('./secondCore.ts');
    if (secondCore.suiteUsesTwoCores()) await secondCore.startTestSecondCore();
  },
  afterAll() {
    const host = require('../../../src/parallelHost.ts');
    const stats = host.secondCoreStats();
    if (stats) console.log(`  second core: ${stats.products} products split, ${stats.helperBlocks} of ${stats.blocks} blocks on the helper`);
    host.stopSecondCore();
  },
};
