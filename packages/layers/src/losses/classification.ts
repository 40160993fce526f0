import {
  ArgumentRangeError,
  abs,
  add,
  DTypeError,
  gather,
  mul,
  neg,
  relu,
  reshape,
  ShapeError,
  softmaxCrossEntropy,
  softplus,
  sub,
  type Tensor,
} from '@lacuna/tensor';
import { checkLossOptions, checkReduction, type Reduction, reduce } from './reduction.js';

/** Options of {@link crossEntropy}. */
export interface CrossEntropyOptions {
  /** ε in [0, 1): the target becomes (1-ε)·onehot + ε/C (Szegedy et al. 2016). Default 0. */
  labelSmoothing?: number;
  /** 'mean' (default), 'sum' or 'none'. */
  reduction?: Reduction;
}

function checkLogits(op: string, logits: Tensor): [number, number] {
  if (logits.rank !== 2 || logits.dtype !== 'float32') {
    throw new ShapeError(
      op,
      'logits',
      `must be float32 with shape [N, C], got ${logits.dtype} [${logits.shape.join(',')}]`,
    );
  }
  return logits.shape as unknown as [number, number];
}

function checkLabels(op: string, name: string, labels: Tensor, n: number, c: number): void {
  if (labels.rank !== 1 || labels.shape[0] !== n) {
    throw new ShapeError(
      op,
      name,
      `as class indices must have shape [${n}], got [${labels.shape.join(',')}]`,
    );
  }
  for (let i = 0; i < n; i++) {
    const y = labels.storage[i]!;
    if (y < 0 || y >= c) {
      throw new ArgumentRangeError(
        op,
        name,
        `must be class indices in [0, ${c}), got ${y} at index ${i}`,
      );
    }
  }
}

function checkProbabilities(op: string, targets: Tensor, n: number, c: number): void {
  if (targets.dtype !== 'float32')
    throw new DTypeError(
      op,
      'targets',
      `must be int32 class indices or float32 probabilities, got ${targets.dtype}`,
    );
  if (targets.rank !== 2 || targets.shape[0] !== n || targets.shape[1] !== c) {
    throw new ShapeError(
      op,
      'targets',
      `as probabilities must have shape [${n}, ${c}], got [${targets.shape.join(',')}]`,
    );
  }
}

/**
 * `logp[i, yᵢ]` as [N], read by index rather than as `Σ_c onehot·logp`: a wrong class whose
 * log-probability is −∞ must not turn the loss into 0·(−∞) = NaN (PyTorch picks too).
 */
function pick(logp: Tensor, labels: Tensor, n: number): Tensor {
  return reshape(gather(logp, 1, reshape(labels, [n, 1])), [n]);
}

/**
 * Cross-entropy of targets under softmax(logits): `L = -(1/N) Σᵢ Σ_c tᵢ꜀ · log softmax(zᵢ)꜀`,
 * computed by @lacuna/tensor's `softmaxCrossEntropy`: log-softmax and the negative log-likelihood
 * as one op with one gradient rule (softmax − target), each row in float64 (stable for large
 * logits), rounded once to float32.
 *
 * Targets are int32 class indices [N] (t one-hot) or float32 probabilities [N, C] (e.g. one-hot or
 * soft labels). With label smoothing ε the target becomes (1-ε)·t + ε/C.
 *
 * Infinite logits follow PyTorch: a wrong class with logit −∞ has probability 0 and leaves the
 * loss finite with a zero gradient; the target class at −∞ (or any class with target mass ε/C
 * under smoothing) gives +∞ with a finite gradient; a row holding +∞, NaN or only −∞ gives NaN.
 * With probability targets a class with target 0 contributes 0 even at −∞ (0·log 0 = 0), where
 * PyTorch returns NaN.
 *
 * @param logits - float32 [N, C] unnormalised scores.
 * @param targets - int32 [N] or float32 [N, C].
 * @param options - `labelSmoothing`, `reduction`.
 * @example
 * ```ts
 * import { crossEntropy } from '@lacuna/layers';
 * import { tensor } from '@lacuna/tensor';
 * crossEntropy(tensor([[2, 0], [0, 2]]), tensor([0, 1], { dtype: 'int32' })).item(); // 0.1269…
 * ```
 */
export function crossEntropy(
  logits: Tensor,
  targets: Tensor,
  options: CrossEntropyOptions = {},
): Tensor {
  checkLossOptions('crossEntropy', options, [
    'labelSmoothing',
    'reduction',
  ] satisfies (keyof CrossEntropyOptions)[]);
  const [n, c] = checkLogits('crossEntropy', logits);
  const eps = options.labelSmoothing ?? 0;
  if (typeof eps !== 'number' || !(eps >= 0 && eps < 1)) {
    throw new ArgumentRangeError(
      'crossEntropy',
      'labelSmoothing',
      `must lie in [0, 1), got ${eps}`,
    );
  }
  if (targets.dtype === 'int32') checkLabels('crossEntropy', 'targets', targets, n, c);
  else checkProbabilities('crossEntropy', targets, n, c);
  const reduction = checkReduction('crossEntropy', options.reduction);
  return softmaxCrossEntropy(logits, targets, { labelSmoothing: eps, reduction });
}

/**
 * Negative log-likelihood of class indices under log-probabilities:
 * `L = -(1/N) Σᵢ logpᵢ[yᵢ]` (pair with a model ending in logSoftmax). Only the target entry
 * is read, so −∞ log-probabilities of other classes leave the loss and its gradient finite.
 *
 * @param logProbs - float32 [N, C] log-probabilities.
 * @param labels - int32 [N] class indices.
 * @example
 * ```ts
 * import { nllLoss } from '@lacuna/layers';
 * import { logSoftmax, tensor } from '@lacuna/tensor';
 * nllLoss(logSoftmax(tensor([[2, 0]])), tensor([0], { dtype: 'int32' })).item(); // 0.1269…
 * ```
 */
export function nllLoss(
  logProbs: Tensor,
  labels: Tensor,
  options: { reduction?: Reduction } = {},
): Tensor {
  checkLossOptions('nllLoss', options);
  const [n, c] = checkLogits('nllLoss', logProbs);
  if (labels.dtype !== 'int32')
    throw new DTypeError(
      'nllLoss',
      'labels',
      `must have dtype int32 (class indices), got ${labels.dtype}`,
    );
  checkLabels('nllLoss', 'labels', labels, n, c);
  const perExample = neg(pick(logProbs, labels, n));
  return reduce('nllLoss', perExample, options.reduction);
}

/**
 * Binary cross-entropy on logits, stable for any logit:
 * `L = mean(max(z, 0) - z·y + log(1 + e^-|z|))`, equal to -[y·log σ(z) + (1-y)·log(1-σ(z))].
 *
 * @param logits - float32, any shape.
 * @param targets - float32 in [0, 1], the same shape.
 * @example
 * ```ts
 * import { binaryCrossEntropyWithLogits } from '@lacuna/layers';
 * import { tensor } from '@lacuna/tensor';
 * binaryCrossEntropyWithLogits(tensor([0]), tensor([1])).item(); // 0.6931… (log 2)
 * ```
 */
export function binaryCrossEntropyWithLogits(
  logits: Tensor,
  targets: Tensor,
  options: { reduction?: Reduction } = {},
): Tensor {
  checkLossOptions('binaryCrossEntropyWithLogits', options);
  if (logits.dtype !== 'float32' || targets.dtype !== 'float32') {
    throw new DTypeError(
      'binaryCrossEntropyWithLogits',
      'targets',
      `and logits must be float32, got ${targets.dtype} and ${logits.dtype}`,
    );
  }
  if (logits.shape.join() !== targets.shape.join()) {
    throw new ShapeError(
      'binaryCrossEntropyWithLogits',
      'targets',
      `must have the logits' shape [${logits.shape.join(',')}], got [${targets.shape.join(',')}]`,
    );
  }
  const losses = add(sub(relu(logits), mul(logits, targets)), softplus(neg(abs(logits))));
  return reduce('binaryCrossEntropyWithLogits', losses, options.reduction);
}
