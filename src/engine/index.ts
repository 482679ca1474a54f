// The engine's public API, the one import for the CLI, the trace worker and the session:
// computeTrace (forward + BPTT of a validated Spec), traceToJson (DESIGN.md section 3), the
// data model types, and the building blocks tests and tools reuse.

export * from './types';
export { computeTrace, lossAndGradient, FORWARD_FIELDS, BACKWARD_STEP_FIELDS } from './trace';
export { traceToJson, toNested } from './traceJson';
export { forgetProduct } from './pathDecay';
export { cellStateUpdate } from './lstm';
export { sigmoid, tanh } from './kernels';
export { parseSpec, type ParseSpecOptions } from './specParse';
export { initWeights, type InitOptions } from './init';
