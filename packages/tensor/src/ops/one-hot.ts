import { ArgumentRangeError, DTypeError } from '../errors.js';
import { checkElementCount } from '../shape.js';
import { allocate } from '../storage.js';
import { Tensor } from '../tensor.js';
import { checkTensor } from './util.js';

/**
 * One-hot encoding: int32 class indices of shape S → float32 of shape [...S, numClasses].
 *
 * @param indices - int32 tensor of values in [0, numClasses).
 * @param numClasses - Number of classes (the new last dimension).
 * @example
 * ```ts
 * import { oneHot, tensor } from '@lacuna/tensor';
 * oneHot(tensor([0, 2], { dtype: 'int32' }), 3).toArray(); // [[1, 0, 0], [0, 0, 1]]
 * ```
 */
export function oneHot(indices: Tensor, numClasses: number): Tensor {
  checkTensor('oneHot', 'indices', indices);
  if (indices.dtype !== 'int32') {
    throw new DTypeError('oneHot', 'indices', `must have dtype int32, got ${indices.dtype}`);
  }
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw new ArgumentRangeError(
      'oneHot',
      'numClasses',
      `must be a positive integer, got ${numClasses}`,
    );
  }
  checkElementCount('oneHot', 'numClasses', [...indices.shape, numClasses]);
  const out = allocate('float32', indices.size * numClasses);
  for (let i = 0; i < indices.size; i++) {
    const c = indices.storage[i]!;
    if (c < 0 || c >= numClasses) {
      throw new ArgumentRangeError(
        'oneHot',
        'indices',
        `must lie in [0, ${numClasses}), got ${c} at flat index ${i}`,
      );
    }
    out[i * numClasses + c] = 1;
  }
  return new Tensor(out, [...indices.shape, numClasses], 'float32');
}
