import { ArgumentRangeError, DTypeError, oneHot, Tensor } from '@lacuna/tensor';
import type { Dataset } from './synthetic.js';

/** A batch transform for {@link DataLoader}: takes and returns `{ x, y }`. */
export type Transform = (batch: Dataset) => Dataset;

/**
 * Standardises inputs: `x ← (x - mean) / std` (MNIST: mean 0.1307, std 0.3081).
 *
 * @example
 * ```ts
 * import { normalize } from '@lacuna/datasets';
 * const t = normalize(0.1307, 0.3081);
 * ```
 */
export function normalize(mean: number, std: number): Transform {
  if (!Number.isFinite(mean))
    throw new ArgumentRangeError('normalize', 'mean', `must be finite, got ${mean}`);
  if (!(std > 0) || !Number.isFinite(std))
    throw new ArgumentRangeError(
      'normalize',
      'std',
      `must be a positive finite number, got ${std}`,
    );
  return ({ x, y }) => {
    if (x.dtype !== 'float32')
      throw new DTypeError('normalize', 'x', `must be float32, got ${x.dtype}`);
    const out = new Float32Array(x.size);
    for (let i = 0; i < out.length; i++) out[i] = (x.storage[i]! - mean) / std;
    return { x: new Tensor(out, x.shape, 'float32'), y };
  };
}

/**
 * Flattens each example: [N, ...] → [N, product] (a view).
 *
 * @example
 * ```ts
 * import { flattenInputs } from '@lacuna/datasets';
 * const t = flattenInputs(); // [N, 28, 28] → [N, 784]
 * ```
 */
export function flattenInputs(): Transform {
  return ({ x, y }) => ({
    x: new Tensor(x.storage, [x.shape[0]!, x.size / Math.max(x.shape[0]!, 1)], x.dtype),
    y,
  });
}

/**
 * One-hot encodes int32 labels [N] into float32 [N, numClasses].
 *
 * @example
 * ```ts
 * import { oneHotLabels } from '@lacuna/datasets';
 * const t = oneHotLabels(10);
 * ```
 */
export function oneHotLabels(numClasses: number): Transform {
  if (!Number.isInteger(numClasses) || numClasses < 1)
    throw new ArgumentRangeError(
      'oneHotLabels',
      'numClasses',
      `must be a positive integer, got ${numClasses}`,
    );
  return ({ x, y }) => ({ x, y: oneHot(y, numClasses) });
}

/**
 * Applies transforms left to right.
 *
 * @example
 * ```ts
 * import { compose, flattenInputs, normalize } from '@lacuna/datasets';
 * const t = compose(flattenInputs(), normalize(0.1307, 0.3081));
 * ```
 */
export function compose(...transforms: Transform[]): Transform {
  return (batch) => transforms.reduce((b, t) => t(b), batch);
}
