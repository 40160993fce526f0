import { getBackend } from '../backend/registry.js';
import { record } from '../record.js';
import { checkElementCount } from '../shape.js';
import { allocate, allocateUnfilled } from '../storage.js';
import { Tensor } from '../tensor.js';
import type { Pair } from './conv-geometry.js';
import { type PoolOptions, poolGeometry } from './pool-geometry.js';

/** What maxPool2d records: each output's winner. */
export interface MaxPool2dSaved {
  /** Flat input index of each output's largest element. */
  readonly argmax: Int32Array;
}

/**
 * 2-D max pooling over NCHW input: each output is the largest input in its window (padding never
 * wins). Gradients flow to that element.
 *
 * @param x - float32 [N, C, H, W].
 * @param kernelSize - Window size.
 * @param options - `stride` (default kernelSize), `padding`, `dilation`.
 * @example
 * ```ts
 * import { arange, maxPool2d, reshape } from '@lacuna/tensor';
 * maxPool2d(reshape(arange(16), [1, 1, 4, 4]), 2).toArray(); // [[[[5, 7], [13, 15]]]]
 * ```
 */
export function maxPool2d(x: Tensor, kernelSize: Pair, options: PoolOptions = {}): Tensor {
  const g = poolGeometry('maxPool2d', x, kernelSize, options, true);
  checkElementCount('maxPool2d', 'padding', [g.batch, g.channels, g.outH, g.outW]);
  const size = g.batch * g.channels * g.outH * g.outW;
  const out = allocateUnfilled('float32', size);
  const argmax = new Int32Array(size);
  getBackend().maxPool2d(x.storage as Float32Array, g, out, argmax);
  return record(
    'maxPool2d',
    [x],
    new Tensor(out, [g.batch, g.channels, g.outH, g.outW], 'float32'),
    { argmax },
  );
}

/**
 * Gradient of {@link maxPool2d}: scatters each output gradient to its window's winner.
 *
 * @param grad - float32, the pooled shape.
 * @param argmax - The winners saved by the forward pass (its autograd node's `saved.argmax`).
 * @param inputShape - The forward input's shape.
 * @example
 * ```ts
 * import { maxPool2d, maxPool2dBackward, ones } from '@lacuna/tensor';
 * const x = ones([1, 1, 2, 2]);
 * x.requiresGrad = true;
 * const node = maxPool2d(x, 2).gradNode;
 * if (node?.op === 'maxPool2d' && !node.released) {
 *   maxPool2dBackward(ones([1, 1, 1, 1]), node.saved.argmax, x.shape).toArray(); // [[[[1, 0], [0, 0]]]]
 * }
 * ```
 */
export function maxPool2dBackward(
  grad: Tensor,
  argmax: Int32Array,
  inputShape: readonly number[],
): Tensor {
  const dx = allocate(
    'float32',
    inputShape.reduce((a, d) => a * d, 1),
  );
  getBackend().maxPool2dBackward(grad.storage as Float32Array, argmax, dx);
  return new Tensor(dx, inputShape, 'float32');
}
