// The one command table: every "LSTM: …" command of the palette, the States view's buttons and
// the chart panel's intents, as data plus a handler that receives an injected CommandContext
// (the sessions and a small UI surface). No vscode import here, so the table is read and its
// handlers run in plain unit tests; src/views/commandHost.ts registers every entry with VS Code
// through the one error wrapper `runCommand`, and implements the UI with VS Code's windows.
// Commands act on the active session; with no spec, or nothing to step through, or a cursor that
// cannot move, they say so (a transient status bar message for stepping) instead of doing nothing.

import type { Cursor } from './runtime/cursor';
import type { DocumentRef, Session, StepOutcome } from './runtime/session';

/** What the commands need of the sessions (the extension's DocumentSessions, or a test's fake). */
export interface CommandSessions<S extends Session<DocumentRef> = Session<DocumentRef>> {
  /** opens the sessions of the documents open at activation, if not done yet */
  ensureStarted(): void;
  readonly activeSession: S | undefined;
  recompute(session: S): Promise<void>;
}

/** The UI the commands use, implemented with VS Code in src/views/commandHost.ts. */
export interface CommandUi<S extends Session<DocumentRef> = Session<DocumentRef>> {
  /** a transient message in the status bar (stepping feedback) */
  statusMessage(text: string): void;
  info(text: string, ...actions: string[]): Promise<string | undefined>;
  warn(text: string): void;
  error(text: string): void;
  /** the Go to Step quick pick over all 2T+1 positions; resolves the picked linear index */
  pickStep(session: S): Promise<number | undefined>;
  /** opens an example (by file name or label, else picked) as a new untitled spec */
  newSpecFromExample(name?: string): Promise<unknown>;
  toggleInlineValues(): Promise<void>;
  /** "New Spec from Model File…": the model (a Uri, else picked) and the choices already made (else asked) */
  newSpecFromModel?(file?: unknown, choices?: unknown, inputFile?: unknown): Promise<unknown>;
  /** the layer/direction quick pick of a stack; resolves the picked stack entry index */
  pickLayer?(session: S): Promise<number | undefined>;
}

export interface CommandContext<S extends Session<DocumentRef> = Session<DocumentRef>> {
  readonly sessions: CommandSessions<S>;
  readonly ui: CommandUi<S>;
}

export interface CommandEntry {
  readonly id: string;
  /** the palette title, without the "LSTM: " category */
  readonly title: string;
  /** undefined for a command registered elsewhere (the chart panel's, listed here so the table is complete) */
  readonly run?: (context: CommandContext, ...args: unknown[]) => unknown;
  /** the module that registers a command with no `run` */
  readonly registeredBy?: 'chartPanel' | 'debugger' | 'training';
}

export const COMMANDS = {
  step: 'lstm.step',
  stepBack: 'lstm.stepBack',
  runToEnd: 'lstm.runToEnd',
  runBackward: 'lstm.runBackward',
  reset: 'lstm.reset',
  goToStep: 'lstm.goToStep',
  newSpecFromExample: 'lstm.newSpecFromExample',
  toggleInlineValues: 'lstm.toggleInlineValues',
  recompute: 'lstm.recompute',
  openChartPanel: 'lstm.openChartPanel',
  exportChartPng: 'lstm.exportChartPng',
  exportTraceCsv: 'lstm.exportTraceCsv',
  exportTraceJson: 'lstm.exportTraceJson',
  debugSpec: 'lstm.debugSpec',
  newSpecFromModel: 'lstm.newSpecFromModel',
  selectLayer: 'lstm.selectLayer',
  compareCells: 'lstm.compareCells',
  train: 'lstm.train',
  goToTrainingStep: 'lstm.goToTrainingStep',
  applyTrainedWeights: 'lstm.applyTrainedWeights',
} as const;

/** The chart panel's stepping intents (webview message type → command): the panel runs these table entries. */
export const PANEL_INTENTS = {
  step: COMMANDS.step, stepBack: COMMANDS.stepBack, runToEnd: COMMANDS.runToEnd,
  runBackward: COMMANDS.runBackward, reset: COMMANDS.reset, goTo: COMMANDS.goToStep, selectLayer: COMMANDS.selectLayer,
} as const;

const OPEN_EXAMPLE = 'Open an Example';
export const NO_SPEC_MESSAGE = 'LSTM: open a *.lstm.json spec first';

/**
 * The session a stepping command acts on, or undefined after saying why there is none (status
 * bar: no spec; a warning: errors, or a computation failed, cancelled or still running).
 */
async function requireTrace(context: CommandContext): Promise<Session | undefined> {
  context.sessions.ensureStarted();
  const session = context.sessions.activeSession;
  if (!session) { context.ui.statusMessage(NO_SPEC_MESSAGE); return undefined; }
  if (!session.trace && !session.hasErrors) {
    // a session started just now computes a small trace within the current tick
    await new Promise(resolve => setTimeout(resolve, 0));
  }
  if (!session.trace) {
    const freshness = session.freshness();
    const why = freshness.fresh ? 'the trace is still being computed' : freshness.message;
    context.ui.warn(`LSTM: there is nothing to step through yet: ${why}.`);
    return undefined;
  }
  return session;
}

/** A stepping intent: runs `move` on the session and says in the status bar when the cursor could not move. */
const stepping = (move: (session: Session, ...args: unknown[]) => StepOutcome | undefined) =>
  async (context: CommandContext, ...args: unknown[]) => {
    const session = await requireTrace(context);
    if (!session) return;
    const outcome = move(session, ...args);
    if (outcome && !outcome.moved) context.ui.statusMessage(outcome.message);
  };

function isCursor(value: unknown): value is Cursor {
  if (!value || typeof value !== 'object') return false;
  const candidate = value as Partial<Cursor>;
  return (candidate.phase === 'forward' || candidate.phase === 'backward') && typeof candidate.t === 'number';
}

export const COMMAND_TABLE: readonly CommandEntry[] = [
  { id: COMMANDS.step, title: 'Step', run: stepping(s => s.step()) },
  { id: COMMANDS.stepBack, title: 'Step Back', run: stepping(s => s.stepBack()) },
  { id: COMMANDS.runToEnd, title: 'Run to End', run: stepping(s => s.runToEnd()) },
  { id: COMMANDS.runBackward, title: 'Run Backward', run: stepping(s => s.runBackward()) },
  { id: COMMANDS.reset, title: 'Reset', run: stepping(s => s.reset()) },
  {
    id: COMMANDS.goToStep, title: 'Go to Step…',
    // a Cursor ({phase, t}) or a linear index goes there at once (the panel, the tree); none opens the quick pick
    run: async (context, target) => {
      const session = await requireTrace(context);
      if (!session) return;
      if (isCursor(target)) { session.goTo(target); return; }
      if (typeof target === 'number') { session.moveToIndex(target); return; }
      const picked = await context.ui.pickStep(session);
      if (picked !== undefined) session.moveToIndex(picked);
    },
  },
  { id: COMMANDS.newSpecFromExample, title: 'New Spec from Example', run: (context, name) => context.ui.newSpecFromExample(typeof name === 'string' ? name : undefined) },
  { id: COMMANDS.toggleInlineValues, title: 'Toggle Inline Values', run: context => context.ui.toggleInlineValues() },
  {
    id: COMMANDS.recompute, title: 'Recompute Trace',
    run: async context => {
      context.sessions.ensureStarted();
      const session = context.sessions.activeSession;
      if (!session) {
        const choice = await context.ui.info('LSTM: no spec is open, so there is nothing to recompute.', OPEN_EXAMPLE);
        if (choice === OPEN_EXAMPLE) await context.ui.newSpecFromExample();
        return;
      }
      await context.sessions.recompute(session);
    },
  },
  { id: COMMANDS.openChartPanel, title: 'Open Chart Panel', registeredBy: 'chartPanel' },
  { id: COMMANDS.exportChartPng, title: 'Export Chart as PNG', registeredBy: 'chartPanel' },
  { id: COMMANDS.exportTraceCsv, title: 'Export Trace as CSV', registeredBy: 'chartPanel' },
  { id: COMMANDS.exportTraceJson, title: 'Export Trace as JSON', registeredBy: 'chartPanel' },
  // starts a debug session of type lstm (src/views/debugger.ts)
  { id: COMMANDS.debugSpec, title: 'Debug Spec', registeredBy: 'debugger' },
  {
    id: COMMANDS.selectLayer, title: 'Select Layer…',
    // a stack entry index (PyTorch order: l0 forward, l0 reverse, l1 forward, …) selects it at once (the panel, the tree); none opens the quick pick
    run: async (context, target) => {
      const session = await requireTrace(context);
      if (!session) return;
      let outcome: StepOutcome | undefined;
      if (typeof target === 'number') outcome = session.selectLayer(target);
      else if (session.layerCount === 1) outcome = { moved: false, message: 'LSTM: this spec has a single layer in one direction' };
      else {
        const picked = await context.ui.pickLayer?.(session);
        if (picked !== undefined) outcome = session.selectLayer(picked);
      }
      if (outcome && !outcome.moved) context.ui.statusMessage(outcome.message);
    },
  },
  {
    id: COMMANDS.newSpecFromModel, title: 'New Spec from Model File…',
    // the explorer's context menu and the model editor pass the file's Uri; tests pass the choices too
    run: (context, file, choices, inputFile) => context.ui.newSpecFromModel?.(file, choices, inputFile),
  },
  // runs the spec through lstm, gru and rnn and shows them in the panel's Compare section (src/views/panelSections.ts)
  { id: COMMANDS.compareCells, title: 'Compare Cells', registeredBy: 'chartPanel' },
  // training in a worker, the training-step scrubber and applying a step's weights (src/views/trainCommands.ts)
  { id: COMMANDS.train, title: 'Train…', registeredBy: 'training' },
  { id: COMMANDS.goToTrainingStep, title: 'Go to Training Step…', registeredBy: 'training' },
  { id: COMMANDS.applyTrainedWeights, title: 'Apply Trained Weights', registeredBy: 'training' },
];

/**
 * The one error wrapper: runs a table entry's handler; an exception is reported by `onError`
 * (logged and shown once) as "LSTM <title>: message" and the command resolves undefined.
 */
export async function runCommand(entry: CommandEntry, context: CommandContext, args: unknown[],
  onError: (where: string, error: unknown) => void): Promise<unknown> {
  if (!entry.run) return undefined;
  try {
    return await entry.run(context, ...args);
  } catch (error) {
    onError(entry.title, error);
    return undefined;
  }
}
