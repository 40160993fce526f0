import type { Conv2dGeometry } from '../backend/backend.js';
import { getBackend } from '../backend/registry.js';
import { record } from '../record.js';
import { checkElementCount } from '../shape.js';
import { allocate, allocateUnfilled } from '../storage.js';
import { Tensor } from '../tensor.js';
import type { Pair } from './conv-geometry.js';
import { type PoolOptions, poolGeometry } from './pool-geometry.js';

/** What avgPool2d records: the geometry its gradient spreads over. */
export interface AvgPool2dSaved {
  /** Sizes, stride, padding and dilation of the pooling. */
  readonly geometry: Conv2dGeometry;
}

/**
 * 2-D average pooling over NCHW input; the divisor is the full window size (padding counts as
 * zeros, PyTorch's `count_include_pad=True`).
 *
 * @example
 * ```ts
 * import { avgPool2d, ones } from '@lacuna/tensor';
 * avgPool2d(ones([1, 1, 4, 4]), 2).toArray(); // [[[[1, 1], [1, 1]]]]
 * ```
 */
export function avgPool2d(x: Tensor, kernelSize: Pair, options: PoolOptions = {}): Tensor {
  const g = poolGeometry('avgPool2d', x, kernelSize, options, false);
  checkElementCount('avgPool2d', 'padding', [g.batch, g.channels, g.outH, g.outW]);
  const out = allocateUnfilled('float32', g.batch * g.channels * g.outH * g.outW);
  getBackend().avgPool2d(x.storage as Float32Array, g, out);
  return record(
    'avgPool2d',
    [x],
    new Tensor(out, [g.batch, g.channels, g.outH, g.outW], 'float32'),
    { geometry: g },
  );
}

/**
 * Gradient of {@link avgPool2d}: spreads each output gradient evenly over its window.
 *
 * @param grad - float32, the pooled shape.
 * @param g - The forward pass's geometry (its autograd node's `saved.geometry`).
 * @example
 * ```ts
 * import { avgPool2d, avgPool2dBackward, ones } from '@lacuna/tensor';
 * const x = ones([1, 1, 2, 2]);
 * x.requiresGrad = true;
 * const node = avgPool2d(x, 2).gradNode;
 * if (node?.op === 'avgPool2d' && !node.released) {
 *   avgPool2dBackward(ones([1, 1, 1, 1]), node.saved.geometry).toArray(); // [[[[0.25, 0.25], [0.25, 0.25]]]]
 * }
 * ```
 */
export function avgPool2dBackward(grad: Tensor, g: Conv2dGeometry): Tensor {
  const dx = allocate('float32', g.batch * g.channels * g.inH * g.inW);
  getBackend().avgPool2dBackward(grad.storage as Float32Array, g, dx);
  return new Tensor(dx, [g.batch, g.channels, g.inH, g.inW], 'float32');
}
