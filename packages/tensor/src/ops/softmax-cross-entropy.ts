import type { SoftmaxCrossEntropyParams } from '../backend/backend.js';
import { getBackend } from '../backend/registry.js';
import { ArgumentRangeError, DTypeError, fmtShape, ShapeError } from '../errors.js';
import { checkOptionKeys, describeValue, optionEnum, optionKeys } from '../options.js';
import { record, willRecord } from '../record.js';
import { allocateUnfilled } from '../storage.js';
import { Tensor } from '../tensor.js';
import { checkTensor } from './util.js';

/** How per-example losses are combined: their mean (default), their sum, or none. */
export type LossReduction = 'mean' | 'sum' | 'none';

/** Options of {@link softmaxCrossEntropy}. */
export interface SoftmaxCrossEntropyOptions {
  /** ε in [0, 1): the target becomes (1-ε)·t + ε/C (Szegedy et al. 2016). Default 0. */
  labelSmoothing?: number;
  /** `'mean'` (default), `'sum'` or `'none'` (one loss per example). */
  reduction?: LossReduction;
}

/** What softmaxCrossEntropy records: the targets and options (the logits are the node's input). */
export interface SoftmaxCrossEntropySaved {
  /** int32 [N] class indices or float32 [N, C] probabilities. */
  readonly targets: Tensor;
  /** ε of the label smoothing (0 for none). */
  readonly labelSmoothing: number;
  /** How the per-example losses were combined. */
  readonly reduction: LossReduction;
  /** Each row's log Σ exp(z) in float64 (softmax = exp(z − lse) in backward, no second pass). */
  readonly logSumExps: Float64Array;
}

const KEYS = optionKeys<SoftmaxCrossEntropyOptions>({ labelSmoothing: true, reduction: true });
const OP = 'softmaxCrossEntropy';

/** Checks logits [N, C] and targets (int32 [N] in [0, C) or float32 [N, C]). */
function checkOperands(logits: Tensor, targets: Tensor): void {
  checkTensor(OP, 'logits', logits);
  checkTensor(OP, 'targets', targets);
  if (logits.rank !== 2 || logits.dtype !== 'float32') {
    throw new ShapeError(
      OP,
      'logits',
      `must be float32 with shape [N, C], got ${logits.dtype} ${fmtShape(logits.shape)}`,
    );
  }
  const [n, c] = logits.shape as [number, number];
  if (targets.dtype === 'int32') {
    if (targets.rank !== 1 || targets.shape[0] !== n) {
      throw new ShapeError(
        OP,
        'targets',
        `as class indices must have shape [${n}], got ${fmtShape(targets.shape)}`,
      );
    }
    for (let i = 0; i < n; i++) {
      const y = targets.storage[i]!;
      if (y < 0 || y >= c) {
        throw new ArgumentRangeError(
          OP,
          'targets',
          `must be class indices in [0, ${c}), got ${y} at index ${i}`,
        );
      }
    }
  } else if (targets.dtype !== 'float32') {
    throw new DTypeError(
      OP,
      'targets',
      `must be int32 class indices or float32 probabilities, got ${targets.dtype}`,
    );
  } else if (targets.rank !== 2 || targets.shape[0] !== n || targets.shape[1] !== c) {
    throw new ShapeError(
      OP,
      'targets',
      `as probabilities must have shape [${n}, ${c}], got ${fmtShape(targets.shape)}`,
    );
  }
}

/** The kernels' parameters from validated operands and options. */
function params(
  logits: Tensor,
  targets: Tensor,
  labelSmoothing: number,
  reduction: LossReduction,
): SoftmaxCrossEntropyParams {
  const [n, c] = logits.shape as [number, number];
  return { n, c, probabilities: targets.dtype === 'float32', labelSmoothing, reduction };
}

/**
 * Cross-entropy of targets under softmax(logits), log-softmax and negative log-likelihood as one
 * op: `Lᵢ = −Σ_c tᵢ꜀·log softmax(zᵢ)꜀`, reduced by the mean (default), the sum, or not at all.
 * Its one gradient rule is `dz = g·(softmax(z)·Σ_c t꜀ − t)` (softmax − onehot for class indices),
 * scaled by 1/N for the mean.
 *
 * Targets are int32 class indices [N] (t one-hot: only the target entry is read) or float32
 * probabilities [N, C]; with label smoothing ε the target becomes (1-ε)·t + ε/C. Each row is
 * computed in float64 (stable log-sum-exp) and the result rounded once to float32.
 *
 * Infinite logits follow PyTorch: a wrong class at −∞ has probability 0 and leaves the loss finite
 * with a zero gradient; the target class at −∞ (or any class with target mass ε/C under
 * smoothing) gives +∞ with a finite gradient; a row holding +∞, NaN or only −∞ gives NaN. With
 * probability targets a class with target 0 contributes 0 even at −∞ (0·log 0 = 0).
 *
 * @param logits - float32 [N, C] unnormalised scores.
 * @param targets - int32 [N] class indices or float32 [N, C] probabilities.
 * @param options - `labelSmoothing` (ε in [0, 1), default 0), `reduction` (`'mean'`, `'sum'`,
 *   `'none'`).
 * @returns A scalar (mean, sum) or [N] (none).
 * @throws ShapeError, DTypeError or ArgumentRangeError for logits or targets that do not fit, and
 *   LacunaError for unknown option keys or a bad reduction.
 * @example
 * ```ts
 * import { softmaxCrossEntropy, tensor } from '@lacuna/tensor';
 * const logits = tensor([[2, 0], [0, 2]]);
 * softmaxCrossEntropy(logits, tensor([0, 1], { dtype: 'int32' })).item(); // 0.1269…
 * softmaxCrossEntropy(logits, tensor([[0.5, 0.5], [0.5, 0.5]])).item();   // 1.1269…
 * ```
 */
export function softmaxCrossEntropy(
  logits: Tensor,
  targets: Tensor,
  options: SoftmaxCrossEntropyOptions = {},
): Tensor {
  checkOptionKeys(OP, options, KEYS);
  checkOperands(logits, targets);
  const eps = options.labelSmoothing ?? 0;
  if (typeof eps !== 'number' || !(eps >= 0 && eps < 1)) {
    throw new ArgumentRangeError(
      OP,
      'labelSmoothing',
      `must lie in [0, 1), got ${typeof eps === 'number' ? eps : describeValue(eps)}`,
    );
  }
  const reduction = optionEnum(OP, 'reduction', options.reduction, ['mean', 'sum', 'none'], 'mean');
  const p = params(logits, targets, eps, reduction);
  const shape = reduction === 'none' ? [p.n] : [];
  const out = new Tensor(
    allocateUnfilled('float32', reduction === 'none' ? p.n : 1),
    shape,
    'float32',
  );
  // Kept for backward only when it will run: inference allocates nothing but the output.
  const logSumExps = willRecord([logits]) ? new Float64Array(p.n) : null;
  getBackend().softmaxCrossEntropy(
    logits.storage as Float32Array,
    targets.storage as Int32Array | Float32Array,
    out.storage as Float32Array,
    logSumExps,
    p,
  );
  if (!logSumExps) return out;
  return record(OP, [logits], out, { targets, labelSmoothing: eps, reduction, logSumExps });
}

/**
 * The backward pass of a recorded {@link softmaxCrossEntropy}: the gradient with respect to the
 * logits, `dzᵢ = gᵢ·(softmax(zᵢ)·Σ_c tᵢ꜀ − tᵢ)`, with gᵢ = g/N for the mean, g for the sum and
 * the row's own gradient for none. Softmax is exp(z − lse) with the row's log-sum-exp the forward
 * pass saved.
 *
 * @param grad - Gradient of the op's output: a scalar, or [N] for reduction `'none'`.
 * @param logits - The op's logits [N, C].
 * @param saved - The node's saved values (`output.gradNode.saved`).
 * @example
 * ```ts
 * import { ones, softmaxCrossEntropy, softmaxCrossEntropyBackward, tensor } from '@lacuna/tensor';
 * const logits = tensor([[0, 0]]);
 * logits.requiresGrad = true;
 * const node = softmaxCrossEntropy(logits, tensor([1], { dtype: 'int32' })).gradNode;
 * if (node?.op === 'softmaxCrossEntropy' && !node.released) {
 *   softmaxCrossEntropyBackward(ones([]), logits, node.saved).toArray(); // [[0.5, -0.5]]
 * }
 * ```
 */
export function softmaxCrossEntropyBackward(
  grad: Tensor,
  logits: Tensor,
  saved: SoftmaxCrossEntropySaved,
): Tensor {
  const { targets, labelSmoothing, reduction, logSumExps } = saved;
  const dx = new Tensor(allocateUnfilled('float32', logits.size), logits.shape, 'float32');
  getBackend().softmaxCrossEntropyBackward(
    grad.storage as Float32Array,
    logits.storage as Float32Array,
    targets.storage as Int32Array | Float32Array,
    logSumExps,
    dx.storage as Float32Array,
    params(logits, targets, labelSmoothing, reduction),
  );
  return dx;
}
