// The CLI's `train` command (docs/cli.md, docs/training.md), called by cli.ts:
//   train SPEC --steps N [--optimizer sgd|adam] [--lr X] [--momentum M] [--clip-norm C] [--json]
// It trains the spec's parameters with torch.optim's semantics (src/engine/train.ts) and prints
// the loss per step, or with --json one object
//   {"loss": [L_0, …, L_N], "gradNorm": [g_0, …, g_{N−1}], "weights": {name: value, …}}
// where L_k is the loss before step k+1, g_k the global gradient norm before clipping, and the
// weights are the final parameters under the spec's own names. Defaults: sgd, lr 0.01 for sgd
// and 0.001 for adam (torch's Adam default), momentum 0, no clipping. Usage errors exit 2; a bad
// spec exits 1 with every issue as file:line:column: message on stderr.

import * as path from 'node:path';
import type { OptimizerOptions } from './engine/optim';
import { train, trainedWeights, trainModelOf } from './engine/train';
import { formatIssue, readSpecText, specFileReader } from './cliFiles';
import { loadSpec } from './runtime/specLoader';

export const TRAIN_USAGE = `Usage:
  lstm-stepper train SPEC.lstm.json --steps N [--optimizer sgd|adam] [--lr X] [--momentum M]
                     [--clip-norm C] [--json]

train   takes N optimizer steps on the spec's weights and biases (and a loss head), with
        torch.optim's semantics, and prints the loss before each step and after the last.
        --steps N          number of optimizer steps (required, integer >= 0)
        --optimizer KIND   sgd (default) or adam (betas 0.9, 0.999, eps 1e-8)
        --lr X             learning rate (default 0.01 for sgd, 0.001 for adam)
        --momentum M       sgd momentum (default 0; dampening 0, no Nesterov)
        --clip-norm C      clip the global gradient norm to C (clip_grad_norm_)
        --json             print {"loss": [...], "gradNorm": [...], "weights": {...}}`;

class UsageError extends Error {}

interface TrainArguments {
  file: string;
  steps: number;
  optimizer: OptimizerOptions;
  clipNorm?: number;
  json: boolean;
}

function parseTrainArguments(argv: string[]): TrainArguments | 'help' {
  const positionals: string[] = [];
  const values = new Map<string, string>();
  let json = false;
  for (let k = 0; k < argv.length; k++) {
    const argument = argv[k];
    if (!argument.startsWith('-') || argument === '-') { positionals.push(argument); continue; }
    const eq = argument.indexOf('=');
    const flag = eq >= 0 ? argument.slice(0, eq) : argument;
    if (flag === '--help' || flag === '-h') return 'help';
    if (flag === '--json') {
      if (eq >= 0) throw new UsageError('--json takes no value');
      json = true;
      continue;
    }
    if (!['--steps', '--optimizer', '--lr', '--momentum', '--clip-norm'].includes(flag)) throw new UsageError(`unknown option ${flag}`);
    if (values.has(flag)) throw new UsageError(`${flag} is given twice`);
    if (eq >= 0) values.set(flag, argument.slice(eq + 1));
    else {
      if (k + 1 >= argv.length) throw new UsageError(`${flag} needs a value`);
      values.set(flag, argv[++k]);
    }
  }
  if (positionals.length === 0) throw new UsageError('train needs a spec file');
  if (positionals.length > 1) throw new UsageError(`unexpected argument "${positionals[1]}"`);
  const stepsText = values.get('--steps');
  if (stepsText === undefined) throw new UsageError('train needs --steps N');
  const steps = Number(stepsText);
  if (!/^\d+$/.test(stepsText) || !Number.isSafeInteger(steps)) throw new UsageError(`--steps expects an integer >= 0, got "${stepsText}"`);
  const number = (flag: string, positive: boolean): number | undefined => {
    const text = values.get(flag);
    if (text === undefined) return undefined;
    const value = Number(text);
    if (text.trim() === '' || !Number.isFinite(value) || (positive ? value <= 0 : value < 0)) {
      throw new UsageError(`${flag} expects a number ${positive ? '> 0' : '>= 0'}, got "${text}"`);
    }
    return value;
  };
  const kind = values.get('--optimizer') ?? 'sgd';
  if (kind !== 'sgd' && kind !== 'adam') throw new UsageError(`--optimizer expects sgd or adam, got "${kind}"`);
  const lr = number('--lr', false);
  const momentum = number('--momentum', false);
  if (kind === 'adam' && momentum !== undefined) throw new UsageError('--momentum belongs to sgd (Adam has its own betas)');
  const optimizer: OptimizerOptions = kind === 'sgd'
    ? { kind, lr: lr ?? 0.01, momentum: momentum ?? 0 }
    : { kind, lr: lr ?? 0.001 };
  const clipNorm = number('--clip-norm', true);
  return { file: positionals[0], steps, optimizer, ...(clipNorm === undefined ? {} : { clipNorm }), json };
}

/** `train …` (argv after the command word); returns the exit code. */
export function runTrain(argv: string[], stdout: (line: string) => void, stderr: (line: string) => void): number {
  let args: TrainArguments | 'help';
  try {
    args = parseTrainArguments(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    stderr(`${error.message}\n\n${TRAIN_USAGE}`);
    return 2;
  }
  if (args === 'help') {
    stdout(TRAIN_USAGE);
    return 0;
  }
  const { file } = args;
  let text: string;
  try {
    text = readSpecText(file);
  } catch (error) {
    stderr((error as Error).message);
    return 1;
  }
  // files the spec names (model, inputs) are relative to the spec's folder
  const { spec, issues } = loadSpec(text, { readFile: specFileReader(file) });
  for (const issue of issues) stderr(formatIssue(file, issue.severity, issue.range, issue.message));
  if (!spec) return 1;
  try {
    const result = train(trainModelOf(spec), { steps: args.steps, optimizer: args.optimizer, clipNorm: args.clipNorm });
    const last = result.loss[result.loss.length - 1];
    if (!Number.isFinite(last)) stderr(`${file}: warning: the loss became non-finite (${last}); try a smaller --lr or --clip-norm`);
    if (args.json) {
      stdout(JSON.stringify({ loss: Array.from(result.loss), gradNorm: Array.from(result.gradNorm), weights: trainedWeights(result) }));
    } else {
      stdout(`${spec?.name ?? path.basename(file)}: ${args.optimizer.kind} lr ${args.optimizer.lr}${args.optimizer.kind === 'sgd' && args.optimizer.momentum ? ` momentum ${args.optimizer.momentum}` : ''}${args.clipNorm !== undefined ? ` clip-norm ${args.clipNorm}` : ''}, ${args.steps} steps`);
      stdout('step  loss              gradNorm');
      result.loss.forEach((L, k) => {
        const g = k < result.gradNorm.length ? result.gradNorm[k].toPrecision(10) : '-';
        stdout(`${String(k).padEnd(4)}  ${L.toPrecision(12).padEnd(16)}  ${g}`);
      });
    }
    return 0;
  } catch (error) {
    stderr(`${file}: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
