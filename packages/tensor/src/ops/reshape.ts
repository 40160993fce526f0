import { fmtShape, ShapeError } from '../errors.js';
import { record } from '../record.js';
import { type Shape, sizeOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import { checkTensor } from './util.js';

/** What reshape records: the shape its gradient takes back. */
export interface ReshapeSaved {
  /** The input's shape. */
  readonly inputShape: Shape;
}

/**
 * The same elements under a new shape, as a view sharing storage (no copy). One dimension may be
 * `-1` and is inferred.
 *
 * @param x - Any tensor.
 * @param shape - The new shape; its size must equal `x.size`.
 * @example
 * ```ts
 * import { reshape, arange } from '@lacuna/tensor';
 * reshape(arange(6), [2, -1]).shape; // [2, 3]
 * ```
 */
export function reshape(x: Tensor, shape: Shape): Tensor {
  checkTensor('reshape', 'x', x);
  const bad = () =>
    new ShapeError(
      'reshape',
      'shape',
      `${fmtShape(shape)} does not fit the ${x.size} elements of ${fmtShape(x.shape)}`,
    );
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= -1)) throw bad();
  const unknown = shape.filter((d) => d === -1).length;
  if (unknown > 1)
    throw new ShapeError('reshape', 'shape', `may contain at most one -1, got ${fmtShape(shape)}`);
  let resolved = [...shape];
  if (unknown === 1) {
    const known = sizeOf(shape.filter((d) => d !== -1));
    if (known === 0 || x.size % known !== 0) throw bad();
    resolved = shape.map((d) => (d === -1 ? x.size / known : d));
  }
  if (sizeOf(resolved) !== x.size) throw bad();
  const out = new Tensor(x.storage, resolved, x.dtype);
  return record('reshape', [x], out, { inputShape: x.shape });
}

/**
 * Collapses dimensions `startAxis..` into one (a view): [N, C, H, W] → [N, C·H·W] by default.
 *
 * @example
 * ```ts
 * import { flatten, zeros } from '@lacuna/tensor';
 * flatten(zeros([2, 3, 4])).shape; // [2, 12]
 * ```
 */
export function flatten(x: Tensor, startAxis = 1): Tensor {
  checkTensor('flatten', 'x', x);
  if (!Number.isInteger(startAxis) || startAxis < 0 || startAxis > x.rank) {
    throw new ShapeError(
      'flatten',
      'startAxis',
      `must be an integer in [0, ${x.rank}], got ${startAxis}`,
    );
  }
  return reshape(x, [...x.shape.slice(0, startAxis), sizeOf(x.shape.slice(startAxis))]);
}
