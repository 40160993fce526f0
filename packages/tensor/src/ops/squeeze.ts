import { fmtShape, ShapeError } from '../errors.js';
import { normalizeAxis } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { reshape } from './reshape.js';
import { checkTensor } from './util.js';

/**
 * Removes size-1 axes (all of them, or just `axis`, which must have size 1). A view.
 *
 * @example
 * ```ts
 * import { squeeze, zeros } from '@lacuna/tensor';
 * squeeze(zeros([1, 3, 1])).shape;    // [3]
 * squeeze(zeros([1, 3, 1]), 0).shape; // [3, 1]
 * ```
 */
export function squeeze(x: Tensor, axis?: number): Tensor {
  checkTensor('squeeze', 'x', x);
  if (axis === undefined)
    return reshape(
      x,
      x.shape.filter((d) => d !== 1),
    );
  const a = normalizeAxis('squeeze', axis, x.rank);
  if (x.shape[a] !== 1) {
    throw new ShapeError(
      'squeeze',
      'axis',
      `must name a size-1 axis, but axis ${axis} of ${fmtShape(x.shape)} has size ${x.shape[a]}`,
    );
  }
  return reshape(
    x,
    x.shape.filter((_, i) => i !== a),
  );
}

/**
 * Inserts a size-1 axis at position `axis` (in the result; negative counts from the end). A view.
 *
 * @example
 * ```ts
 * import { unsqueeze, zeros } from '@lacuna/tensor';
 * unsqueeze(zeros([3]), 0).shape;  // [1, 3]
 * unsqueeze(zeros([3]), -1).shape; // [3, 1]
 * ```
 */
export function unsqueeze(x: Tensor, axis: number): Tensor {
  checkTensor('unsqueeze', 'x', x);
  const a = normalizeAxis('unsqueeze', axis, x.rank + 1);
  return reshape(x, [...x.shape.slice(0, a), 1, ...x.shape.slice(a)]);
}
