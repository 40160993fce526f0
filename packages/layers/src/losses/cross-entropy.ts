import {
  DTypeError,
  logSoftmax,
  mean,
  mul,
  neg,
  oneHot,
  ShapeError,
  sum,
  type Tensor,
} from '@lacuna/tensor';

/**
 * Cross-entropy of integer class labels under softmax(logits), averaged over the batch:
 * `L = -(1/N) Σᵢ log softmax(zᵢ)[yᵢ]`, computed through `logSoftmax` so it is stable for large
 * logits.
 *
 * @param logits - float32 [N, C] unnormalised scores.
 * @param labels - int32 [N] class indices in [0, C).
 * @returns A scalar tensor.
 * @example
 * ```ts
 * import { crossEntropy } from '@lacuna/layers';
 * import { tensor } from '@lacuna/tensor';
 * crossEntropy(tensor([[2, 0], [0, 2]]), tensor([0, 1], { dtype: 'int32' })).item(); // ≈ 0.127
 * ```
 */
export function crossEntropy(logits: Tensor, labels: Tensor): Tensor {
  if (logits.rank !== 2) {
    throw new ShapeError(
      'crossEntropy',
      'logits',
      `must have shape [N, C], got [${logits.shape.join(',')}]`,
    );
  }
  if (labels.dtype !== 'int32') {
    throw new DTypeError(
      'crossEntropy',
      'labels',
      `must have dtype int32 (class indices), got ${labels.dtype}`,
    );
  }
  if (labels.rank !== 1 || labels.shape[0] !== logits.shape[0]) {
    throw new ShapeError(
      'crossEntropy',
      'labels',
      `must have shape [${logits.shape[0]}], got [${labels.shape.join(',')}]`,
    );
  }
  const picked = sum(mul(logSoftmax(logits, 1), oneHot(labels, logits.shape[1]!)), { axis: 1 });
  return neg(mean(picked));
}
