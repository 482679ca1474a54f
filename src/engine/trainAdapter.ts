// A stopgap from today's single-layer Spec (parseSpec) to what training runs on (train.ts): a
// one-entry StackSpec, the naming the file used, and the spec's `samples` when it has them
// (docs/training.md). It exists until the spec parser itself yields stacks, samples and every
// loss; then `trainModelFromSpec` is the one function to replace.
// The validated Spec has lost two things training needs, so they are read again from the
// already-validated text: whether `weights` used PyTorch names (then bias_ih and bias_hh are two
// parameters, with their own values), and `samples`:
//   "samples": [{"inputs": [[…], …], "target": […]}, …]    target only with an mse loss
// With samples the loss is the mean over them and the top-level inputs are only what the
// stepper shows. A sample's problems are SpecIssues with their position, like the parser's.

import { parseTree, type Node } from 'jsonc-parser';
import { PARSE_OPTIONS, SourceLines, formatPath, type Path } from './spec/sourcePositions';
import { PYTORCH_NAMES } from './spec/pytorchNames';
import type { StackLoss } from './loss';
import type { StackSample, StackSpec } from './stackTrace';
import type { TrainModel } from './train';
import type { Spec, SpecIssue } from './types';

/** Row-major numbers of a validated matrix/vector node, or one number filling `length`. */
function flatten(node: Node, length: number): Float64Array {
  if (node.type === 'number') return new Float64Array(length).fill(node.value as number);
  const out: number[] = [];
  const walk = (n: Node): void => {
    if (n.type === 'array') (n.children ?? []).forEach(walk);
    else out.push(n.value as number);
  };
  walk(node);
  return Float64Array.from(out);
}

function property(objectNode: Node | undefined, key: string): Node | undefined {
  if (objectNode?.type !== 'object') return undefined;
  let found: Node | undefined;
  for (const p of objectNode.children ?? []) if (p.children?.[0]?.value === key) found = p.children?.[1];
  return found;
}

export function trainModelFromSpec(spec: Spec, text: string): { model?: TrainModel; issues: SpecIssue[] } {
  const root = parseTree(text, [], PARSE_OPTIONS);
  const lines = new SourceLines(text);
  const issues: SpecIssue[] = [];
  const error = (node: Node, path: Path, detail: string): void => {
    issues.push({ severity: 'error', path: formatPath(path), message: `${formatPath(path)}: ${detail}`, range: lines.range(node.offset, node.length) });
  };
  const H = spec.hiddenSize, I = spec.inputSize, cell = spec.cell;
  const loss: StackLoss = spec.loss.kind === 'mse' ? { kind: 'mse', target: spec.loss.target } : { kind: 'sum' };

  const samples: StackSample[] = [];
  const samplesNode = property(root, 'samples');
  if (!samplesNode) samples.push({ T: spec.T, inputs: spec.inputs, loss });
  else if (samplesNode.type !== 'array' || (samplesNode.children ?? []).length === 0) {
    error(samplesNode, ['samples'], 'expected an array of at least one {"inputs": [[…], …]} sample');
  } else {
    (samplesNode.children ?? []).forEach((sampleNode, s) => {
      const inputsNode = property(sampleNode, 'inputs');
      if (sampleNode.type !== 'object' || !inputsNode) {
        error(sampleNode, ['samples', s], 'expected an object {"inputs": [[…], …]' + (loss.kind === 'mse' ? ', "target": […]}' : '}'));
        return;
      }
      const rows = inputsNode.type === 'array' ? inputsNode.children ?? [] : [];
      const good = rows.length > 0 && rows.every(row => (row.type === 'array' && (row.children ?? []).length === I
        && (row.children ?? []).every(v => v.type === 'number' && Number.isFinite(v.value))) || (I === 1 && row.type === 'number' && Number.isFinite(row.value)));
      if (!good) {
        error(inputsNode, ['samples', s, 'inputs'], `expected at least one input row of ${I} numbers (inputSize)`);
        return;
      }
      let sampleLoss: StackLoss = loss;
      const targetNode = property(sampleNode, 'target');
      if (loss.kind === 'mse') {
        const ok = targetNode && ((targetNode.type === 'number' && Number.isFinite(targetNode.value))
          || (targetNode.type === 'array' && (targetNode.children ?? []).length === H && (targetNode.children ?? []).every(v => v.type === 'number' && Number.isFinite(v.value))));
        if (!ok) {
          error(targetNode ?? sampleNode, ['samples', s, 'target'], `expected ${H} numbers (hiddenSize) or one number: an mse loss needs each sample's target`);
          return;
        }
        sampleLoss = { kind: 'mse', target: flatten(targetNode, H) };
      }
      samples.push({ T: rows.length, inputs: flatten(inputsNode, rows.length * I), loss: sampleLoss });
    });
  }

  const weightsNode = property(root, 'weights');
  const pytorch = weightsNode !== undefined && PYTORCH_NAMES.some(name => property(weightsNode, name) !== undefined);
  if (issues.length > 0) return { issues };
  const stack: StackSpec = {
    params: { cell, inputSize: I, hiddenSize: H, numLayers: 1, bidirectional: false, entries: [spec.params] },
    h0: spec.h0, c0: spec.c0, samples,
    ...(spec.tokens ? { tokens: spec.tokens } : {}),
  };
  if (!pytorch) return { model: { spec: stack, naming: { kind: 'textbook' } }, issues };
  const G = cell === 'gru' ? 3 : cell === 'rnn' ? 1 : 4;
  const lengths: Record<string, number> = { weight_ih_l0: G * H * I, weight_hh_l0: G * H * H, bias_ih_l0: G * H, bias_hh_l0: G * H };
  const tensors: Record<string, Float64Array> = {};
  for (const name of PYTORCH_NAMES) tensors[name] = flatten(property(weightsNode, name) as Node, lengths[name]);
  return { model: { spec: { ...stack, framework: { prefix: '' } }, naming: { kind: 'pytorch', prefix: '', tensors } }, issues };
}
