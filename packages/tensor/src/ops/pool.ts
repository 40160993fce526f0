import type { Conv2dGeometry } from '../backend/backend.js';
import { getBackend } from '../backend/registry.js';
import { ArgumentRangeError } from '../errors.js';
import { checkOptionKeys, optionKeys } from '../options.js';
import { record } from '../record.js';
import { checkElementCount } from '../shape.js';
import { Tensor } from '../tensor.js';
import { checkNCHW, geometry, type Pair, pair } from './conv-geometry.js';
import { checkFloat } from './util.js';

/** Options of the pooling ops. */
export interface PoolOptions {
  /** Step between windows; defaults to the kernel size (non-overlapping windows). */
  stride?: Pair;
  /** Padding on each side, at most half the kernel (default 0). */
  padding?: Pair;
  /** Spacing between window taps (max pooling only; default 1). */
  dilation?: Pair;
}

const POOL_KEYS = optionKeys<PoolOptions>({ stride: true, padding: true, dilation: true });

function poolGeometry(
  op: string,
  x: Tensor,
  kernelSize: Pair,
  options: PoolOptions,
  allowDilation: boolean,
): Conv2dGeometry {
  // Strict keys: `ceilMode`, say, is not supported and must not be silently ignored.
  checkOptionKeys(op, options, POOL_KEYS);
  const shape = checkNCHW(op, 'x', checkFloat(op, 'x', x));
  const kernel = pair(op, 'kernelSize', kernelSize, 1);
  const padding = pair(op, 'padding', options.padding ?? 0, 0);
  if (padding[0] > kernel[0] / 2 || padding[1] > kernel[1] / 2) {
    throw new ArgumentRangeError(
      op,
      'padding',
      `must be at most half the kernel size [${kernel.join(',')}], got [${padding.join(',')}]`,
    );
  }
  if (!allowDilation && options.dilation !== undefined) {
    throw new ArgumentRangeError(op, 'dilation', 'is not supported by average pooling');
  }
  return geometry(
    op,
    shape,
    shape[1],
    kernel,
    pair(op, 'stride', options.stride ?? kernelSize, 1),
    padding,
    pair(op, 'dilation', options.dilation ?? 1, 1),
  );
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
  const out = new Float32Array(size);
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
  const out = new Float32Array(g.batch * g.channels * g.outH * g.outW);
  getBackend().avgPool2d(x.storage as Float32Array, g, out);
  return record(
    'avgPool2d',
    [x],
    new Tensor(out, [g.batch, g.channels, g.outH, g.outW], 'float32'),
    { geometry: g },
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
 * const y = maxPool2d(x, 2);
 * maxPool2dBackward(ones(y.shape), y.gradNode!.saved.argmax as Int32Array, x.shape);
 * ```
 */
export function maxPool2dBackward(
  grad: Tensor,
  argmax: Int32Array,
  inputShape: readonly number[],
): Tensor {
  const dx = new Float32Array(inputShape.reduce((a, d) => a * d, 1));
  getBackend().maxPool2dBackward(grad.storage as Float32Array, argmax, dx);
  return new Tensor(dx, inputShape, 'float32');
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
 * const y = avgPool2d(x, 2);
 * avgPool2dBackward(ones(y.shape), y.gradNode!.saved.geometry as never); // 0.25 everywhere
 * ```
 */
export function avgPool2dBackward(grad: Tensor, g: Conv2dGeometry): Tensor {
  const dx = new Float32Array(g.batch * g.channels * g.inH * g.inW);
  getBackend().avgPool2dBackward(grad.storage as Float32Array, g, dx);
  return new Tensor(dx, [g.batch, g.channels, g.inH, g.inW], 'float32');
}
