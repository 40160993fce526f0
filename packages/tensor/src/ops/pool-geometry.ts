import type { Conv2dGeometry } from '../backend/backend.js';
import { ArgumentRangeError } from '../errors.js';
import { checkOptionKeys, optionKeys } from '../options.js';
import type { Tensor } from '../tensor.js';
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

/** Validates a pooling call and returns its window geometry. @internal */
export function poolGeometry(
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
