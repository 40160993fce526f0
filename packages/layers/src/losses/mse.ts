import { mul, ShapeError, sub, type Tensor } from '@lacuna/tensor';
import { checkLossOptions, type Reduction, reduce } from './reduction.js';

/**
 * Mean squared error `L = (1/n) Σ (predᵢ - targetᵢ)²` over all elements.
 *
 * @param pred - float32, any shape.
 * @param target - float32, the same shape as `pred`.
 * @example
 * ```ts
 * import { mseLoss } from '@lacuna/layers';
 * import { tensor } from '@lacuna/tensor';
 * mseLoss(tensor([1, 2]), tensor([1, 4])).item(); // 2
 * ```
 */
export function mseLoss(
  pred: Tensor,
  target: Tensor,
  options: { reduction?: Reduction } = {},
): Tensor {
  checkLossOptions('mseLoss', options);
  if (pred.shape.join() !== target.shape.join()) {
    throw new ShapeError(
      'mseLoss',
      'target',
      `must have pred's shape [${pred.shape.join(',')}], got [${target.shape.join(',')}]`,
    );
  }
  const d = sub(pred, target);
  return reduce('mseLoss', mul(d, d), options.reduction);
}
