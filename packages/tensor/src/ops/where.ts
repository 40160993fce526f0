import { getBackend } from '../backend/registry.js';
import { type DType, promote } from '../dtype.js';
import { DTypeError } from '../errors.js';
import { record } from '../record.js';
import { broadcastShapes, sizeOf } from '../shape.js';
import { allocateUnfilled } from '../storage.js';
import { Tensor } from '../tensor.js';
import type { TensorLike } from './binary.js';
import { scalarFor } from './creation.js';
import { checkTensor } from './util.js';

/** What where records: the condition that picked each element. */
export interface WhereSaved {
  /** The bool condition, as given (it broadcasts to the output's shape). */
  readonly condition: Tensor;
}

/**
 * Picks elementwise from `a` where `condition` is true and from `b` elsewhere; all three
 * broadcast together. Gradients flow to the operand that was picked.
 *
 * @param condition - A bool tensor.
 * @param a - Values where true (tensor or number).
 * @param b - Values where false (tensor or number).
 * @example
 * ```ts
 * import { greater, tensor, where } from '@lacuna/tensor';
 * const x = tensor([-1, 2, -3]);
 * where(greater(x, 0), x, 0).toArray(); // [0, 2, 0]
 * ```
 */
export function where(condition: Tensor, a: TensorLike, b: TensorLike): Tensor {
  checkTensor('where', 'condition', condition);
  if (condition.dtype !== 'bool') {
    throw new DTypeError(
      'where',
      'condition',
      `must have dtype bool (e.g. from greater()), got ${condition.dtype}`,
    );
  }
  const ta =
    typeof a === 'number'
      ? scalarFor(a, typeof b === 'number' ? 'float32' : checkTensor('where', 'b', b).dtype)
      : checkTensor('where', 'a', a);
  const tb = typeof b === 'number' ? scalarFor(b, ta.dtype) : checkTensor('where', 'b', b);
  const shape = broadcastShapes(
    broadcastShapes(condition.shape, ta.shape, 'where'),
    tb.shape,
    'where',
  );
  const dtype: DType = promote(ta.dtype, tb.dtype);
  const out = new Tensor(allocateUnfilled(dtype, sizeOf(shape)), shape, dtype);
  getBackend().where(condition.storage, ta.storage, tb.storage, out.storage, {
    condShape: condition.shape,
    aShape: ta.shape,
    bShape: tb.shape,
    outShape: shape,
  });
  return record('where', [ta, tb], out, { condition });
}
