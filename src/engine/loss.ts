// The losses of docs/spec-format.md ("Losses") on a stack's output, with their gradients.
// y, the loss's input, is output[T] (`at: "last"`), every output[t] with the per-step losses
// summed over t (`at: "every"`), or the top layer's h_n = [h_T^fwd, h_1^rev] (`on: "h_n"`).
// Kinds: sum Σ y_j; mse ½Σ(y_j − target_j)²; crossEntropy −log softmax(W y + b)[target] with a
// linear head; given Σ g_j y_j (an upstream gradient a framework gave). The result carries
// dL/doutput (T, D·H) and dL/dh_n-top (D·H) for stackBackward, and the head's gradients.

export interface LinearHead {
  classes: number; // C
  weight: Float64Array; // (C, W) W = D·H, PyTorch nn.Linear layout
  bias: Float64Array; // (C)
}

interface LossPlacement {
  /** "last" (default): y = output[T]; "every": one loss per step, summed */
  at?: 'last' | 'every';
  /** "output" (default), or "h_n": y = [h_T^fwd, h_1^rev] of the top layer (at must be "last") */
  on?: 'output' | 'h_n';
}

export type StackLoss = LossPlacement & (
  | { kind: 'sum' }
  // target: (W), or (T, W) with at: every
  | { kind: 'mse'; target: Float64Array }
  // target: one class index, or one per step with at: every
  | { kind: 'crossEntropy'; head: LinearHead; target: number | readonly number[] }
  // dL_dy: (W), or (T, W) with at: every
  | { kind: 'given'; dL_dy: Float64Array }
);

export interface LossResult {
  L: number;
  /** at: every: the loss of each step, (T) */
  perStep?: Float64Array;
  /** crossEntropy: W_head y + b, (C) or (T, C) with at: every */
  logits?: Float64Array;
  probs?: Float64Array; // same shape as logits
  dL_doutput: Float64Array; // (T, W)
  dL_dtopFinal: Float64Array; // (W) gradient on [h_T^fwd, h_1^rev] (on: h_n)
  /** crossEntropy: gradients of the head, summed over steps with at: every */
  dHeadWeight?: Float64Array; // (C, W)
  dHeadBias?: Float64Array; // (C)
}

/**
 * One loss term on y (W) at yOff; writes dL/dy into dy at dyOff and the head's gradients into
 * dHead* (accumulating), returns the term. `step` picks the per-step target (0 with at: last).
 */
function lossTerm(
  loss: StackLoss, step: number, W: number,
  y: Float64Array, yOff: number, // (W)
  dy: Float64Array, dyOff: number, // (W) written
  logits: Float64Array | undefined, probs: Float64Array | undefined, logitOff: number, // (C)
  dHeadWeight: Float64Array | undefined, dHeadBias: Float64Array | undefined, // (C, W), (C) accumulated
): number {
  switch (loss.kind) {
    case 'sum': {
      let L = 0;
      for (let j = 0; j < W; j++) {
        L += y[yOff + j];
        dy[dyOff + j] = 1;
      }
      return L;
    }
    case 'mse': {
      let L = 0;
      const tOff = step * W;
      for (let j = 0; j < W; j++) {
        const diff = y[yOff + j] - loss.target[tOff + j];
        L += 0.5 * diff * diff;
        dy[dyOff + j] = diff;
      }
      return L;
    }
    case 'given': {
      let L = 0;
      const gOff = step * W;
      for (let j = 0; j < W; j++) {
        const g = loss.dL_dy[gOff + j];
        L += g * y[yOff + j];
        dy[dyOff + j] = g;
      }
      return L;
    }
    case 'crossEntropy': {
      const { head } = loss, C = head.classes;
      const target = typeof loss.target === 'number' ? loss.target : loss.target[step];
      const z = logits as Float64Array, p = probs as Float64Array;
      let max = -Infinity;
      for (let c = 0; c < C; c++) {
        let s = head.bias[c];
        for (let j = 0; j < W; j++) s += head.weight[c * W + j] * y[yOff + j];
        z[logitOff + c] = s;
        if (s > max) max = s;
      }
      // log-sum-exp around the largest logit: no overflow, and log softmax stays accurate
      let sumExp = 0;
      for (let c = 0; c < C; c++) sumExp += Math.exp(z[logitOff + c] - max);
      const logSumExp = max + Math.log(sumExp);
      for (let c = 0; c < C; c++) p[logitOff + c] = Math.exp(z[logitOff + c] - logSumExp);
      // dL/dlogit_c = p_c − [c = target]; dL/dy = W_head^T dL/dlogit
      for (let j = 0; j < W; j++) dy[dyOff + j] = 0;
      for (let c = 0; c < C; c++) {
        const dz = p[logitOff + c] - (c === target ? 1 : 0);
        (dHeadBias as Float64Array)[c] += dz;
        for (let j = 0; j < W; j++) {
          (dHeadWeight as Float64Array)[c * W + j] += dz * y[yOff + j];
          dy[dyOff + j] += dz * head.weight[c * W + j];
        }
      }
      return logSumExp - z[logitOff + target];
    }
  }
}

/** Throws a clear error when the loss's arrays do not fit (T, W). */
export function checkLoss(loss: StackLoss, T: number, W: number): void {
  const every = loss.at === 'every';
  if (loss.on === 'h_n' && every) throw new Error('loss: "on": "h_n" is one vector; it cannot be used with "at": "every"');
  const rows = every ? T : 1;
  const what = every ? `${T} × ${W}` : `${W}`;
  if (loss.kind === 'mse' && loss.target.length !== rows * W) throw new Error(`loss.target: expected ${what} numbers, found ${loss.target.length}`);
  if (loss.kind === 'given' && loss.dL_dy.length !== rows * W) throw new Error(`loss.dL_dy: expected ${what} numbers, found ${loss.dL_dy.length}`);
  if (loss.kind === 'crossEntropy') {
    const { head } = loss, C = head.classes;
    if (!(C >= 1) || head.weight.length !== C * W) throw new Error(`loss.head.weight: expected ${C} × ${W} numbers, found ${head.weight.length}`);
    if (head.bias.length !== C) throw new Error(`loss.head.bias: expected ${C} numbers, found ${head.bias.length}`);
    const targets = typeof loss.target === 'number' ? [loss.target] : loss.target;
    if (typeof loss.target !== 'number' && targets.length !== rows) throw new Error(`loss.target: expected ${rows} class indices, found ${targets.length}`);
    targets.forEach((c, k) => {
      if (!Number.isInteger(c) || c < 0 || c >= C) throw new Error(`loss.target${typeof loss.target === 'number' ? '' : `[${k}]`}: expected a class index 0..${C - 1}, found ${c}`);
    });
  }
}

/**
 * The loss and its gradients on a stack's output. output: (T, W) rows t = 1..T; topFinal: the
 * top layer's [h_T^fwd, h_1^rev] (W). With T = 0, `at: "last"` reads topFinal (the initial state),
 * as the single-layer trace does.
 */
export function stackLoss(
  loss: StackLoss,
  output: Float64Array, // (T, W)
  topFinal: Float64Array, // (W)
  T: number, W: number,
): LossResult {
  checkLoss(loss, T, W);
  const every = loss.at === 'every';
  const dL_doutput = new Float64Array(T * W), dL_dtopFinal = new Float64Array(W);
  const head = loss.kind === 'crossEntropy' ? loss.head : undefined;
  const terms = every ? T : 1;
  const logits = head ? new Float64Array(terms * head.classes) : undefined;
  const probs = head ? new Float64Array(terms * head.classes) : undefined;
  const dHeadWeight = head ? new Float64Array(head.classes * W) : undefined;
  const dHeadBias = head ? new Float64Array(head.classes) : undefined;
  const C = head ? head.classes : 0;
  let L = 0;
  let perStep: Float64Array | undefined;
  if (every) {
    perStep = new Float64Array(T);
    for (let t = 0; t < T; t++) {
      perStep[t] = lossTerm(loss, t, W, output, t * W, dL_doutput, t * W, logits, probs, t * C, dHeadWeight, dHeadBias);
      L += perStep[t];
    }
  } else if (loss.on === 'h_n' || T === 0) {
    L = lossTerm(loss, 0, W, topFinal, 0, dL_dtopFinal, 0, logits, probs, 0, dHeadWeight, dHeadBias);
  } else {
    L = lossTerm(loss, 0, W, output, (T - 1) * W, dL_doutput, (T - 1) * W, logits, probs, 0, dHeadWeight, dHeadBias);
  }
  const result: LossResult = { L, dL_doutput, dL_dtopFinal };
  if (perStep) result.perStep = perStep;
  if (logits && probs && dHeadWeight && dHeadBias) Object.assign(result, { logits, probs, dHeadWeight, dHeadBias });
  return result;
}
