// The one table of cell kinds. Every fact about a cell that more than one place needs lives in
// its entry here: the trace field names and their JSON order (docs/trace-format.md), which
// forward fields are lazy (an activation of a stored pre-activation), the summed-gradient
// groups, the textbook parameters with their shapes and roles, the PyTorch tensor layout, the
// init rules, the FLOP count the CLI's bench reports, the path-decay figure, and the equation
// templates the States tree, the hovers and the chart panel print. The engine (trace, transfer,
// JSON, init, spec validation), the views and the CLI read this table; the cell kinds themselves
// (CellKind, CELL_KINDS) are its keys. Adding a cell kind is one entry here plus its
// forward/backward pair and the pair's `run` adapter (cellRuns.ts, see CellRun).
//
// Ready for stacks: shapes are functions of (H, I) so that a stacked layer k > 0 can use the
// same entry with its own input size (I = D·H), and PyTorch names are a function of (layer,
// reverse) (pytorchTensorNames). A variant of a cell that keeps its fields and parameters (the
// GRU's `"resetAfter": false`) is an option of its entry, not a new kind: its equation templates
// (preactFormulas) are what would change.
//
// Equation templates: `{f}` is the value of field f at the step, `{c@t-1}` the value of c at the
// previous step (the initial state at t = 1); symbolically they print `f` and `c_{t-1}`.
// `_t`, `_{t-1}`, `_{t+1}` in a template become the step's numbers when printed for a step.

import { runGru, runLstm, runRnn } from './cellRuns';
import { sigmoidArray, tanhArray } from './kernels';
import { fieldValue } from './lazyFields';
import type { Spec, Trace } from './types';

/** out[k] = activation(inp[k]) for k < n; out, inp: (n). */
export type ActivationArray = (out: Float64Array, inp: Float64Array, n: number) => void;

export type ActivationName = 'sigmoid' | 'tanh';

/** Each activation: its array kernel (the one the forward pass uses) and its printed symbol. */
export const ACTIVATIONS: Record<ActivationName, { array: ActivationArray; symbol: string; min: number; max: number }> = {
  sigmoid: { array: sigmoidArray, symbol: 'σ', min: 0, max: 1 },
  tanh: { array: tanhArray, symbol: 'tanh', min: -1, max: 1 },
};

/** A field that is an activation of a stored pre-activation: `name = fn(preact)`. */
export interface ActivationField {
  name: string;
  preact: string;
  fn: ActivationName;
  /** what it is: "forget gate f" */
  role: string;
}

/** A stored forward field that is not a pre-activation of a gate: the states, GRU's hn. */
export interface StateField {
  name: string;
  /** "cell state" */
  role: string;
  /** equation template of its value (see the file's opening comment) */
  formula: string;
  /** set when the state is itself an activation of a pre-activation (rnn: h = tanh(a)) */
  activationOf?: { preact: string; fn: ActivationName };
}

/** One textbook parameter. */
export interface ParameterInfo {
  name: string;
  /** the gradient record of Trace.backward that holds its gradient */
  group: 'dL_dW' | 'dL_db' | 'dL_dp';
  /** which gate (ActivationField.name, or the cell's only activation) it belongs to */
  gate: string;
  /**
   * What it acts on and how PyTorch stores it. Matrices: 'hx' = columns [h_{t-1}, x_t] (PyTorch:
   * weight_hh rows | weight_ih rows side by side), 'h' = h_{t-1} only (weight_hh rows), 'x' = x_t
   * only (weight_ih rows). Biases: 'hx' = bias_ih + bias_hh summed, 'h' = bias_hh, 'x' = bias_ih.
   * Vectors that PyTorch does not have (peepholes): 'none'.
   */
  side: 'hx' | 'h' | 'x' | 'none';
  /** [rows, cols] for a matrix, [length] for a vector */
  shape: (H: number, I: number) => [number] | [number, number];
  /** drawn by `init` (in table order); biases are not drawn */
  drawn: boolean;
}

/** PyTorch's layout of the cell: gate blocks stacked in its tensors, in this order. */
export interface PyTorchLayout {
  /** gate names (ActivationField.name, or the cell's only activation) in block order */
  blocks: readonly string[];
}

/** The PyTorch tensor names of one layer and direction: weight_ih_l{k}[_reverse], … */
export function pytorchTensorNames(layer = 0, reverse = false): { weightIh: string; weightHh: string; biasIh: string; biasHh: string } {
  const suffix = `_l${layer}${reverse ? '_reverse' : ''}`;
  return { weightIh: `weight_ih${suffix}`, weightHh: `weight_hh${suffix}`, biasIh: `bias_ih${suffix}`, biasHh: `bias_hh${suffix}` };
}

/** The single-layer tensors a spec's `weights` may hold: weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0. */
export const PYTORCH_TENSOR_NAMES: readonly string[] = Object.values(pytorchTensorNames(0));

/** Values of fields at the cursor's step for one unit, for the equation builders. */
export interface StepValues {
  /** field at step t + offset (offset -1 at t = 1 gives the initial state for h and c); NaN when absent */
  (field: string, offset?: number): number;
}

/** One backward equation: the panel prints `lhs = rhs`; the tree's tooltip for `field` prints `name = rhs`. */
export interface BackwardEquation {
  field?: string;
  lhs: string;
  rhs: string;
}

/** A forward or backward field as the States tree, hovers and CLI show it. */
export interface ShownField {
  key: string;
  /** dL/dh, ∏f */
  label: string;
  /** one line on what it is */
  title: string;
}

/** The seeds' "gradient highway" figure of the cell: the product of one gate along the carried path. */
export interface PathDecayInfo {
  /** Trace.pathDecay.kind and the JSON key */
  kind: 'cellPathDecay' | 'updateGatePathDecay';
  /** the product's name inside it */
  product: 'forgetProduct' | 'zProduct';
  /** the gate multiplied: row t = gate_{t+1}·…·gate_T */
  gate: string;
  label: string;
  title: string;
  /** the chart's line label */
  chartLabel: string;
  /** "cell path alone", for equations */
  pathName: string;
}

/** The conveyor belt the panel draws: what the carried state keeps and what is added. */
export interface BeltInfo {
  labels: [string, string, string];
  /** the update the belt draws, for its title */
  equation: string;
  kept: (v: StepValues) => number;
  added: (v: StepValues) => number;
  result: string;
}

/** What a cell's forward/backward pair hands computeTrace (see trace.ts). */
export interface CellRun {
  // preact: (slots, T, H) gate-major, slot k holds CellInfo.preactSlots[k]
  preact: Float64Array;
  /** stored states (CellInfo.states names): each (T, H) */
  states: Record<string, Float64Array>;
  L: number;
  // dPreact: (slots, T, H) the deltas dL_d<slot>, same slots as preact
  dPreact: Float64Array;
  /** dL_dh, dL_dc: total per-step state gradients (T, H) */
  stateGradients: Record<string, Float64Array>;
  // dx: (T, I)
  dx: Float64Array;
  // dh0: (H)
  dh0: Float64Array;
  // dc0: (H), cells with a cell state only
  dc0?: Float64Array;
  /** every textbook parameter's summed gradient, by name, shaped like Spec.params */
  parameterGradients: Record<string, Float64Array>;
  vanillaRNN: Trace['vanillaRNN'];
}

/**
 * Runs the pair on a validated spec. `lossGradient` takes the last hidden state h_T (an (H) view)
 * and returns L and dL/dh_T, so every cell shares the losses.
 */
export type CellRunner = (spec: Spec, lossGradient: (hT: Float64Array) => { L: number; dhT: Float64Array }) => CellRun;

export interface CellInfo {
  /** the key of this entry in CELLS */
  kind: string;
  /** "an lstm cell", for messages */
  phrase: string;
  /** "LSTM", for chart labels */
  shortName: string;
  /** a cell state c besides h (then c0 is used and dL_dc0 reported) */
  hasCellState: boolean;
  /** the state the gated path carries (c for the lstm kinds, h otherwise): its gradient is the CLI's backward norm */
  carried: 'c' | 'h';
  /** forward fields in the trace JSON order */
  forward: readonly string[];
  /** slots of the pair's gate-major pre-activation buffer, in buffer order (JSON order may differ) */
  preactSlots: readonly string[];
  /** the pre-activations' equation templates (the right side), by name */
  preactFormulas: Readonly<Record<string, string>>;
  /** gates and candidates: lazy forward fields, activation of a stored pre-activation */
  gates: readonly ActivationField[];
  states: readonly StateField[];
  /** per-step backward fields in JSON order (all (T, H) except dL_dx (T, I)) */
  backwardStep: readonly string[];
  /** the per-step state gradients the tree and hovers show (before the path decay) */
  stateGradientFields: readonly ShownField[];
  /** forward fields checked for NaN/±Inf, in the order the cursor meets them */
  nonFiniteFields: readonly string[];
  /** textbook parameters in canonical order (also the order of dL_dW, dL_db, dL_dp in the JSON) */
  parameters: readonly ParameterInfo[];
  /** the formula of the parameter count, e.g. 4H(H+I)+4H */
  parameterFormula: string;
  /** the bias `init.forgetBias` fills (the gate that keeps memory), if any */
  forgetBiasParameter?: string;
  /** absent: PyTorch names are not accepted for this cell */
  pytorch?: PyTorchLayout;
  /** forward + BPTT FLOPs per time step, as the CLI's bench counts them */
  flopsPerStep: (H: number, I: number) => number;
  pathDecay?: PathDecayInfo;
  belt?: BeltInfo;
  /** the first equation line of a forward step (templated), e.g. z_t = [h_{t-1}, x_t] */
  inputLine: string;
  /** the panel's backward equations at step t for one unit */
  /** the backward equations at step t for one unit (after the dL/dh line every cell shares) */
  backwardEquations: (v: StepValues, t: number, T: number, format: NumberFormat) => BackwardEquation[];
  /**
   * The equations of one step in the order they are computed, named by the field each produces
   * (the debugger's Step Into walks them; docs/debug-adapter.md). Forward `z` is the concatenation
   * [h_{t-1}, x_t] (not a trace field); backward names are per-step backward fields.
   */
  microSteps: { forward: readonly string[]; backward: readonly string[] };
  run: CellRunner;
}

// ---- equation printing, shared by the tree, the hovers and the panel ----

/** The seed's number style, set by the caller (4 decimals in the panel). */
export type NumberFormat = (v: number) => string;

/** A template's step placeholders replaced by numbers: c_{t-1} → c_0 at t = 1. */
export function atStep(template: string, t: number): string {
  return template
    .replace(/_\{t-1\}/g, `_${t - 1}`)
    .replace(/_\{t\+1\}/g, `_${t + 1}`)
    .replace(/_t\b/g, `_${t}`);
}

const OPERAND = /\{([A-Za-z_]+)(@t(-1)?)?\}/g;

/** The template's symbols: `{f}·{c@t-1}` → `f·c_{t-1}`. */
export function symbolic(template: string): string {
  return template.replace(OPERAND, (_m, name: string, at?: string, prev?: string) => (at ? (prev ? `${name}_{t-1}` : `${name}_t`) : name));
}

/**
 * The template with numbers: each operand's value, negative ones in parentheses unless the
 * operand is alone inside a function's parentheses (`tanh(−0.3)`, `0.5·(−0.3)`).
 */
export function numeric(template: string, v: StepValues, format: NumberFormat): string {
  return template.replace(OPERAND, (_m, name: string, _at: string | undefined, prev: string | undefined, offset: number, whole: string) => {
    const value = v(name, prev ? -1 : 0);
    const end = offset + _m.length;
    const alone = whole[offset - 1] === '(' && whole[end] === ')';
    return value < 0 && !alone ? `(${format(value)})` : format(value);
  });
}

/**
 * Values of one unit at step t of a trace, for the equation builders: `v(field, offset)` reads
 * forward or per-step backward field at step t + offset; at step 0 the initial state h_0, c_0
 * from what the trace was computed from (trace.source, never a newer spec); NaN elsewhere.
 */
export function stepValues(trace: Trace, t: number, unit: number): StepValues {
  const H = trace.hiddenSize;
  return (field, offset = 0) => {
    const step = t + offset;
    if (step === 0) {
      if (field === 'h') return trace.source.h0[unit] ?? NaN;
      if (field === 'c' && CELLS[trace.cell].hasCellState) return trace.source.c0[unit] ?? NaN;
      return NaN;
    }
    if (step < 1 || step > trace.T || unit < 0 || unit >= H) return NaN;
    // one entry, so a lazy gate is computed for this unit alone (lazyFields.ts)
    const index = (step - 1) * H + unit; // in a (T, H) field
    return fieldValue(trace.forward, field, index) ?? fieldValue(trace.backward.perStep, field, index) ?? NaN;
  };
}

/** The field of a state's or gate's pre-activation and its activation, if it is one. */
export function activationOf(cell: CellInfo, field: string): { preact: string; fn: ActivationName } | undefined {
  const gate = cell.gates.find(g => g.name === field);
  if (gate) return { preact: gate.preact, fn: gate.fn };
  return cell.states.find(s => s.name === field)?.activationOf;
}

// ---- the cells ----

const sq = (H: number, I: number): [number, number] => [H, H + I];
const vec = (H: number): [number] => [H];

/** The lstm kinds' parameters: W_k (H, H+I), b_k (H) for k = f, i, c (the candidate g), o. */
function lstmParameters(peephole: boolean): ParameterInfo[] {
  const gates: [string, string][] = [['f', 'f'], ['i', 'i'], ['c', 'g'], ['o', 'o']];
  const params: ParameterInfo[] = [
    ...gates.map(([suffix, gate]): ParameterInfo => ({ name: `W_${suffix}`, group: 'dL_dW', gate, side: 'hx', shape: sq, drawn: true })),
    ...gates.map(([suffix, gate]): ParameterInfo => ({ name: `b_${suffix}`, group: 'dL_db', gate, side: 'hx', shape: vec, drawn: false })),
  ];
  if (peephole) {
    for (const gate of ['f', 'i', 'o']) params.push({ name: `p_${gate}`, group: 'dL_dp', gate, side: 'none', shape: vec, drawn: true });
  }
  return params;
}

const LSTM_GATES: readonly ActivationField[] = [
  { name: 'f', preact: 'a_f', fn: 'sigmoid', role: 'forget gate f' },
  { name: 'i', preact: 'a_i', fn: 'sigmoid', role: 'input gate i' },
  { name: 'g', preact: 'a_g', fn: 'tanh', role: 'candidate g (c̃)' },
  { name: 'o', preact: 'a_o', fn: 'sigmoid', role: 'output gate o' },
];

const LSTM_STATES: readonly StateField[] = [
  { name: 'c', role: 'cell state', formula: '{f}·{c@t-1} + {i}·{g}' },
  { name: 'h', role: 'hidden state', formula: '{o}·tanh({c@t})' },
];

const LSTM_STATE_GRADIENTS: readonly ShownField[] = [
  { key: 'dL_dh', label: 'dL/dh', title: 'total gradient of the loss w.r.t. h_t, through all later steps' },
  { key: 'dL_dc', label: 'dL/dc', title: 'total gradient of the loss w.r.t. c_t (true BPTT)' },
];

const LSTM_PATH_DECAY: PathDecayInfo = {
  kind: 'cellPathDecay', product: 'forgetProduct', gate: 'f', label: '∏f',
  title: 'cell path alone: f_{t+1}·…·f_T (the gradient highway; not the total gradient)',
  chartLabel: 'mean ∏f (cell path alone)', pathName: 'cell path alone',
};

const LSTM_BELT: BeltInfo = {
  labels: ['kept f·c_{t-1}', 'added i·g', 'result c_t'],
  equation: 'c_t = f·c_{t-1} + i·g',
  kept: v => v('f') * v('c', -1),
  added: v => v('i') * v('g'),
  result: 'c',
};

/** forward (one matmul), dW and dz (one each): 3 · 2 multiply-adds per weight entry per step. */
const matmulFlops = (blocks: number) => (H: number, I: number): number => 3 * 2 * blocks * H * (H + I);

/** A factor inside a product: negative numbers in parentheses, 0.5·(−0.4410). */
export function factor(value: number, format: NumberFormat): string {
  return value < 0 ? `(${format(value)})` : format(value);
}

function lstmBackwardEquations(peephole: boolean) {
  return (v: StepValues, t: number, T: number, fmt: NumberFormat): BackwardEquation[] => {
    const par = (value: number) => factor(value, fmt);
    const dh = v('dL_dh'), dc = v('dL_dc'), o = v('o'), c = v('c'), f = v('f'), i = v('i'), g = v('g');
    const tc = Math.tanh(c);
    const lines: BackwardEquation[] = [];
    if (!peephole) {
      const through = `dL/dh·o·(1 − tanh²(c_${t}))`;
      const numbers = `${par(dh)}·${par(o)}·${par(1 - tc * tc)}`;
      lines.push({
        field: 'dL_dc', lhs: `dL/dc_${t}`,
        rhs: t < T
          ? `${through} + dL/dc_${t + 1}·f_${t + 1} = ${numbers} + ${par(v('dL_dc', 1))}·${par(v('f', 1))} = ${fmt(dc)}`
          : `${through} = ${numbers} = ${fmt(dc)}`,
      });
    } else {
      lines.push({ field: 'dL_dc', lhs: `dL/dc_${t} (through h_${t}, the peepholes and c_${t + 1})`, rhs: fmt(dc) });
    }
    const cPrev = v('c', -1);
    lines.push({ field: 'dL_da_f', lhs: 'dL/da_f', rhs: `dL/dc·c_${t - 1}·f(1−f) = ${par(dc)}·${par(cPrev)}·${par(f * (1 - f))} → ${fmt(v('dL_da_f'))}` });
    lines.push({ field: 'dL_da_i', lhs: 'dL/da_i', rhs: `dL/dc·g·i(1−i) = ${par(dc)}·${par(g)}·${par(i * (1 - i))} → ${fmt(v('dL_da_i'))}` });
    lines.push({ field: 'dL_da_g', lhs: 'dL/da_g', rhs: `dL/dc·i·(1−g²) = ${par(dc)}·${par(i)}·${par(1 - g * g)} → ${fmt(v('dL_da_g'))}` });
    lines.push({ field: 'dL_da_o', lhs: 'dL/da_o', rhs: `dL/dh·tanh(c_${t})·o(1−o) = ${par(dh)}·${par(tc)}·${par(o * (1 - o))} → ${fmt(v('dL_da_o'))}` });
    return lines;
  };
}

function gruBackwardEquations(v: StepValues, _t: number, _T: number, fmt: NumberFormat): BackwardEquation[] {
  return [{ lhs: 'dL/da_z', rhs: `${fmt(v('dL_da_z'))}, dL/da_n = ${fmt(v('dL_da_n'))}, dL/da_r = ${fmt(v('dL_da_r'))}` }];
}

function rnnBackwardEquations(v: StepValues, _t: number, _T: number, fmt: NumberFormat): BackwardEquation[] {
  const dh = v('dL_dh'), h = v('h');
  return [{ field: 'dL_da', lhs: 'dL/da', rhs: `dL/dh·(1 − h²) = ${factor(dh, fmt)}·${factor(1 - h * h, fmt)} = ${fmt(dh * (1 - h * h))}` }];
}

function lstmEntry(peephole: boolean): CellInfo {
  const kind = peephole ? 'lstm_peephole' : 'lstm';
  return {
    kind,
    phrase: `an ${kind} cell`,
    shortName: 'LSTM',
    hasCellState: true,
    carried: 'c',
    forward: ['a_f', 'a_i', 'a_g', 'a_o', 'f', 'i', 'g', 'o', 'c', 'h'],
    preactSlots: ['a_f', 'a_i', 'a_g', 'a_o'],
    preactFormulas: peephole
      ? { a_f: 'W_f·z + p_f·c_{t-1} + b_f', a_i: 'W_i·z + p_i·c_{t-1} + b_i', a_g: 'W_c·z + b_c', a_o: 'W_o·z + p_o·c_t + b_o' }
      : { a_f: 'W_f·z + b_f', a_i: 'W_i·z + b_i', a_g: 'W_c·z + b_c', a_o: 'W_o·z + b_o' },
    gates: LSTM_GATES,
    states: LSTM_STATES,
    backwardStep: ['dL_dh', 'dL_dc', 'dL_da_f', 'dL_da_i', 'dL_da_g', 'dL_da_o', 'dL_dx'],
    stateGradientFields: LSTM_STATE_GRADIENTS,
    nonFiniteFields: ['a_f', 'a_i', 'a_g', 'a_o', 'c', 'h'],
    parameters: lstmParameters(peephole),
    parameterFormula: peephole ? '4H(H+I)+4H+3H' : '4H(H+I)+4H',
    forgetBiasParameter: 'b_f',
    pytorch: peephole ? undefined : { blocks: ['i', 'f', 'g', 'o'] },
    // the CLI bench contract (docs/cli.md): FLOPs = 3·2·4H(H+I)·T; the peepholes' elementwise work is not counted
    flopsPerStep: matmulFlops(4),
    pathDecay: LSTM_PATH_DECAY,
    belt: LSTM_BELT,
    inputLine: 'z_t = [h_{t-1}, x_t]',
    backwardEquations: lstmBackwardEquations(peephole),
    microSteps: {
      forward: ['z', 'a_f', 'f', 'a_i', 'i', 'a_g', 'g', 'c', 'a_o', 'o', 'h'],
      backward: ['dL_dh', 'dL_dc', 'dL_da_f', 'dL_da_i', 'dL_da_g', 'dL_da_o', 'dL_dx'],
    },
    run: runLstm,
  };
}

const GRU_PARAMETERS: readonly ParameterInfo[] = [
  ...['r', 'z', 'n'].map((gate): ParameterInfo => ({ name: `W_i${gate}`, group: 'dL_dW', gate, side: 'x', shape: (H, I) => [H, I], drawn: true })),
  ...['r', 'z', 'n'].map((gate): ParameterInfo => ({ name: `W_h${gate}`, group: 'dL_dW', gate, side: 'h', shape: H => [H, H], drawn: true })),
  ...['r', 'z', 'n'].map((gate): ParameterInfo => ({ name: `b_i${gate}`, group: 'dL_db', gate, side: 'x', shape: vec, drawn: false })),
  ...['r', 'z', 'n'].map((gate): ParameterInfo => ({ name: `b_h${gate}`, group: 'dL_db', gate, side: 'h', shape: vec, drawn: false })),
];

const GRU: CellInfo = {
  kind: 'gru',
  phrase: 'a gru cell',
  shortName: 'GRU',
  hasCellState: false,
  carried: 'h',
  forward: ['a_r', 'a_z', 'hn', 'a_n', 'r', 'z', 'n', 'h'],
  preactSlots: ['a_r', 'a_z', 'a_n', 'hn'],
  preactFormulas: {
    a_r: 'W_ir·x + b_ir + W_hr·h + b_hr', a_z: 'W_iz·x + b_iz + W_hz·h + b_hz',
    hn: 'W_hn·h_{t-1} + b_hn', a_n: 'W_in·x + b_in + r·hn',
  },
  gates: [
    { name: 'r', preact: 'a_r', fn: 'sigmoid', role: 'reset gate r' },
    { name: 'z', preact: 'a_z', fn: 'sigmoid', role: 'update gate z' },
    { name: 'n', preact: 'a_n', fn: 'tanh', role: 'candidate n' },
  ],
  states: [{ name: 'h', role: 'hidden state', formula: '(1−{z})·{n} + {z}·{h@t-1}' }],
  backwardStep: ['dL_dh', 'dL_da_r', 'dL_da_z', 'dL_da_n', 'dL_dhn', 'dL_dx'],
  stateGradientFields: [LSTM_STATE_GRADIENTS[0]],
  nonFiniteFields: ['a_r', 'a_z', 'hn', 'a_n', 'h'],
  parameters: GRU_PARAMETERS,
  parameterFormula: '3H(H+I)+6H',
  // z is the GRU's keep gate (h_t = (1-z)*n + z*h_{t-1}): a positive bias there keeps memory
  forgetBiasParameter: 'b_iz',
  pytorch: { blocks: ['r', 'z', 'n'] },
  flopsPerStep: matmulFlops(3),
  pathDecay: {
    kind: 'updateGatePathDecay', product: 'zProduct', gate: 'z', label: '∏z',
    title: 'update-gate path alone: z_{t+1}·…·z_T', chartLabel: 'mean ∏z (update-gate path alone)',
    pathName: 'update-gate path alone',
  },
  belt: {
    labels: ['kept z·h_{t-1}', 'added (1−z)·n', 'result h_t'],
    equation: 'h_t = z·h_{t-1} + (1−z)·n',
    kept: v => v('z') * v('h', -1),
    added: v => (1 - v('z')) * v('n'),
    result: 'h',
  },
  inputLine: 'x_t, h_{t-1}',
  backwardEquations: gruBackwardEquations,
  microSteps: {
    forward: ['a_r', 'r', 'a_z', 'z', 'hn', 'a_n', 'n', 'h'],
    backward: ['dL_dh', 'dL_da_z', 'dL_da_n', 'dL_dhn', 'dL_da_r', 'dL_dx'],
  },
  run: runGru,
};

const RNN: CellInfo = {
  kind: 'rnn',
  phrase: 'an rnn cell',
  shortName: 'RNN',
  hasCellState: false,
  carried: 'h',
  forward: ['a', 'h'],
  preactSlots: ['a'],
  preactFormulas: { a: 'W·z + b' },
  gates: [],
  states: [{ name: 'h', role: 'hidden state', formula: 'tanh({a})', activationOf: { preact: 'a', fn: 'tanh' } }],
  backwardStep: ['dL_dh', 'dL_da', 'dL_dx'],
  stateGradientFields: [LSTM_STATE_GRADIENTS[0]],
  nonFiniteFields: ['a', 'h'],
  parameters: [
    { name: 'W', group: 'dL_dW', gate: 'h', side: 'hx', shape: sq, drawn: true },
    { name: 'b', group: 'dL_db', gate: 'h', side: 'hx', shape: vec, drawn: false },
  ],
  parameterFormula: 'H(H+I)+H',
  pytorch: { blocks: ['h'] },
  flopsPerStep: matmulFlops(1),
  inputLine: 'z_t = [h_{t-1}, x_t]',
  backwardEquations: rnnBackwardEquations,
  microSteps: { forward: ['z', 'a', 'h'], backward: ['dL_dh', 'dL_da', 'dL_dx'] },
  run: runRnn,
};

/** The table. Its keys are the cell kinds: the `cell` values a spec may name. */
const CELL_TABLE = {
  lstm: lstmEntry(false),
  lstm_peephole: lstmEntry(true),
  gru: GRU,
  rnn: RNN,
};

/** A cell kind: a key of the table ("lstm", "lstm_peephole", "gru", "rnn"). */
export type CellKind = keyof typeof CELL_TABLE;

export const CELLS: Readonly<Record<CellKind, CellInfo>> = CELL_TABLE;

/** Every cell kind, in table order (also the order messages list them in). */
export const CELL_KINDS: readonly CellKind[] = Object.keys(CELL_TABLE) as CellKind[];
