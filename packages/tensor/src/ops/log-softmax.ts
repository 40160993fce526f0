import { getBackend } from '../backend/registry.js';
import { record } from '../record.js';
import { normalizeAxis, sizeOf } from '../shape.js';
import { allocateUnfilled } from '../storage.js';
import { Tensor } from '../tensor.js';
import { unaryOp } from './unary.js';
import { checkFloat } from './util.js';

/** What logSoftmax records for its gradient. */
export interface LogSoftmaxSaved {
  /** The softmax axis, non-negative. */
  readonly axis: number;
  /** The op's result, log softmax(x). */
  readonly output: Tensor;
}

/**
 * `log(softmax(x))` along `axis`, computed stably as `x - max - log(Σ exp(x - max))`.
 *
 * @param x - float32 logits.
 * @param axis - The class axis; defaults to the last.
 * @example
 * ```ts
 * import { logSoftmax, tensor } from '@lacuna/tensor';
 * logSoftmax(tensor([[0, 0]])).toArray(); // [[-0.693…, -0.693…]]
 * ```
 */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  checkFloat('logSoftmax', 'x', x);
  const ax = normalizeAxis('logSoftmax', axis, x.rank);
  const out = new Tensor(allocateUnfilled('float32', x.size), x.shape, 'float32');
  getBackend().logSoftmax(x.storage as Float32Array, out.storage as Float32Array, {
    outer: sizeOf(x.shape.slice(0, ax)),
    size: x.shape[ax] ?? 1,
    inner: sizeOf(x.shape.slice(ax + 1)),
  });
  return record('logSoftmax', [x], out, { axis: ax, output: out });
}

/**
 * Softmax along `axis`: `exp(x_i) / Σ_j exp(x_j)`, computed as `exp(logSoftmax(x))` so large
 * logits never overflow.
 *
 * @param x - float32 logits.
 * @param axis - The class axis; defaults to the last.
 * @example
 * ```ts
 * import { softmax, tensor } from '@lacuna/tensor';
 * softmax(tensor([1000, 1000])).toArray(); // [0.5, 0.5]
 * ```
 */
export function softmax(x: Tensor, axis = -1): Tensor {
  return unaryOp('exp', logSoftmax(x, axis));
}
