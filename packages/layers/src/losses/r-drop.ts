import {
  ArgumentRangeError,
  add,
  exp,
  logSoftmax,
  mul,
  ShapeError,
  sub,
  sum,
  type Tensor,
} from '@lacuna/tensor';
import { type CrossEntropyOptions, crossEntropy } from './classification.js';
import { checkLossOptions, checkReduction, type Reduction, reduce } from './reduction.js';

/** Options of {@link symmetricKlDivergence}. */
export interface SymmetricKlOptions {
  /** 'mean' over the batch (default), 'sum' or 'none' (one value per example). */
  reduction?: Reduction;
}

/** Options of {@link rDropLoss}. */
export interface RDropLossOptions extends CrossEntropyOptions {
  /** α ≥ 0, finite: the weight of the symmetric KL term (required; the paper tunes it per task, 0.3 to 5). */
  alpha: number;
}

/**
 * The symmetric Kullback–Leibler divergence between the softmax distributions of two logit
 * rows, `½(KL(p‖q) + KL(q‖p)) = ½ Σ_c (p_c − q_c)(log p_c − log q_c)` per example, with
 * p = softmax(logits1), q = softmax(logits2): the consistency term of R-Drop (Liang et al. 2021).
 *
 * It is symmetric in its arguments, zero when the two distributions agree, and gradients flow
 * into both (neither side is detached, as in the paper). Log-probabilities come from
 * `logSoftmax`, so large finite logits are stable; a logit of ±∞ or NaN gives NaN.
 *
 * @param logits1 - float32 [N, C] logits of the first pass.
 * @param logits2 - float32 [N, C] logits of the second pass.
 * @param options - `reduction`: 'mean' (default) over the N examples, 'sum' or 'none' ([N]).
 * @throws ShapeError when either is not float32 [N, C] or their shapes differ.
 * @example
 * ```ts
 * import { symmetricKlDivergence } from '@lacuna/layers';
 * import { tensor } from '@lacuna/tensor';
 * symmetricKlDivergence(tensor([[1, 0]]), tensor([[0, 1]])).item(); // 0.4621… (= tanh ½)
 * ```
 */
export function symmetricKlDivergence(
  logits1: Tensor,
  logits2: Tensor,
  options: SymmetricKlOptions = {},
): Tensor {
  checkLossOptions('symmetricKlDivergence', options);
  checkPair('symmetricKlDivergence', logits1, logits2);
  const reduction = checkReduction('symmetricKlDivergence', options.reduction);
  return reduce('symmetricKlDivergence', perExampleKl(logits1, logits2), reduction);
}

/**
 * R-Drop's loss (Liang et al. 2021, "R-Drop: Regularized Dropout for Neural Networks", eq. 3):
 * the cross-entropy of both passes plus α times the symmetric KL between their distributions,
 * per example `Lᵢ = CE(z¹ᵢ, yᵢ) + CE(z²ᵢ, yᵢ) + α·½(KL(p¹ᵢ‖p²ᵢ) + KL(p²ᵢ‖p¹ᵢ))`, p^k = softmax(z^k),
 * then reduced over the batch ('mean' by default, so `mean CE¹ + mean CE² + α·mean KLsym`).
 *
 * The two logits come from two forward passes of the same model on the same batch, in training
 * mode, with independent dropout masks (`fit`'s `rDrop` option runs them). The paper's eq. 3
 * sums both cross-entropies, as here. The official code (dropreg/R-Drop) scales differently: the
 * mean of the two batch-mean cross-entropies plus α′ times the symmetric KL summed over the batch
 * and classes; that equals half of this loss with the 'mean' reduction and α = 2N·α′.
 * Label smoothing, when given, applies to both cross-entropies and not to the KL term.
 *
 * @param logits1 - float32 [N, C] logits of the first pass.
 * @param logits2 - float32 [N, C] logits of the second pass.
 * @param targets - int32 [N] class indices or float32 [N, C] probabilities, as for crossEntropy.
 * @param options - `alpha` (required, finite, ≥ 0), `labelSmoothing`, `reduction`.
 * @throws ArgumentRangeError for a bad `alpha`; LacunaError for an unknown option; ShapeError for
 *   logits that are not float32 [N, C] or differ in shape.
 * @example
 * ```ts
 * import { rDropLoss } from '@lacuna/layers';
 * import { tensor } from '@lacuna/tensor';
 * const y = tensor([0, 1], { dtype: 'int32' });
 * const z1 = tensor([[2, 0], [0, 2]]);
 * const z2 = tensor([[1, 0], [0, 3]]);
 * rDropLoss(z1, z2, y, { alpha: 0 }).item(); // 0.3078…: crossEntropy(z1, y) + crossEntropy(z2, y)
 * rDropLoss(z1, z2, y, { alpha: 1 }).item(); // 0.3632…
 * ```
 */
export function rDropLoss(
  logits1: Tensor,
  logits2: Tensor,
  targets: Tensor,
  options: RDropLossOptions,
): Tensor {
  checkLossOptions('rDropLoss', options, [
    'alpha',
    'labelSmoothing',
    'reduction',
  ] satisfies (keyof RDropLossOptions)[]);
  const alpha = checkAlpha('rDropLoss', 'alpha', options?.alpha);
  checkPair('rDropLoss', logits1, logits2);
  const reduction = checkReduction('rDropLoss', options.reduction);
  // Per example, so that the sum is reduced once; crossEntropy checks the targets and smoothing.
  const ce: CrossEntropyOptions = {
    labelSmoothing: options.labelSmoothing ?? 0,
    reduction: 'none',
  };
  const ces = add(crossEntropy(logits1, targets, ce), crossEntropy(logits2, targets, ce));
  const losses = alpha === 0 ? ces : add(ces, mul(perExampleKl(logits1, logits2), alpha));
  return reduce('rDropLoss', losses, reduction);
}

/**
 * Reads R-Drop's α: a finite number ≥ 0. @internal
 *
 * @param op - The op or option for the message.
 * @param name - The argument's name.
 * @param alpha - What came.
 */
export function checkAlpha(op: string, name: string, alpha: unknown): number {
  if (typeof alpha !== 'number' || !Number.isFinite(alpha) || alpha < 0)
    throw new ArgumentRangeError(op, name, `must be a finite number ≥ 0, got ${String(alpha)}`);
  return alpha;
}

/** ½ Σ_c (p − q)(log p − log q) per row: [N]. */
function perExampleKl(logits1: Tensor, logits2: Tensor): Tensor {
  const lp = logSoftmax(logits1, 1);
  const lq = logSoftmax(logits2, 1);
  return mul(sum(mul(sub(exp(lp), exp(lq)), sub(lp, lq)), 1), 0.5);
}

function checkPair(op: string, logits1: Tensor, logits2: Tensor): void {
  for (const [name, z] of [
    ['logits1', logits1],
    ['logits2', logits2],
  ] as const) {
    if (z.rank !== 2 || z.dtype !== 'float32')
      throw new ShapeError(
        op,
        name,
        `must be float32 with shape [N, C], got ${z.dtype} [${z.shape.join(',')}]`,
      );
  }
  if (logits1.shape[0] !== logits2.shape[0] || logits1.shape[1] !== logits2.shape[1])
    throw new ShapeError(
      op,
      'logits2',
      `must have logits1's shape [${logits1.shape.join(',')}], got [${logits2.shape.join(',')}]`,
    );
}
