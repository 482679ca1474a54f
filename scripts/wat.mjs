// Assembles the engine's hand-written WebAssembly text (src/engine/wasm/*.wat) with the `wabt`
// package, at build time: no .wasm binary is committed. `watPlugin` is the esbuild plugin the
// bundles (scripts/build.mjs, scripts/bench.mjs) use, so `import bytes from './kernels.wat'` becomes
// a Uint8Array literal inside the bundle; test/unit/helpers/watLoader.mjs does the same for mocha.
import fs from 'node:fs';
import path from 'node:path';
import wabtInit from 'wabt';

let wabtPromise;

/** The binary module (Uint8Array) of a .wat file, with the SIMD feature on; throws with wabt's message. */
export async function assembleWat(file) {
  wabtPromise ??= wabtInit();
  const wabt = await wabtPromise;
  const text = fs.readFileSync(file, 'utf8');
  const parsed = wabt.parseWat(path.basename(file), text, { simd: true, bulk_memory: true });
  try {
    parsed.resolveNames();
    parsed.validate();
    return Uint8Array.from(parsed.toBinary({ log: false }).buffer);
  } finally {
    parsed.destroy();
  }
}

/** ES module text exporting the bytes as a Uint8Array literal. */
export function bytesModule(bytes) {
  return `export default new Uint8Array([${Array.from(bytes).join(',')}]);\n`;
}

/** @type {import('esbuild').Plugin} */
export const watPlugin = {
  name: 'wat',
  setup(build) {
    build.onLoad({ filter: /\.wat$/ }, async args => ({
      contents: bytesModule(await assembleWat(args.path)), loader: 'js', watchFiles: [args.path],
    }));
  },
};
