import { getBackend } from '../backend/registry.js';
import { fmtShape, ShapeError } from '../errors.js';
import { record } from '../record.js';
import {
  broadcastShapes,
  broadcastStrides,
  checkShape,
  type Shape,
  sameShape,
  sizeOf,
} from '../shape.js';
import { allocateUnfilled } from '../storage.js';
import { Tensor } from '../tensor.js';
import { checkTensor } from './util.js';

/**
 * Expands `x` to `shape` by NumPy broadcasting (size-1 axes repeat, missing leading axes are
 * added). A copy.
 *
 * @example
 * ```ts
 * import { broadcastTo, tensor } from '@lacuna/tensor';
 * broadcastTo(tensor([1, 2]), [2, 2]).toArray(); // [[1, 2], [1, 2]]
 * ```
 */
export function broadcastTo(x: Tensor, shape: Shape): Tensor {
  checkTensor('broadcastTo', 'x', x);
  checkShape('broadcastTo', 'shape', shape);
  const fits =
    x.rank <= shape.length && sameShape(broadcastShapes(x.shape, shape, 'broadcastTo'), shape);
  if (!fits) {
    throw new ShapeError(
      'broadcastTo',
      'shape',
      `${fmtShape(shape)} is not a broadcast of x's shape ${fmtShape(x.shape)}`,
    );
  }
  const out = new Tensor(allocateUnfilled(x.dtype, sizeOf(shape)), shape, x.dtype);
  getBackend().copyStrided(x.storage, 0, broadcastStrides(x.shape, shape), shape, out.storage);
  return record('broadcastTo', [x], out, {});
}
