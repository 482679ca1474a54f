// Optimizers and gradient clipping with torch.optim 1.13's semantics (docs/training.md), on one
// flat parameter vector theta (P) and its gradient (P), so a step allocates nothing: the state
// (momentum buffer, Adam's moments) is allocated once, when the optimizer is made.
//   SGD(lr, momentum), dampening 0, no Nesterov, no weight decay:
//     momentum = 0: theta -= lr·g
//     else: buf = g on the first step (torch clones the first gradient), then buf = μ·buf + g;
//           theta -= lr·buf
//   Adam(lr), β = (0.9, 0.999), ε = 1e-8, no weight decay, no AMSGrad, step t = 1, 2, …:
//     m = β1·m + (1−β1)·g,  v = β2·v + (1−β2)·g²          (both start at zero)
//     step_size = lr / (1 − β1^t),  denom = sqrt(v) / sqrt(1 − β2^t) + ε
//     theta -= step_size · m / denom
//   clip_grad_norm_(all, C): total = ‖(‖g_p‖₂ for every parameter tensor p)‖₂,
//     coef = C / (total + 1e-6), and g *= coef when coef < 1 (torch multiplies by min(coef, 1)).
// The expressions keep torch's order of operations so float64 results agree to rounding.

export type OptimizerOptions =
  | { kind: 'sgd'; lr: number; momentum?: number }
  | { kind: 'adam'; lr: number; beta1?: number; beta2?: number; eps?: number };

export interface Optimizer {
  readonly kind: OptimizerOptions['kind'];
  /** updates theta in place from grad (both (P)); grad is not changed */
  step(theta: Float64Array, grad: Float64Array): void;
  /** number of steps taken */
  readonly steps: number;
}

/** A parameter tensor's place in the flat vector (for the per-tensor norms torch combines). */
export interface ParameterRange {
  offset: number;
  length: number;
}

export const ADAM_DEFAULTS = { beta1: 0.9, beta2: 0.999, eps: 1e-8 } as const;
/** clip_grad_norm_'s guard against a zero norm, added to the norm before dividing */
export const CLIP_EPS = 1e-6;

function checkOptions(options: OptimizerOptions): void {
  if (!(Number.isFinite(options.lr) && options.lr >= 0)) throw new Error(`lr: expected a number >= 0, found ${options.lr}`);
  if (options.kind === 'sgd') {
    const m = options.momentum ?? 0;
    if (!(Number.isFinite(m) && m >= 0)) throw new Error(`momentum: expected a number >= 0, found ${m}`);
  }
}

export function createOptimizer(options: OptimizerOptions, P: number): Optimizer {
  checkOptions(options);
  return options.kind === 'sgd' ? sgd(options.lr, options.momentum ?? 0, P) : adam(options, P);
}

function sgd(lr: number, momentum: number, P: number): Optimizer {
  const buffer = momentum !== 0 ? new Float64Array(P) : undefined; // (P) momentum buffer
  let steps = 0;
  return {
    kind: 'sgd',
    get steps() { return steps; },
    step(theta, grad) {
      if (!buffer) {
        for (let k = 0; k < P; k++) theta[k] += -lr * grad[k];
      } else if (steps === 0) {
        // torch: buf = clone(d_p) on the first step, not μ·0 + d_p (the same with dampening 0)
        for (let k = 0; k < P; k++) {
          buffer[k] = grad[k];
          theta[k] += -lr * buffer[k];
        }
      } else {
        for (let k = 0; k < P; k++) {
          buffer[k] = buffer[k] * momentum + grad[k];
          theta[k] += -lr * buffer[k];
        }
      }
      steps++;
    },
  };
}

function adam(options: Extract<OptimizerOptions, { kind: 'adam' }>, P: number): Optimizer {
  const { lr } = options;
  const beta1 = options.beta1 ?? ADAM_DEFAULTS.beta1, beta2 = options.beta2 ?? ADAM_DEFAULTS.beta2, eps = options.eps ?? ADAM_DEFAULTS.eps;
  const m = new Float64Array(P), v = new Float64Array(P); // (P) first and second moments
  let steps = 0;
  return {
    kind: 'adam',
    get steps() { return steps; },
    step(theta, grad) {
      steps++;
      const biasCorrection1 = 1 - beta1 ** steps;
      const biasCorrection2 = 1 - beta2 ** steps;
      const stepSize = lr / biasCorrection1;
      const biasCorrection2Sqrt = Math.sqrt(biasCorrection2);
      for (let k = 0; k < P; k++) {
        const g = grad[k];
        m[k] = m[k] * beta1 + g * (1 - beta1);
        v[k] = v[k] * beta2 + (1 - beta2) * g * g;
        const denom = Math.sqrt(v[k]) / biasCorrection2Sqrt + eps;
        theta[k] += -stepSize * (m[k] / denom);
      }
    },
  };
}

/**
 * The global L2 norm of the gradient as clip_grad_norm_ computes it: the norm of the
 * per-tensor norms (ranges cover grad; one range = the plain L2 norm).
 */
export function globalNorm(
  grad: Float64Array, // (P)
  ranges: readonly ParameterRange[],
): number {
  let total = 0;
  for (const { offset, length } of ranges) {
    let sum = 0;
    for (let k = offset; k < offset + length; k++) sum += grad[k] * grad[k];
    const norm = Math.sqrt(sum);
    total += norm * norm;
  }
  return Math.sqrt(total);
}

/**
 * clip_grad_norm_(all, maxNorm) given the total norm: scales grad in place by
 * maxNorm / (norm + 1e-6) when that is below 1; returns the factor applied (1 when none).
 */
export function clipGradients(
  grad: Float64Array, // (P)
  norm: number, maxNorm: number,
): number {
  const coef = maxNorm / (norm + CLIP_EPS);
  // like torch's clamp(coef, max=1), a NaN norm makes every gradient NaN
  if (coef >= 1) return 1;
  for (let k = 0; k < grad.length; k++) grad[k] *= coef;
  return coef;
}
