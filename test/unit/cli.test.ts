// The command-line tool (docs/cli.md), run as users run it: `node dist/cli.js ...` in a
// child process, after building the bundle. Expected numbers come from the seed (section 5) or
// are recomputed from the tool's own --json output, never copied from a previous run.

import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../..');
const cli = path.join(root, 'dist/cli.js');
const movie = 'examples/this-movie-is-good.lstm.json';

/** docs/cli.md#error-format: every stderr line of a bad spec is `file:line:column: message`. */
const POSITIONED = /^.+:\d+:\d+: /;

function runCli(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The numbers inside the `[a, b]` cells of a table row, in order. */
const vectorsOf = (line: string): number[][] =>
  [...line.matchAll(/\[([^\]]*)\]/g)].map(m => m[1].split(',').map(Number));

describe('cli', function () {
  this.timeout(60000);
  let tmp: string;

  before(() => {
    const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, encoding: 'utf8' });
    assert.equal(build.status, 0, build.stderr);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lstm-cli-'));
  });

  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('trace prints the seed step table: t, token, f, i, g, o, c_t, h_t', () => {
    const { code, stdout, stderr } = runCli('trace', movie);
    assert.equal(code, 0, stderr);
    assert.equal(stderr, '');
    const lines = stdout.split('\n');
    const header = lines.findIndex(line => /^t\s+token\s+f\s+i\s+g\s+o\s+c_t\s+h_t$/.test(line));
    assert.ok(header >= 0, stdout);
    const seedC = [0.1085, 0.4225, 0.3467, 0.8018];
    const seedH = [0.0594, 0.2585, 0.1840, 0.4841];
    const seedF = [0.5498, 0.6478, 0.5519, 0.7279];
    ['This', 'movie', 'is', 'good'].forEach((token, k) => {
      const row = lines[header + 1 + k];
      assert.match(row, new RegExp(`^${k + 1}\\s+${token}\\s+\\[`));
      const [f, , , , c, h] = vectorsOf(row);
      for (let j = 0; j < 2; j++) {
        assert.ok(Math.abs(f[j] - seedF[k]) < 1.5e-3, `f row ${k + 1}`);
        assert.ok(Math.abs(c[j] - seedC[k]) < 1.5e-3, `c row ${k + 1}`);
        assert.ok(Math.abs(h[j] - seedH[k]) < 1.5e-3, `h row ${k + 1}`);
      }
    });
  });

  it('trace prints the backward table: t, |dL/dc_t|, mean ∏f, |dL/dh_t| RNN, from t = T down', () => {
    const { stdout } = runCli('trace', movie);
    const lines = stdout.split('\n');
    const header = lines.findIndex(line => /^t\s+\|dL\/dc_t\|\s+mean ∏f\s+\|dL\/dh_t\| RNN$/.test(line));
    assert.ok(header >= 0, stdout);
    const rows = lines.slice(header + 1, header + 5).map(line => line.trim().split(/\s+/).map(Number));
    assert.deepEqual(rows.map(r => r[0]), [4, 3, 2, 1]);
    // the seed's cell-path figures: 1, 0.728, 0.402, 0.260
    [1, 0.728, 0.402, 0.260].forEach((expected, k) => assert.ok(Math.abs(rows[k][2] - expected) < 1.5e-3, `∏f t=${4 - k}`));
    // at t = T the cell gradient of a sum loss is o_T * (1 - tanh²c_T) per unit: from the forward table
    const json = JSON.parse(runCli('trace', movie, '--json').stdout);
    const oT = json.forward.o[3][0];
    const cT = json.forward.c[3][0];
    const expectedNorm = Math.SQRT2 * oT * (1 - Math.tanh(cT) ** 2);
    assert.ok(Math.abs(rows[0][1] - expectedNorm) < 1e-4);
    // the RNN's |dL/dh_T| for a sum loss is |ones| = √2
    assert.ok(Math.abs(rows[0][3] - Math.SQRT2) < 1e-4);
  });

  it('gru and rnn specs get their own columns', () => {
    const gru = runCli('trace', 'examples/gru-movie.lstm.json');
    assert.equal(gru.code, 0, gru.stderr);
    assert.match(gru.stdout, /^t\s+token\s+r\s+z\s+n\s+h_t$/m);
    assert.match(gru.stdout, /^t\s+\|dL\/dh_t\|\s+mean ∏z\s+\|dL\/dh_t\| RNN$/m);
    const rnn = runCli('trace', 'examples/rnn-movie.lstm.json');
    assert.equal(rnn.code, 0, rnn.stderr);
    assert.match(rnn.stdout, /^t\s+token\s+h_t$/m);
  });

  it('--json prints the trace of docs/trace-format.md', () => {
    const { code, stdout } = runCli('trace', movie, '--json');
    assert.equal(code, 0);
    const trace = JSON.parse(stdout);
    assert.deepEqual(Object.keys(trace).sort(), ['T', 'backward', 'cell', 'cellPathDecay', 'forward', 'hiddenSize', 'inputSize', 'loss', 'tokens', 'vanillaRNN'].sort());
    assert.equal(trace.cell, 'lstm');
    assert.equal(trace.T, 4);
    assert.deepEqual(trace.tokens, ['This', 'movie', 'is', 'good']);
    for (const key of ['a_f', 'a_i', 'a_g', 'a_o', 'f', 'i', 'g', 'o', 'c', 'h']) {
      assert.equal(trace.forward[key].length, 4, key);
      assert.equal(trace.forward[key][0].length, 2, key);
    }
    for (const key of ['dL_dh', 'dL_dc', 'dL_da_f', 'dL_da_i', 'dL_da_g', 'dL_da_o', 'dL_dx', 'dL_dh0', 'dL_dc0', 'dL_dW', 'dL_db']) {
      assert.ok(key in trace.backward, key);
    }
    assert.deepEqual(Object.keys(trace.backward.dL_dW).sort(), ['W_c', 'W_f', 'W_i', 'W_o']);
    assert.deepEqual(Object.keys(trace.backward.dL_db).sort(), ['b_c', 'b_f', 'b_i', 'b_o']);
    assert.equal(trace.cellPathDecay.forgetProduct.length, 4);
    assert.deepEqual(Object.keys(trace.vanillaRNN).sort(), ['dL_dh', 'dL_dh_norm', 'h']);
    // loss sum: L = sum_j h_T[j], the seed's h_4 = 0.4841 in both units
    assert.equal(trace.loss.kind, 'sum');
    assert.ok(Math.abs(trace.loss.L - (trace.forward.h[3][0] + trace.forward.h[3][1])) < 1e-15);
    assert.ok(Math.abs(trace.loss.L - 2 * 0.4841) < 3e-3);
  });

  it('--loss overrides the spec: sum on an mse spec; mse on a spec without target is an error', () => {
    const mseSpec = JSON.parse(runCli('trace', 'examples/gru-movie.lstm.json', '--json').stdout);
    assert.equal(mseSpec.loss.kind, 'mse');
    const target = [1, -1];
    const hT: number[] = mseSpec.forward.h[3];
    assert.ok(Math.abs(mseSpec.loss.L - 0.5 * hT.reduce((s, h, j) => s + (h - target[j]) ** 2, 0)) < 1e-15);
    const overridden = JSON.parse(runCli('trace', 'examples/gru-movie.lstm.json', '--json', '--loss', 'sum').stdout);
    assert.equal(overridden.loss.kind, 'sum');
    assert.ok(Math.abs(overridden.loss.L - (hT[0] + hT[1])) < 1e-15);
    // dL/dh_T = ones for a sum loss
    assert.deepEqual(overridden.backward.dL_dh[3], [1, 1]);

    const { code, stdout, stderr } = runCli('trace', movie, '--loss=mse');
    assert.equal(code, 1);
    assert.equal(stdout, '');
    assert.match(stderr, /^examples\/this-movie-is-good\.lstm\.json:\d+:\d+: loss\.target: missing; --loss mse needs a target of 2 numbers$/m);
    for (const line of stderr.trim().split('\n')) assert.match(line, POSITIONED);
    const bad = runCli('trace', movie, '--loss', 'hinge');
    assert.equal(bad.code, 1);
    assert.equal(bad.stdout, '');
    assert.match(bad.stderr, /--loss expects sum or mse, got "hinge"/);
  });

  it('a broken spec: exit 1, every error as file:line:column: message, warnings marked, no stack trace', () => {
    const file = path.join(tmp, 'broken.lstm.json');
    fs.writeFileSync(file, [
      '{',
      '  "inputSize": 2, "hiddenSize": 2,',
      '  "weights": {"W_f": [[0.5, 0.5, 0.5], [0.5, 0.5, 0.5, 0.5]], "W_i": 0.5, "W_c": 0.5, "W_o": 0.5,',
      '              "b_f": 0, "b_i": 0, "b_c": 0, "b_o": 0},',
      '  "inputs": [[0.5, -0.1], [0.3]],',
      '  "colour": "blue"',
      '}',
    ].join('\n'));
    const { code, stdout, stderr } = runCli('trace', file);
    assert.equal(code, 1);
    assert.equal(stdout, '');
    const lines = stderr.trim().split('\n');
    assert.deepEqual(lines, [
      `${file}:3:23: weights.W_f: expected 2 rows of 4 numbers, row 0 has 3`,
      `${file}:5:27: inputs[1]: expected 2 numbers (inputSize), found 1`,
      `${file}:6:3: warning: colour: unknown key, ignored; known keys: name, description, cell, inputSize, hiddenSize, weights, init, h0, c0, inputs, tokens, loss`,
    ]);
    for (const line of lines) assert.match(line, POSITIONED);
    const syntax = path.join(tmp, 'syntax.lstm.json');
    fs.writeFileSync(syntax, '{"inputSize": 2,\n "hiddenSize" 2}');
    const syntaxRun = runCli('trace', syntax, '--json');
    assert.equal(syntaxRun.code, 1);
    assert.match(syntaxRun.stderr, new RegExp(`^${syntax.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2:15: syntax error: expected ':', found "2"$`, 'm'));
    assert.doesNotMatch(syntaxRun.stderr, /\n\s+at /);
    for (const line of syntaxRun.stderr.trim().split('\n')) assert.match(line, POSITIONED);
  });

  it('NaN and 1e999 in one input row: one line each, at their own index and column', () => {
    const file = path.join(tmp, 'nan.lstm.json');
    fs.writeFileSync(file, [
      '{',
      '  "inputSize": 2, "hiddenSize": 2, "init": {"seed": 1},',
      '  "inputs": [[0.5, -0.1], [NaN, 1e999]]',
      '}',
    ].join('\n'));
    const { code, stdout, stderr } = runCli('trace', file);
    assert.equal(code, 1);
    assert.equal(stdout, '');
    assert.deepEqual(stderr.trim().split('\n'), [
      `${file}:3:28: inputs[1][0]: syntax error: expected a finite number (JSON has no NaN or Infinity), found "NaN"`,
      `${file}:3:33: inputs[1][1]: expected a finite number, found 1e999 (Infinity)`,
    ]);
  });

  it('a trace that overflows: computed, with a positioned warning at the input row where it starts', () => {
    const file = path.join(tmp, 'overflow.lstm.json');
    // x_2 * 10 overflows a float64: a_f at t = 2 is +Infinity
    fs.writeFileSync(file, [
      '{',
      '  "inputSize": 2, "hiddenSize": 1,',
      '  "weights": {"W_f": 10, "b_f": 0, "W_i": 10, "b_i": 0, "W_c": 10, "b_c": 0, "W_o": 10, "b_o": 0},',
      '  "inputs": [[0.5, -0.1],',
      '             [1e308, 1e308]]',
      '}',
    ].join('\n'));
    const { code, stdout, stderr } = runCli('trace', file, '--json');
    assert.equal(code, 0, stderr);
    assert.equal(JSON.parse(stdout).nonFinite.t, 2);
    const lines = stderr.trim().split('\n');
    assert.equal(lines.length, 1, stderr);
    assert.match(lines[0], POSITIONED);
    assert.ok(lines[0].startsWith(`${file}:5:14: warning: inputs[1]: the first non-finite value appears in the forward pass at t=2 (a_f)`), lines[0]);
  });

  it('unreadable file: exit 1; unknown subcommand, bad flags: a clear message and exit 2', () => {
    const missing = runCli('trace', 'no-such.lstm.json');
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr.trim(), 'cannot read no-such.lstm.json: no such file');
    const directory = runCli('trace', 'examples');
    assert.equal(directory.code, 1);
    assert.match(directory.stderr, /cannot read examples: it is a directory/);
    const unknown = runCli('frobnicate', movie);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /^unknown command "frobnicate"/);
    assert.match(unknown.stderr, /Usage:/);
    const flag = runCli('trace', movie, '--colour');
    assert.equal(flag.code, 2);
    assert.match(flag.stderr, /^unknown option --colour/);
    const runs = runCli('bench', movie, '--runs', '0');
    assert.equal(runs.code, 2);
    assert.match(runs.stderr, /--runs expects an integer >= 1, got "0"/);
    const none = runCli();
    assert.equal(none.code, 2);
    for (const result of [missing, directory, unknown, flag, runs, none]) assert.doesNotMatch(result.stderr, /\n\s+at /);
  });

  it('--help prints the usage and exits 0', () => {
    const { code, stdout } = runCli('--help');
    assert.equal(code, 0);
    assert.match(stdout, /trace SPEC\.lstm\.json \[--json\] \[--loss sum\|mse\]/);
    assert.match(stdout, /bench SPEC\.lstm\.json \[--runs N\]/);
  });

  it('--kernels js and --kernels wasm print the same trace to 1e-12; other values exit 2', () => {
    const spec = 'examples/long-sequence.lstm.json';
    const js = runCli('trace', spec, '--json', '--kernels', 'js'), wasm = runCli('trace', spec, '--json', '--kernels=wasm');
    assert.equal(js.code, 0, js.stderr);
    assert.equal(wasm.code, 0, wasm.stderr);
    const numbers = (text: string): number[] => (text.match(/-?\d+(\.\d+)?(e[-+]?\d+)?/g) ?? []).map(Number);
    const a = numbers(wasm.stdout), b = numbers(js.stdout);
    assert.equal(a.length, b.length);
    assert.ok(b.length > 1000);
    for (let k = 0; k < b.length; k++) assert.ok(Math.abs(a[k] - b[k]) <= 1e-12 * Math.max(1, Math.abs(b[k])), `number ${k}: ${a[k]} vs ${b[k]}`);
    const bad = runCli('bench', spec, '--kernels', 'gpu');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--kernels expects js or wasm, got "gpu"/);
  });

  it('--threads 2 and --threads 1 print the same trace bit for bit; other values exit 2', () => {
    const spec = 'examples/long-sequence.lstm.json';
    const one = runCli('trace', spec, '--json', '--threads', '1'), two = runCli('trace', spec, '--json', '--threads=2');
    assert.equal(one.code, 0, one.stderr);
    assert.equal(two.code, 0, two.stderr);
    assert.equal(two.stdout, one.stdout);
    const bench = runCli('bench', spec, '--runs', '1', '--threads', '2');
    assert.equal(bench.code, 0, bench.stderr);
    const bad = runCli('trace', spec, '--threads', '4');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--threads expects 1 or 2, got "4"/);
  });

  it('bench prints one JSON line with H, I, T, runs, medianMs, gflops', () => {
    const { code, stdout, stderr } = runCli('bench', 'examples/long-sequence.lstm.json', '--runs', '3');
    assert.equal(code, 0, stderr);
    const lines = stdout.trim().split('\n');
    assert.equal(lines.length, 1);
    const result = JSON.parse(lines[0]);
    assert.deepEqual(Object.keys(result), ['H', 'I', 'T', 'runs', 'medianMs', 'gflops']);
    assert.deepEqual([result.H, result.I, result.T], [4, 2, 100]);
    assert.equal(result.runs.length, 3);
    const sorted = [...result.runs].sort((a: number, b: number) => a - b);
    assert.equal(result.medianMs, sorted[1]);
    const flops = 3 * 2 * 4 * 4 * (4 + 2) * 100;
    assert.ok(Math.abs(result.gflops - flops / (result.medianMs * 1e6)) <= 1e-3 * result.gflops + 1e-12);
    const defaultRuns = JSON.parse(runCli('bench', movie).stdout);
    assert.equal(defaultRuns.runs.length, 5);
  });
});
