// The engine's public API, as the CLI and the unit tests import it (the session's modules and
// the trace worker import the individual files they need): parseSpec (validation with file
// positions), computeTrace (forward + BPTT of a validated Spec), traceToJson
// (docs/trace-format.md), the cell table, the data model types, and the building blocks tools
// reuse (activations, per-row reductions, the parameter count of a cell, a path's position in a
// spec's text).

export * from './types';
export { computeTrace, lossAndGradient, FORWARD_FIELDS, BACKWARD_STEP_FIELDS } from './trace';
export { traceToJson, toNested } from './traceJson';
export { layerCount, layerView, layerLabel, entryLabel } from './stackView';
export { forgetProduct } from './pathDecay';
export { cellStateUpdate } from './lstm';
export { sigmoid, tanh, rowNorms, rowMeans } from './kernels';
export { parseSpec, parameterCount, findSourceRange, type ParseSpecOptions } from './spec';
export { CELLS, type CellInfo } from './cells';
export { initWeights, type InitOptions } from './init';
export { formatNumber } from './format';
