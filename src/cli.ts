// The command-line trace tool (docs/cli.md), bundled to dist/cli.js:
//   trace SPEC [--json] [--loss sum|mse] [--precision N]   the seeds' step table and backward table,
//                                                          or the trace JSON (docs/trace-format.md)
//   bench SPEC [--runs N]                                  times computeTrace alone, one JSON line
//   inspect FILE [--json]                                  what a model file holds (docs/cli.md)
//   train SPEC --steps N [...]                             trains the spec (cliTrain.ts, docs/training.md)
// Specs may read files (`model`, `inputs: {"file"}`): they are read relative to the spec's folder
// through src/runtime/specLoader.ts, which turns them into the engine's numbers with src/models.
// A model file that cannot be read or is malformed: exit 1 and `FILE: message`.
//   --kernels js|wasm (either command)                     the matrix kernels' back end (default wasm)
//   --threads 1|2 (either command)                         one core or two (default: 2 for a large spec)
// A bad spec prints every issue, and nothing else, as `file:line:column: message` (warnings as
// `file:line:column: warning: message`) on stderr and exits 1. A file that cannot be read and a
// --loss value other than sum or mse exit 1 as well (they have no position to give); the other
// usage errors exit 2. Nothing ever reaches the user as a stack trace. It uses the engine through
// its public API (src/engine/index.ts), the model readers (src/models) and the spec loader.

import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  CELLS, computeTrace, findSourceRange, formatNumber, rowMeans, rowNorms, setKernelBackend, traceToJson,
  layerCount, layerView, type KernelBackend, type NonFiniteReport, type Spec, type Trace,
} from './engine';
import { inspectModel, readModelFile, type InspectReport } from './models';
import { loadSpec as loadSpecText } from './runtime/specLoader';
import { formatIssue, readReason, readSpecText, specFileReader } from './cliFiles';
import { runTrain, TRAIN_USAGE } from './cliTrain';
import { defaultThreads, startSecondCore, waitForSecondCore } from './parallelHost';

const USAGE = `Usage:
  lstm-stepper trace SPEC.lstm.json [--json] [--loss sum|mse] [--precision N] [--kernels js|wasm] [--threads 1|2]
  lstm-stepper bench SPEC.lstm.json [--runs N] [--kernels js|wasm] [--threads 1|2]
  lstm-stepper inspect MODEL_FILE [--json]
  lstm-stepper train SPEC.lstm.json --steps N [--optimizer sgd|adam] [--lr X] [--momentum M] [--clip-norm C] [--json]
  lstm-stepper --help

trace   prints the forward table (t, token, gates, c_t, h_t) and the backward table
        (t, |dL/dc_t|, mean ∏f, |dL/dh_t| of the comparison RNN; gru: |dL/dh_t|, mean ∏z).
        --json         print the full trace as JSON instead (docs/trace-format.md)
        --loss KIND    override the spec's loss: sum, or mse (needs loss.target in the spec)
        --precision N  digits after the decimal point in the tables (default 4)
bench   times the engine alone (forward + full BPTT) N times, after untimed warm-up runs, and prints one JSON line
        {"H","I","T","runs":[ms...],"medianMs","gflops"} with FLOPs = 3·2·4H(H+I)·T for lstm
        (gru: 3·2·3H(H+I)·T, rnn: 3·2·H(H+I)·T).
        --runs N       number of timed runs (default 5)
inspect lists the recurrent modules and every tensor of a model file (.pt/.pth, .safetensors,
        .npz, .onnx, .keras/.h5); --json prints {"modules": [...], "tensors": [...]}.
${TRAIN_USAGE.slice(TRAIN_USAGE.indexOf('train   '))}
--kernels KIND  the matrix products' back end: wasm (WebAssembly SIMD, the default) or js
--threads N     1: one core; 2: a helper thread computes rows of the products that do not
                depend on the recurrence (same results, bit for bit). Default: 2 when the
                machine has 2 cores, one of them free, and the spec has at least 1e8 FLOPs

A spec with errors prints each as file:line:column: message on stderr and exits with 1,
as do a file that cannot be read and an unknown --loss value; other usage errors exit with 2.`;

/** Shown to the user as is, then the process exits with `code` (1: bad input, 2: usage). */
class CliError extends Error {
  constructor(message: string, readonly code: 1 | 2) {
    super(message);
  }
}

interface Options {
  command: 'trace' | 'bench' | 'inspect' | 'help';
  file?: string;
  json: boolean;
  loss?: 'sum' | 'mse';
  runs: number;
  precision: number;
  kernels: KernelBackend;
  /** undefined: the default for the spec (parallelHost.ts defaultThreads) */
  threads?: 1 | 2;
}

function parseArguments(argv: string[]): Options {
  const options: Options = { command: 'help', json: false, runs: 5, precision: 4, kernels: 'wasm' };
  const positionals: string[] = [];
  const valueOf = (flag: string, inline: string | undefined, k: number): [string, number] => {
    if (inline !== undefined) return [inline, k];
    if (k + 1 >= argv.length) throw new CliError(`${flag} needs a value\n\n${USAGE}`, 2);
    return [argv[k + 1], k + 1];
  };
  const positiveInteger = (flag: string, text: string, min: number): number => {
    const value = Number(text);
    if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < min) {
      throw new CliError(`${flag} expects an integer >= ${min}, got "${text}"`, 2);
    }
    return value;
  };
  let help = false;
  for (let k = 0; k < argv.length; k++) {
    const argument = argv[k];
    if (!argument.startsWith('-') || argument === '-') { positionals.push(argument); continue; }
    const [flag, inline] = argument.includes('=') ? [argument.slice(0, argument.indexOf('=')), argument.slice(argument.indexOf('=') + 1)] : [argument, undefined];
    switch (flag) {
      case '--help':
      case '-h':
        help = true;
        break;
      case '--json':
        if (inline !== undefined) throw new CliError(`--json takes no value\n\n${USAGE}`, 2);
        options.json = true;
        break;
      case '--loss': {
        const [value, next] = valueOf(flag, inline, k);
        k = next;
        // exit 1 like a bad spec: the loss is part of what is computed, not of how the tool is called
        if (value !== 'sum' && value !== 'mse') throw new CliError(`--loss expects sum or mse, got "${value}"`, 1);
        options.loss = value;
        break;
      }
      case '--runs': {
        const [value, next] = valueOf(flag, inline, k);
        k = next;
        options.runs = positiveInteger(flag, value, 1);
        break;
      }
      case '--kernels': {
        const [value, next] = valueOf(flag, inline, k);
        k = next;
        if (value !== 'js' && value !== 'wasm') throw new CliError(`--kernels expects js or wasm, got "${value}"`, 2);
        options.kernels = value;
        break;
      }
      case '--threads': {
        const [value, next] = valueOf(flag, inline, k);
        k = next;
        if (value !== '1' && value !== '2') throw new CliError(`--threads expects 1 or 2, got "${value}"`, 2);
        options.threads = value === '1' ? 1 : 2;
        break;
      }
      case '--precision': {
        const [value, next] = valueOf(flag, inline, k);
        k = next;
        options.precision = Math.min(positiveInteger(flag, value, 0), 17);
        break;
      }
      default:
        throw new CliError(`unknown option ${flag}\n\n${USAGE}`, 2);
    }
  }
  if (help) return { ...options, command: 'help' };
  const [command, file, ...extra] = positionals;
  if (command === undefined) throw new CliError(USAGE, 2);
  if (command === 'help') return options;
  if (command !== 'trace' && command !== 'bench' && command !== 'inspect') throw new CliError(`unknown command "${command}"\n\n${USAGE}`, 2);
  if (file === undefined) throw new CliError(`${command} needs ${command === 'inspect' ? 'a model file' : 'a spec file'}\n\n${USAGE}`, 2);
  if (extra.length > 0) throw new CliError(`unexpected argument "${extra[0]}"\n\n${USAGE}`, 2);
  if (command === 'bench' && (options.json || options.loss)) throw new CliError(`bench takes only --runs, --kernels and --threads\n\n${USAGE}`, 2);
  if (command === 'inspect' && (options.loss || argv.some(a => a.startsWith('--runs') || a.startsWith('--precision')))) throw new CliError(`inspect takes only --json\n\n${USAGE}`, 2);
  if (command === 'trace' && argv.some(a => a.startsWith('--runs'))) throw new CliError(`--runs belongs to bench\n\n${USAGE}`, 2);
  return { ...options, command, file };
}


/**
 * Reads and validates the spec and prints its issues on stderr. Returns the spec and its text, or
 * undefined when it has errors: those lines are all the user gets, each with its position.
 */
function loadSpec(file: string, loss: 'sum' | 'mse' | undefined, stderr: (line: string) => void): { spec: Spec; text: string } | undefined {
  let text: string;
  try {
    text = readSpecText(file);
  } catch (error) {
    throw new CliError((error as Error).message, 1);
  }
  // files the spec names are relative to the spec's folder
  const { spec, issues } = loadSpecText(text, { loss, readFile: specFileReader(file) });
  for (const issue of issues) stderr(formatIssue(file, issue.severity, issue.range, issue.message));
  return spec && { spec, text };
}

/**
 * The warning for a trace that overflowed, pointed at the input row of the step where the first
 * NaN or ±Inf appeared (at the loss for a non-finite loss), so it has a position like any issue.
 */
function nonFiniteWarning(file: string, text: string, report: NonFiniteReport): string {
  const atLoss = report.field === 'loss' ? findSourceRange(text, ['loss']) : undefined;
  const atRow = atLoss ? undefined : findSourceRange(text, ['inputs', report.t - 1]);
  const range = atLoss ?? atRow ?? findSourceRange(text, ['inputs'])
    ?? { offset: 0, length: 0, line: 1, column: 1, endLine: 1, endColumn: 1 };
  const where = atLoss ? 'loss: ' : atRow ? `inputs[${report.t - 1}]: ` : '';
  return formatIssue(file, 'warning', range,
    `${where}the first non-finite value appears in the ${report.phase} pass at t=${report.t} (${report.field}); later values are not meaningful`);
}

// ---- tables ----

function formatVector(row: Float64Array, precision: number, maxUnits = 8): string {
  const shown = Array.from(row.subarray(0, maxUnits), value => formatNumber(value, precision));
  if (row.length > maxUnits) shown.push(`… +${row.length - maxUnits}`);
  return `[${shown.join(', ')}]`;
}

function renderTable(header: string[], rows: string[][]): string[] {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map(row => row[column].length)));
  const line = (cells: string[]): string => cells.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd();
  return [line(header), ...rows.map(line)];
}

/** The tables of every (layer, direction) of a stack, after the stack-wide output; one layer: renderTrace. */
export function renderStackTrace(title: string, trace: Trace, precision: number): string[] {
  const stack = trace.stack;
  if (!stack) return renderTrace(title, trace, precision);
  const D = stack.bidirectional ? 2 : 1, H = trace.hiddenSize;
  const out: string[] = [];
  out.push(`${title}: ${trace.cell}, inputSize ${trace.inputSize}, hiddenSize ${H}, numLayers ${stack.numLayers}, ${stack.bidirectional ? 'bidirectional' : 'one direction'}, T = ${trace.T}`);
  out.push('');
  out.push(`Output (top layer${D === 2 ? ', [h_t forward | h_t reverse]' : ''})`);
  const rows: string[][] = [];
  for (let t = 1; t <= trace.T; t++) rows.push([String(t), trace.tokens?.[t - 1] ?? '-', formatVector(stack.output.subarray((t - 1) * D * H, t * D * H), precision, 16)]);
  out.push(...renderTable(['t', 'token', 'output_t'], rows));
  out.push('');
  out.push(lossLine(trace, precision));
  for (let k = 0; k < layerCount(trace); k++) {
    const entry = stack.layers[k];
    out.push('');
    out.push(`== Layer ${entry.layer + 1}, ${entry.direction} (${entry.label}) ==`);
    out.push(...renderTrace(`${title} ${entry.label}`, layerView(trace, k), precision));
  }
  return out;
}

function lossLine(trace: Trace, precision: number): string {
  const p = Math.max(precision, 6);
  const parts = [`Loss ${trace.loss.kind}: L = ${formatNumber(trace.loss.L, p)}`];
  if (trace.loss.sampleLosses) parts.push(`(mean of ${trace.loss.sampleLosses.length} samples: ${Array.from(trace.loss.sampleLosses, v => formatNumber(v, p)).join(', ')})`);
  if (trace.loss.probs && !trace.loss.perStep) parts.push(`probs ${formatVector(trace.loss.probs, precision, 16)}`);
  return parts.join(' ');
}

function renderInspect(file: string, report: InspectReport): string[] {
  const out: string[] = [`${file}: ${report.modules.length} recurrent module${report.modules.length === 1 ? '' : 's'}, ${report.tensors.length} tensor${report.tensors.length === 1 ? '' : 's'}`];
  if (report.modules.length > 0) {
    out.push('');
    out.push(...renderTable(['prefix', 'cell', 'layers', 'bidirectional', 'H', 'I', 'dtype', 'convention'],
      report.modules.map(m => [m.prefix === '' ? '(none)' : m.prefix, m.cell, String(m.numLayers), String(m.bidirectional), String(m.hiddenSize), String(m.inputSize), m.dtype, m.convention])));
  }
  out.push('');
  out.push(...renderTable(['tensor', 'shape', 'dtype'], report.tensors.map(t => [t.name, `[${t.shape.join(', ')}]`, t.dtype])));
  return out;
}

/** `inspect FILE`: a bad or unsupported file is `FILE: message` and exit 1. */
function inspect(file: string, json: boolean, stdout: (line: string) => void): number {
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(file);
  } catch (error) {
    throw new CliError(`${file}: cannot read: ${readReason(error)}`, 1);
  }
  let report: InspectReport;
  try {
    report = inspectModel(readModelFile(bytes, file), file);
  } catch (error) {
    // ModelFileError messages already start with the file name
    const message = error instanceof Error ? error.message : String(error);
    throw new CliError(message.startsWith(`${file}: `) ? message : `${file}: ${message}`, 1);
  }
  if (json) stdout(JSON.stringify(report));
  else for (const line of renderInspect(file, report)) stdout(line);
  return 0;
}

export function renderTrace(title: string, trace: Trace, precision: number): string[] {
  const H = trace.hiddenSize;
  const T = trace.T;
  const token = (t: number): string => trace.tokens?.[t - 1] ?? '-';
  const row = (name: string, t: number): string => formatVector(trace.forward[name].subarray((t - 1) * H, t * H), precision);
  const out: string[] = [];
  out.push(`${title}: ${trace.cell}, inputSize ${trace.inputSize}, hiddenSize ${H}, T = ${T}`);
  out.push('');
  out.push('Forward');
  const cell = CELLS[trace.cell];
  const forwardFields = [...cell.gates.map(gate => gate.name), ...cell.states.map(state => state.name)];
  const forwardTitles = forwardFields.map(name => (name === 'c' || name === 'h' ? `${name}_t` : name));
  const forwardRows: string[][] = [];
  for (let t = 1; t <= T; t++) forwardRows.push([String(t), token(t), ...forwardFields.map(name => row(name, t))]);
  out.push(...renderTable(['t', 'token', ...forwardTitles], forwardRows));
  out.push('');
  out.push(lossLine(trace, precision));
  out.push('');
  out.push('Backward (BPTT, from t = T down to 1)');
  const backwardRows: string[][] = [];
  const perStep = trace.backward.perStep;
  const rnnNorms = trace.vanillaRNN.dL_dh_norm; // (T)
  // (T) each: |dL/dc_t| for the LSTM kinds, |dL/dh_t| otherwise (the carried state's gradient);
  // the mean of ∏f (∏z) over units. A cell without a gated path is its own comparison RNN.
  const gradientNorms = rowNorms(perStep[`dL_d${cell.carried}`], T, H);
  const decay = cell.pathDecay && trace.pathDecay?.kind === cell.pathDecay.kind
    ? (trace.pathDecay as unknown as Record<string, Float64Array>)[cell.pathDecay.product] : undefined;
  const decayMeans = decay && rowMeans(decay, T, H);
  for (let t = T; t >= 1; t--) {
    const cells = [String(t), formatNumber(gradientNorms[t - 1], precision)];
    if (cell.pathDecay) {
      cells.push(decayMeans ? formatNumber(decayMeans[t - 1], precision) : '-');
      cells.push(formatNumber(rnnNorms[t - 1], precision));
    }
    backwardRows.push(cells);
  }
  const backwardHeader = cell.pathDecay
    ? ['t', `|dL/d${cell.carried}_t|`, `mean ${cell.pathDecay.label}`, '|dL/dh_t| RNN']
    : ['t', `|dL/d${cell.carried}_t|`];
  out.push(...renderTable(backwardHeader, backwardRows));
  return out;
}

/**
 * The FLOPs the bench divides by: the cell table's count per step times T. For lstm this is the
 * docs/cli.md contract 3·2·4H(H+I)·T; gru (3 gate blocks) and rnn (1) count their own blocks.
 */
export function benchFlops(spec: Pick<Spec, 'cell' | 'hiddenSize' | 'inputSize' | 'T'>): number {
  return CELLS[spec.cell].flopsPerStep(spec.hiddenSize, spec.inputSize) * spec.T;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export function run(argv: string[], stdout: (line: string) => void, stderr: (line: string) => void): number {
  try {
    // train has its own options (cliTrain.ts)
    if (argv.find(a => !a.startsWith('-')) === 'train') return runTrain(argv.filter((_, k) => k !== argv.indexOf('train')), stdout, stderr);
    const options = parseArguments(argv);
    if (options.command === 'help') {
      stdout(USAGE);
      return 0;
    }
    const file = options.file!;
    if (options.command === 'inspect') return inspect(file, options.json, stdout);
    if (setKernelBackend(options.kernels) !== options.kernels) throw new CliError(`--kernels ${options.kernels}: WebAssembly SIMD is not available in this Node.js`, 1);
    const loaded = loadSpec(file, options.loss, stderr);
    if (!loaded) return 1;
    const { spec, text } = loaded;
    // the helper joins the products once it is up (tens of ms); bench waits for it before warming up
    if ((options.threads ?? defaultThreads(spec)) === 2 && startSecondCore().started && options.command === 'bench') waitForSecondCore(2000);
    if (options.command === 'bench') {
      // untimed warm-up so the runs measure optimised code: at least 2 runs and 200 ms, at most 20 runs
      for (let warm = 0, spent = 0; warm < 20 && (warm < 2 || spent < 200); warm++) {
        const start = performance.now();
        computeTrace(spec);
        spent += performance.now() - start;
      }
      const runs: number[] = [];
      for (let k = 0; k < options.runs; k++) {
        const start = performance.now();
        computeTrace(spec);
        runs.push(performance.now() - start);
      }
      const medianMs = median(runs);
      const H = spec.hiddenSize;
      const I = spec.inputSize;
      const flops = benchFlops(spec);
      const round = (value: number): number => Math.round(value * 1000) / 1000;
      // gflops from the printed medianMs (docs/cli.md's formula), unless that rounds to 0
      const shownMs = round(medianMs) > 0 ? round(medianMs) : medianMs;
      stdout(JSON.stringify({ H, I, T: spec.T, runs: runs.map(round), medianMs: round(medianMs), gflops: Number((flops / (shownMs * 1e6)).toPrecision(4)) }));
      return 0;
    }
    const trace = computeTrace(spec);
    if (trace.nonFinite) stderr(nonFiniteWarning(file, text, trace.nonFinite));
    if (options.json) stdout(JSON.stringify(traceToJson(trace)));
    else for (const line of renderStackTrace(spec.name ?? path.basename(file), trace, options.precision)) stdout(line);
    return 0;
  } catch (error) {
    if (error instanceof CliError) {
      stderr(error.message);
      return error.code;
    }
    stderr(`lstm-stepper: internal error: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

if (require.main === module) {
  // `trace … | head` closes the pipe early: that is not an error worth a stack trace
  process.stdout.on('error', error => {
    if ((error as NodeJS.ErrnoException).code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  const out: string[] = [];
  const code = run(process.argv.slice(2), line => out.push(line), line => process.stderr.write(line + '\n'));
  // one write, then let the process end on its own so a piped stdout is flushed completely
  if (out.length > 0) process.stdout.write(out.join('\n') + '\n');
  process.exitCode = code;
}
