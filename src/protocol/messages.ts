// The one message protocol between the chart panel's host (src/views/chartPanel.ts) and its
// webview (webview/main.ts), after microsoft/vscode-hexeditor's shared/protocol.ts. The webview
// sends `ready` and intents, never state; the host answers `ready` with a full `snapshot`, then
// sends small `cursor` updates on every step and a new snapshot (`trace`) when the spec is edited.
// Payloads are plain JSON-able arrays already sized for the view (decimated series, the selected
// units only, a units × time heatmap grid), so T = 1000, H = 512 costs the webview no more than
// T = 4. Type imports from the engine only: this file is compiled into both sides.

import type { CellKind } from '../engine/types';

export type Phase = 'forward' | 'backward';

/** Where the session's cursor is: forward t = 0..T, backward t = T..1 (same as src/session/cursor.ts). */
export interface CursorState {
  phase: Phase;
  t: number;
}

/** How the gates chart shows many units: one line per selected unit, or a units × time heatmap. */
export type GateView = 'lines' | 'heatmap';

/** The view choices the webview keeps in its setState and sends with `ready`. */
export interface ViewOptions {
  /** units drawn as lines (gates, states, belt); at most MAX_LINE_UNITS */
  units: number[];
  /** the unit whose equations are shown with numbers substituted */
  equationUnit: number;
  gateView: GateView;
  /** the forward field the heatmap shows (f, i, g, o, c, h, …) */
  heatmapField: string;
}

/** The most units drawn as lines at once; more units go to the heatmap. */
export const MAX_LINE_UNITS = 8;
/** The most points a line series carries (min/max decimation above that). */
export const MAX_SERIES_POINTS = 600;
/** Heatmap grid bounds: rows are unit buckets, columns are step buckets. */
export const MAX_HEATMAP_ROWS = 256;
export const MAX_HEATMAP_COLS = 256;

/** A series over time, decimated for the view: `v[k]` is the value at step `t[k]`, null where not finite (or ≤ 0 on a log axis). */
export interface Series {
  t: number[];
  v: (number | null)[];
}

/** One line: a field of one unit (`unit` = -1 for an aggregate over units). */
export interface LineSeries {
  key: string;
  label: string;
  field: string;
  unit: number;
  series: Series;
}

/** A units × time grid of bucket means: `values[row * cols + col]`, null where not finite. */
export interface Heatmap {
  field: string;
  rows: number;
  cols: number;
  /** first unit of each row bucket (rows + 1 entries, last = H) */
  rowStart: number[];
  /** first step of each column bucket (cols + 1 entries, last = T + 1) */
  colStart: number[];
  values: (number | null)[];
  min: number;
  max: number;
}

/** One chart's content. */
export interface ChartData {
  title: string;
  yLabel: string;
  /** y range when fixed (gates), else undefined */
  yMin?: number;
  yMax?: number;
  logScale: boolean;
  lines: LineSeries[];
}

/** The conveyor belt of one unit at the cursor's step: kept + added = result. */
export interface BeltEntry {
  unit: number;
  /** f·c_{t-1} (gru: z·h_{t-1}) */
  kept: number;
  /** i·g (gru: (1−z)·n) */
  added: number;
  /** c_t (gru: h_t) */
  result: number;
}

/** What the panel shows about the cursor's own step; small, sent on every step. */
export interface StepDetail {
  cursor: CursorState;
  /** the token at the cursor's step ('' at t = 0 or without tokens) */
  token: string;
  /** "t=2/4 forward" */
  label: string;
  equationUnit: number;
  /** equation lines with numbers substituted, in the seed's style */
  equations: string[];
  /** the line of `equations` a debug session stopped at inside the step (highlighted), if any */
  currentEquation?: number;
  /** belt labels: kept, added, result */
  beltLabels: [string, string, string];
  belt: BeltEntry[];
  /** the numbers of `equations` that a what-if change can edit (weights, biases, inputs), when the trace is fresh */
  operands?: EquationOperand[];
}

/**
 * What one what-if change edits: one entry of a textbook parameter (a vector's entry u is row u,
 * col 0) or of the input x_t (t 1-based, col 0..I-1). The host maps it to the spec's text itself;
 * the webview only names it.
 */
export type WhatIfTarget =
  | { kind: 'param'; name: string; row: number; col: number }
  | { kind: 'input'; t: number; col: number };

/** An editable number in the equation view: where it is printed and what it edits. */
export interface EquationOperand {
  /** index into StepDetail.equations */
  line: number;
  /** UTF-16 offset and length of the printed number in that line ("(−0.1)" included) */
  start: number;
  length: number;
  target: WhatIfTarget;
  /** the full value (the line prints it rounded) */
  value: number;
  /** "W_f[0][2]", "b_f[0]", "x_1[0]", for labels */
  label: string;
  /** its JSON path in the spec's text (["weights", "W_f", 0, 2]); for a number fill, the fill's path */
  path?: (string | number)[];
  /** true when `path` is a number fill: a commit writes the parameter out in full (docs/panel.md) */
  fill?: boolean;
  /** why this value cannot be edited in the spec's text (weights from `init` or a model file, inputs from a file) */
  refused?: string;
}

/** Everything the panel draws for one trace; built by src/views/chartSnapshot.ts. */
export interface Snapshot {
  /** spec name (user data: rendered as text only) */
  specName: string;
  fileName: string;
  cell: CellKind;
  H: number;
  I: number;
  T: number;
  /** one label per step (user data); empty strings when the spec has none */
  tokens: string[];
  loss: { kind: string; L: number };
  /** the effective view options (units clamped to H) */
  view: ViewOptions;
  /** forward fields the heatmap can show */
  heatmapFields: string[];
  /** gates chart (lines mode), undefined for rnn */
  gates?: ChartData;
  /** gates heatmap (heatmap mode) */
  heatmap?: Heatmap;
  states: ChartData;
  decay: ChartData;
  /** "t = 1, 199 steps back from t = 200: LSTM ‖dL/dc_1‖ 3.3e-2 · …" */
  decaySummary: string;
  step: StepDetail;
  /** "NaN first appears at forward t=3 in f" */
  warning?: string;
  /** true when some series were decimated */
  decimated: boolean;
  /** false for cells without a belt to show (rnn: no cell state and no update gate) */
  hasBelt: boolean;
  /** the belt's update and the state it produces (from the cell table), when hasBelt */
  belt?: { equation: string; result: string };
  /** false for cells with no gates to chart (rnn): the gate view and its title follow */
  hasGates: boolean;
  /** a stack's (layer, direction) views ("L1 →", "L1 ←", …) and the one shown; absent for a single layer */
  layers?: { labels: string[]; selected: number };
  /** lstmStepper.chart.showFuture: false hides the steps the cursor has not reached (else drawn faintly) */
  showFuture?: boolean;
}

/** Where the session's trace computation stands (src/session/session.ts `computeState`). */
export type ComputeState = 'idle' | 'computing' | 'failed' | 'cancelled';

/**
 * Whether the trace on screen is the current one. `stale`: the session kept its last valid trace
 * while the text changed (the spec has errors, or the new trace is computing, failed or was
 * cancelled); `hasErrors`: the spec has error-severity problems; `error`: why the computation failed.
 */
export interface Freshness {
  stale: boolean;
  computeState: ComputeState;
  hasErrors: boolean;
  error?: string;
}

export const FRESH: Freshness = { stale: false, computeState: 'idle', hasErrors: false };

/**
 * The banner over charts that no longer match the spec ('' when they match). Computing takes
 * precedence: the errors and failures it reports may already be outdated.
 */
export function freshnessBanner(freshness: Freshness): string {
  if (freshness.computeState === 'computing') return 'Computing the trace… the charts show the previous trace until it is ready.';
  if (!freshness.stale) return '';
  if (freshness.computeState === 'cancelled') return 'Computation cancelled — run "LSTM: Recompute Trace". Showing the last valid trace.';
  if (freshness.computeState === 'failed') return `The trace computation failed${freshness.error ? `: ${freshness.error}` : ''}. Showing the last valid trace.`;
  if (freshness.hasErrors) return 'Showing the last valid trace: the spec has errors (see the Problems view).';
  return 'Showing the last valid trace: it does not match the spec any more.';
}

/** What the webview keeps with vscode.setState (and the host's serializer hands back after a reload). */
export interface PersistedState {
  view?: Partial<ViewOptions>;
}

// ---- webview → host: ready and intents -------------------------------------------------------

export type WebviewToHostMessage =
  /** The webview loaded (or became visible again) and wants a snapshot; carries its kept view options. */
  | { type: 'ready'; view?: Partial<ViewOptions> }
  /** Step forward one position (forward then backward phase). */
  | { type: 'step' }
  /** Step back one position. */
  | { type: 'stepBack' }
  /** Forward phase done: t = T. */
  | { type: 'runToEnd' }
  /** Through BPTT down to backward t = 1. */
  | { type: 'runBackward' }
  /** Back to forward t = 0. */
  | { type: 'reset' }
  /** Move the cursor to a step (clicked chart point). */
  | { type: 'goTo'; phase: Phase; t: number }
  /** Draw these units as lines. */
  | { type: 'selectUnits'; units: number[] }
  /** Show this unit's equations. */
  | { type: 'chooseEquationUnit'; unit: number }
  /** Switch the gates chart between lines and heatmap (and the heatmap's field). */
  | { type: 'setGateView'; gateView: GateView; heatmapField?: string }
  /** show another (layer, direction) of a stack: an index into Snapshot.layers.labels */
  | { type: 'selectLayer'; index: number }
  /** Reply to `requestPng`: the charts as a PNG data URL (or an error). */
  | { type: 'exportPng'; requestId: number; dataUrl?: string; error?: string }
  /** The webview finished drawing a message; ms from receipt to drawn. */
  | { type: 'rendered'; kind: HostToWebviewMessage['type']; ms: number }
  /** The webview caught an error (logged by the host). */
  | { type: 'error'; message: string }
  /** What-if: recompute with `target` set to `value` without editing the spec (during a drag). */
  | { type: 'whatIfPreview'; target: WhatIfTarget; value: number }
  /** What-if: write `target` = `value` into the spec as one undoable edit (drag released, Enter). */
  | { type: 'whatIfCommit'; target: WhatIfTarget; value: number }
  /** What-if: drop the preview (Escape during a drag): the spec's own trace again. */
  | { type: 'whatIfCancel' }
  /** Training section: show the model after `step` updates in every view (the scrubber); no step: the spec's own weights */
  | { type: 'scrubTraining'; step?: number }
  /** Training section: write the shown training step's weights into the spec (one undoable edit) */
  | { type: 'applyTrainedWeights' };

// ---- host → webview: snapshot, then small updates --------------------------------------------

export type HostToWebviewMessage =
  /** Full picture after `ready` (or when the active session switches); undefined data shows `status`. */
  | { type: 'snapshot'; snapshot?: Snapshot; status: string; freshness: Freshness }
  /** The cursor moved (or the equation unit changed): the step's detail only. */
  | { type: 'cursor'; step: StepDetail }
  /** The trace was recomputed after an edit: redraw in place. */
  | { type: 'trace'; snapshot?: Snapshot; status: string; freshness: Freshness }
  /** The spec changed (or its computation started, failed or was cancelled) but the trace did not: the banner only. */
  | { type: 'freshness'; freshness: Freshness }
  /** Render the charts to a PNG and reply with `exportPng`. */
  | { type: 'requestPng'; requestId: number }
  /** The Analytics section, once per trace (not per step); undefined hides it. */
  | { type: 'analytics'; analytics?: AnalyticsPayload }
  /** The Compare section, once per "LSTM: Compare Cells"; undefined clears it and shows `status`. */
  | { type: 'compare'; compare?: ComparePayload; status: string }
  /** The active spec's training run, whole (once, and when a run starts or ends); undefined: none */
  | { type: 'training'; training?: TrainingView }
  /** A running training's new curve entries, appended */
  | { type: 'trainingDelta'; delta: TrainingDelta; stepsTaken: number }
  /** The training step the views show changed (the scrubber; undefined: the spec's own weights) */
  | { type: 'trainingStep'; step?: number; label: string };

// ---- the Training section (webview/sections/training.ts) ------------------------------------

/** The curves' entries of training steps from..from+length−1 (gates: one array per TrainingView.gates entry). */
export interface TrainingDelta {
  from: number;
  loss: number[];
  gradNorm: number[];
  gates: number[][];
  forgetBias: number[];
}

/** A training run as the Training section draws it: curves only (θ stays on the host). */
export interface TrainingView {
  specName: string;
  /** "Adam, lr 0.05, 100 steps, clip 1" */
  settingsLabel: string;
  steps: number;
  stepsTaken: number;
  running: boolean;
  stopped: boolean;
  /** θ is kept every `stride` steps (the scrubber lands on those, and on the last) */
  stride: number;
  clipNorm?: number;
  /** L_0..L_n (n+1 while running: L_0..L_{k−1}) */
  loss: number[];
  /** g_0..g_{n−1}, before clipping */
  gradNorm: number[];
  gates: { name: string; role: string; mean: number[] }[];
  forgetBias?: { name: string; mean: number[] };
  /** the step every view shows; undefined = the spec's own weights */
  scrubbed?: number;
  /** what the section says about the run (memory stride, cancel, speed) */
  note: string;
}

export type WebviewMessageType = WebviewToHostMessage['type'];
export type HostMessageType = HostToWebviewMessage['type'];

/** Compile-time exhaustiveness for `switch (message.type)`. */
export function assertNever(value: never, what = 'message'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(value)}`);
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isInt = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x);
const isPhase = (x: unknown): x is Phase => x === 'forward' || x === 'backward';
const isComputeState = (x: unknown): x is ComputeState => x === 'idle' || x === 'computing' || x === 'failed' || x === 'cancelled';
const isFreshness = (x: unknown): x is Freshness =>
  isObject(x) && typeof x.stale === 'boolean' && isComputeState(x.computeState) && typeof x.hasErrors === 'boolean'
  && (x.error === undefined || typeof x.error === 'string');
const isWhatIfTarget = (x: unknown): x is WhatIfTarget =>
  isObject(x) && ((x.kind === 'param' && typeof x.name === 'string' && x.name.length <= 64 && isInt(x.row) && x.row >= 0 && isInt(x.col) && x.col >= 0)
    || (x.kind === 'input' && isInt(x.t) && x.t >= 1 && isInt(x.col) && x.col >= 0));
const isUnitList = (x: unknown): x is number[] => Array.isArray(x) && x.length <= 4096 && x.every(u => isInt(u) && u >= 0);

/**
 * The host does not trust the webview: validates one incoming message's shape. Each type is
 * listed once; a new message type that is not handled here fails to compile (`assertNever`).
 */
export function isWebviewMessage(x: unknown): x is WebviewToHostMessage {
  if (!isObject(x) || typeof x.type !== 'string') return false;
  const m = x as { type: WebviewMessageType } & Record<string, unknown>;
  switch (m.type) {
    case 'ready':
      return m.view === undefined || isObject(m.view);
    case 'step':
    case 'stepBack':
    case 'runToEnd':
    case 'runBackward':
    case 'reset':
      return true;
    case 'goTo':
      return isPhase(m.phase) && isInt(m.t);
    case 'selectUnits':
      return isUnitList(m.units);
    case 'chooseEquationUnit':
      return isInt(m.unit) && m.unit >= 0;
    case 'selectLayer':
      return isInt(m.index) && m.index >= 0;
    case 'setGateView':
      return (m.gateView === 'lines' || m.gateView === 'heatmap') && (m.heatmapField === undefined || typeof m.heatmapField === 'string');
    case 'exportPng':
      return isInt(m.requestId) && (m.dataUrl === undefined || typeof m.dataUrl === 'string') && (m.error === undefined || typeof m.error === 'string');
    case 'rendered':
      return typeof m.kind === 'string' && typeof m.ms === 'number';
    case 'error':
      return typeof m.message === 'string';
    case 'whatIfPreview':
    case 'whatIfCommit':
      return isWhatIfTarget(m.target) && typeof m.value === 'number' && Number.isFinite(m.value);
    case 'whatIfCancel':
    case 'scrubTraining':
      return m.step === undefined || (isInt(m.step) && m.step >= 0);
    case 'applyTrainedWeights':
      return true;
    default:
      return assertNeverSoft(m.type);
  }
}

/** Validates a host message in the webview (defends against stray messages from extensions). */
export function isHostMessage(x: unknown): x is HostToWebviewMessage {
  if (!isObject(x) || typeof x.type !== 'string') return false;
  const m = x as { type: HostMessageType } & Record<string, unknown>;
  switch (m.type) {
    case 'snapshot':
    case 'trace':
      return typeof m.status === 'string' && (m.snapshot === undefined || isObject(m.snapshot)) && isFreshness(m.freshness);
    case 'freshness':
      return isFreshness(m.freshness);
    case 'cursor':
      return isObject(m.step) && (m.step.operands === undefined || Array.isArray(m.step.operands));
    case 'requestPng':
      return isInt(m.requestId);
    case 'analytics':
      return m.analytics === undefined || (isObject(m.analytics) && Array.isArray(m.analytics.findings) && Array.isArray(m.analytics.saturation));
    case 'compare':
      return typeof m.status === 'string' && (m.compare === undefined || (isObject(m.compare) && Array.isArray(m.compare.cells) && isObject(m.compare.states)));
    case 'training':
      return m.training === undefined || (isObject(m.training) && Array.isArray(m.training.loss) && Array.isArray(m.training.gradNorm) && Array.isArray(m.training.gates));
    case 'trainingDelta':
      return isObject(m.delta) && isInt(m.delta.from) && Array.isArray(m.delta.loss) && isInt(m.stepsTaken);
    case 'trainingStep':
      return (m.step === undefined || isInt(m.step)) && typeof m.label === 'string';
    default:
      return assertNeverSoft(m.type);
  }
}

/** Exhaustive at compile time, but an unknown runtime value is just "not a message". */
function assertNeverSoft(_value: never): false {
  return false;
}

/**
 * Merges kept view options with defaults and clamps them to the trace: at most MAX_LINE_UNITS
 * distinct units in 0..H-1 (first units by default), a valid equation unit and heatmap field.
 * Heatmap is the default gate view when H > MAX_LINE_UNITS.
 */
export function normalizeView(view: Partial<ViewOptions> | undefined, H: number, heatmapFields: readonly string[]): ViewOptions {
  const wanted = Array.isArray(view?.units) ? view.units : [];
  const units: number[] = [];
  for (const u of wanted) {
    if (Number.isInteger(u) && u >= 0 && u < H && !units.includes(u)) units.push(u);
    if (units.length === MAX_LINE_UNITS) break;
  }
  if (units.length === 0) for (let u = 0; u < Math.min(H, H > MAX_LINE_UNITS ? 4 : MAX_LINE_UNITS); u++) units.push(u);
  units.sort((a, b) => a - b);
  const equationUnit = Number.isInteger(view?.equationUnit) && view!.equationUnit! >= 0 && view!.equationUnit! < H ? view!.equationUnit! : 0;
  const gateView: GateView = view?.gateView === 'lines' || view?.gateView === 'heatmap' ? view.gateView : H > MAX_LINE_UNITS ? 'heatmap' : 'lines';
  const heatmapField = view?.heatmapField && heatmapFields.includes(view.heatmapField) ? view.heatmapField : (heatmapFields[0] ?? '');
  return { units, equationUnit, gateView, heatmapField };
}

// ---- the Analytics and Compare sections (docs/analytics.md) ------------------------------------

/** One gate and unit: the share of steps saturated low (< 0.1) and high (> 0.9), and the mean slope g(1−g). */
export interface SaturationRow {
  gate: string;
  unit: number;
  lowShare: number;
  highShare: number;
  meanSlope: number;
}

/** One finding of src/engine/analytics.ts, with its steps already written as ranges ("1–5, 8"). */
export interface FindingRow {
  kind: 'saturated' | 'cellGrowth' | 'vanishing' | 'exploding';
  field: string;
  units: number[];
  steps: string;
  equation: string;
  message: string;
}

/** The Analytics section for one trace; built by src/views/analyticsSnapshot.ts. */
export interface AnalyticsPayload {
  title: string;
  /** at most a bounded number of rows: the units named by a finding first */
  saturation: SaturationRow[];
  /** "24 of 1536 gate units shown" ('' when all are) */
  saturationNote: string;
  findings: FindingRow[];
  /** ‖dL/dh_t‖ (log), absent without gradients */
  gradient?: ChartData;
  /** the peak of ‖dL/dh_t‖ and the steps where it is not finite: huge values are said, not only drawn */
  gradientNote: string;
  /** the seeds' constant-factor curves w^k beside the spec's ungated RNN and path decay (log) */
  idealised: ChartData;
  /** the figures at t = 1 and why the spec's RNN differs from w^k */
  idealisedNotes: string[];
}

/** The Compare section: one run per cell, overlaid; built by src/views/compareSnapshot.ts. */
export interface ComparePayload {
  title: string;
  cells: { cell: CellKind; label: string; own: boolean; L: number; nonFinite?: string }[];
  /** h_t of the chosen units, one line per cell and unit (field = the cell kind) */
  states: ChartData;
  /** ‖dL/dh_t‖ per cell (field = the cell kind) and the path-decay means (field = kind + ':path'), log */
  decay: ChartData;
  summary: string[];
}
