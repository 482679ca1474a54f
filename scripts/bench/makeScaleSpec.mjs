#!/usr/bin/env node
// Deterministic LSTM specs of a chosen size (H, I, T) for the UI benchmark (scripts/benchUi.mjs), written
// at run time into its scratch workspace so no multi-megabyte fixture is committed. The same arguments
// always give the same bytes: inputs come from a seeded PRNG (mulberry32) as smooth 3-decimal series;
// the weights are `init` (the engine's own seeded generator, see docs/spec-format.md "Random weights")
// unless `weights: true` writes every matrix out in full, which is how the typing benchmark gets a
// ~10 MB file at (512, 256, 1000). The layout is fixed so the benchmark can find places by line:
// line 1 holds only the name (`{"name": "…",`), and the line after `"inputs": [` is the first input row,
// written without indentation and starting with the single digit `3` (`[3,…`), so one keystroke over
// that digit changes x_1[0] by whole units.
// Usage: node scripts/bench/makeScaleSpec.mjs H I T [--weights] [--name NAME] [--seed N] > file.lstm.json
import { pathToFileURL } from 'node:url';

/** mulberry32: a tiny seeded PRNG in [0, 1); enough for fixtures, not for statistics */
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const fixed3 = x => String(Math.round(x * 1000) / 1000);

/**
 * The spec text, and the 1-based line of its first input row.
 * @param {{ H: number, I: number, T: number, name?: string, seed?: number, weights?: boolean }} options
 * @returns {{ text: string, firstInputLine: number }}
 */
export function makeScaleSpec({ H, I, T, name = `UI bench H=${H} I=${I} T=${T}`, seed = 5, weights = false }) {
  const random = mulberry32(seed * 7919 + H * 31 + I * 17 + T);
  const lines = [`{"name": ${JSON.stringify(name)},`, `"cell": "lstm", "inputSize": ${I}, "hiddenSize": ${H},`];
  if (weights) {
    // W_*: (H, H+I) rows over [h_{t-1}, x_t]; b_*: (H); scale 0.1 like init's default figures
    const matrix = () => {
      const rows = [];
      for (let r = 0; r < H; r++) {
        const row = new Array(H + I);
        for (let c = 0; c < H + I; c++) row[c] = fixed3((random() * 2 - 1) * 0.1);
        rows.push(`[${row.join(',')}]`);
      }
      return rows.join(',\n');
    };
    const vector = () => `[${Array.from({ length: H }, () => fixed3((random() * 2 - 1) * 0.1)).join(',')}]`;
    lines.push('"weights": {');
    ['f', 'i', 'c', 'o'].forEach((gate, k) => {
      lines.push(`"W_${gate}": [\n${matrix()}],`);
      lines.push(`"b_${gate}": ${vector()}${k < 3 ? ',' : ''}`);
    });
    lines.push('},');
  } else {
    lines.push(`"init": {"seed": ${seed}, "scale": 0.1, "forgetBias": 1},`);
  }
  lines.push('"inputs": [');
  const firstInputLine = lines.length + 1;
  // each input unit a random walk in [-1, 1] so the charts show structure, not noise
  const x = Array.from({ length: I }, () => random() * 2 - 1);
  for (let t = 0; t < T; t++) {
    const row = x.map((v, j) => {
      const next = Math.max(-1, Math.min(1, v + (random() - 0.5) * 0.3));
      x[j] = next;
      return t === 0 && j === 0 ? '3' : fixed3(next);
    });
    lines.push(`[${row.join(', ')}]${t < T - 1 ? ',' : ''}`);
  }
  lines.push('],', '"loss": {"kind": "sum"}', '}', '');
  return { text: lines.join('\n'), firstInputLine };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const argv = process.argv.slice(2);
  const option = name => { const i = argv.indexOf('--' + name); return i >= 0 ? argv[i + 1] : undefined; };
  const [H, I, T] = argv.filter((a, i) => !a.startsWith('--') && !['--name', '--seed'].includes(argv[i - 1])).map(Number);
  if (![H, I, T].every(n => Number.isInteger(n) && n > 0)) {
    console.error('usage: node scripts/bench/makeScaleSpec.mjs H I T [--weights] [--name NAME] [--seed N]');
    process.exit(2);
  }
  const seed = option('seed') === undefined ? undefined : Number(option('seed'));
  process.stdout.write(makeScaleSpec({ H, I, T, name: option('name'), seed, weights: argv.includes('--weights') }).text);
}
