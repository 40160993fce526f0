import type { SoftmaxCrossEntropyParams } from '../backend.js';

// Cross-entropy on logits, row by row in float64: log-sum-exp, then the loss (or the gradient)
// from the same row while it is in cache. A row whose max is not finite (+∞, NaN, or only −∞)
// has no distribution: its loss and gradient are NaN, as log-softmax gives NaN throughout.

/** log Σ exp(z) of one row, shifted by its max; NaN when the max is not finite. */
function logSumExp(z: Float32Array, row: number, c: number): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let j = 0; j < c; j++) max = Math.max(max, z[row + j]!);
  if (!Number.isFinite(max)) return Number.NaN;
  let sum = 0;
  for (let j = 0; j < c; j++) sum += Math.exp(z[row + j]! - max);
  return max + Math.log(sum);
}

/** The smoothed probability target of row i, class j: (1-ε)·t + ε/c. */
function smoothed(targets: Float32Array, i: number, j: number, c: number, eps: number): number {
  const t = targets[i * c + j]!;
  return eps > 0 ? (1 - eps) * t + eps / c : t;
}

export function softmaxCrossEntropy(
  logits: Float32Array,
  targets: Int32Array | Float32Array,
  out: Float32Array,
  logSumExps: Float64Array | null,
  { n, c, probabilities, labelSmoothing: eps, reduction }: SoftmaxCrossEntropyParams,
): void {
  let total = 0;
  for (let i = 0; i < n; i++) {
    const row = i * c;
    const lse = logSumExp(logits, row, c);
    if (logSumExps) logSumExps[i] = lse;
    let loss = 0;
    if (probabilities) {
      // 0·log 0 = 0: a class with no target mass adds nothing, even at −∞.
      for (let j = 0; j < c; j++) {
        const t = smoothed(targets as Float32Array, i, j, c, eps);
        if (t !== 0) loss -= t * (logits[row + j]! - lse);
      }
    } else {
      // The target's log-probability only (a wrong class at −∞ must not give 0·∞); with
      // smoothing, PyTorch's (1-ε)·(−logp[y]) + (ε/c)·(−Σ logp).
      loss = lse - logits[row + targets[i]!]!;
      if (eps > 0) {
        let all = 0;
        for (let j = 0; j < c; j++) all += lse - logits[row + j]!;
        loss = (1 - eps) * loss + (eps / c) * all;
      }
    }
    if (reduction === 'none') out[i] = loss;
    else total += loss;
  }
  if (reduction !== 'none') out[0] = reduction === 'mean' ? total / n : total;
}

export function softmaxCrossEntropyBackward(
  grad: Float32Array,
  logits: Float32Array,
  targets: Int32Array | Float32Array,
  logSumExps: Float64Array,
  dx: Float32Array,
  { n, c, probabilities, labelSmoothing: eps, reduction }: SoftmaxCrossEntropyParams,
): void {
  const spread = eps / c;
  for (let i = 0; i < n; i++) {
    const row = i * c;
    const lse = logSumExps[i]!;
    const g = reduction === 'none' ? grad[i]! : reduction === 'mean' ? grad[0]! / n : grad[0]!;
    if (probabilities) {
      // g·(softmax·Σt − t): Σt is 1 for normalised targets, whatever ε.
      let mass = 0;
      for (let j = 0; j < c; j++) mass += smoothed(targets as Float32Array, i, j, c, eps);
      for (let j = 0; j < c; j++) {
        const t = smoothed(targets as Float32Array, i, j, c, eps);
        dx[row + j] = g * (Math.exp(logits[row + j]! - lse) * mass - t);
      }
    } else {
      // g·(softmax − t) with t = (1-ε)·onehot(y) + ε/c.
      const y = targets[i]!;
      for (let j = 0; j < c; j++) {
        const t = j === y ? 1 - eps + spread : spread;
        dx[row + j] = g * (Math.exp(logits[row + j]! - lse) - t);
      }
    }
  }
}
