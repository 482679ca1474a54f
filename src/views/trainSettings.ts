// What "LSTM: Train…" asks, as pure functions the prompts call (no vscode): validation of each
// answer with a message that says what is expected, reading a remembered choice back (anything
// malformed falls back to the defaults), and the one-line label of a run's settings.

import { DEFAULT_TRAIN_SETTINGS, MAX_UI_STEPS, type TrainSettings } from './trainHistory';

/** A number as typed (trimmed; "1e-3" and ".5" allowed), or undefined when it is not one. */
function numberOf(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^[+]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(trimmed)) return undefined;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : undefined;
}

/** undefined when valid, else the message the input box shows. */
export function learningRateProblem(text: string): string | undefined {
  const value = numberOf(text);
  if (value === undefined) return `"${text.trim()}" is not a number: enter a learning rate such as 0.05 or 1e-3`;
  if (!(value > 0)) return 'the learning rate must be greater than 0';
  if (value > 10) return 'a learning rate above 10 diverges at once: enter at most 10';
  return undefined;
}

export function momentumProblem(text: string): string | undefined {
  const value = numberOf(text);
  if (value === undefined) return `"${text.trim()}" is not a number: enter a momentum from 0 (plain SGD) to below 1, such as 0.9`;
  if (!(value >= 0 && value < 1)) return 'the momentum must be at least 0 and below 1';
  return undefined;
}

export function stepsProblem(text: string): string | undefined {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) return `"${trimmed}" is not a whole number: enter how many optimizer steps to take, such as 100`;
  const value = Number(trimmed);
  if (value < 1) return 'take at least 1 step';
  if (value > MAX_UI_STEPS) return `at most ${MAX_UI_STEPS} steps from the editor (the CLI's train command takes more)`;
  return undefined;
}

export function clipNormProblem(text: string): string | undefined {
  const value = numberOf(text);
  if (value === undefined) return `"${text.trim()}" is not a number: enter the largest gradient norm to allow, such as 1`;
  if (!(value > 0)) return 'the max norm must be greater than 0';
  return undefined;
}

/** The number of a valid answer (call after the problem function said undefined). */
export function parseAnswer(text: string): number {
  return Number(text.trim());
}

/** A remembered choice (globalState) as settings; malformed fields take the defaults. */
export function rememberedSettings(value: unknown): TrainSettings {
  const v = (value && typeof value === 'object' ? value : {}) as Partial<Record<keyof TrainSettings, unknown>>;
  const ok = (x: unknown, problem: (text: string) => string | undefined): x is number => typeof x === 'number' && problem(String(x)) === undefined;
  return {
    optimizer: v.optimizer === 'sgd' || v.optimizer === 'adam' ? v.optimizer : DEFAULT_TRAIN_SETTINGS.optimizer,
    lr: ok(v.lr, learningRateProblem) ? v.lr : DEFAULT_TRAIN_SETTINGS.lr,
    momentum: ok(v.momentum, momentumProblem) ? v.momentum : DEFAULT_TRAIN_SETTINGS.momentum,
    steps: ok(v.steps, stepsProblem) ? v.steps : DEFAULT_TRAIN_SETTINGS.steps,
    ...(ok(v.clipNorm, clipNormProblem) ? { clipNorm: v.clipNorm } : {}),
  };
}

/** "Adam, lr 0.05, 100 steps, no clipping" / "SGD momentum 0.9, lr 0.01, 50 steps, clip norm 1" */
export function settingsLabel(settings: TrainSettings): string {
  const optimizer = settings.optimizer === 'adam' ? 'Adam' : `SGD${settings.momentum > 0 ? ` momentum ${settings.momentum}` : ''}`;
  const clip = settings.clipNorm === undefined ? 'no clipping' : `clip norm ${settings.clipNorm}`;
  return `${optimizer}, lr ${settings.lr}, ${settings.steps} step${settings.steps === 1 ? '' : 's'}, ${clip}`;
}
