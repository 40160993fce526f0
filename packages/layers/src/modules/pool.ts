import {
  avgPool2d,
  flatten,
  maxPool2d,
  optionKeys,
  type Pair,
  type PoolOptions,
  type Tensor,
} from '@lacuna/tensor';
import { Module } from '../module.js';
import { checkLayerOptions, checkPair, integer } from '../validate.js';

const MAX_POOL_KEYS = optionKeys<PoolOptions>({ stride: true, padding: true, dilation: true });
const AVG_POOL_KEYS = optionKeys<Omit<PoolOptions, 'dilation'>>({ stride: true, padding: true });

/**
 * Checks a pooling layer's window and options at construction and copies them, so a bad stride or
 * an unsupported option (`ceilMode`) fails here rather than at the first forward.
 */
function poolConfig(
  op: string,
  kernelSize: unknown,
  options: unknown,
  known: readonly string[],
): { kernelSize: Pair; options: PoolOptions } {
  checkLayerOptions(op, options, known, false);
  const o = (options ?? {}) as PoolOptions;
  return {
    kernelSize: checkPair(op, 'kernelSize', kernelSize, 1),
    options: Object.freeze({
      ...(o.stride === undefined ? {} : { stride: checkPair(op, 'stride', o.stride, 1) }),
      ...(o.padding === undefined ? {} : { padding: checkPair(op, 'padding', o.padding, 0) }),
      ...(o.dilation === undefined ? {} : { dilation: checkPair(op, 'dilation', o.dilation, 1) }),
    }),
  };
}

/**
 * 2-D max pooling as a module (see `maxPool2d` in @lacuna/tensor).
 *
 * @example
 * ```ts
 * import { MaxPool2d } from '@lacuna/layers';
 * import { ones } from '@lacuna/tensor';
 * new MaxPool2d(2).forward(ones([1, 3, 8, 8])).shape; // [1, 3, 4, 4]
 * ```
 */
export class MaxPool2d extends Module {
  /**
   * @param kernelSize - Window size.
   * @param options - `stride` (default kernelSize), `padding`, `dilation`.
   */
  constructor(kernelSize: Pair, options: PoolOptions = {}) {
    super();
    const config = poolConfig('MaxPool2d', kernelSize, options, MAX_POOL_KEYS);
    this.kernelSize = config.kernelSize;
    this.options = config.options;
  }

  /** Window size. */
  readonly kernelSize: Pair;
  /** `stride`, `padding`, `dilation` (a checked, frozen copy). */
  readonly options: PoolOptions;

  /** Pools x. */
  forward(x: Tensor): Tensor {
    return maxPool2d(x, this.kernelSize, this.options);
  }
}

/**
 * 2-D average pooling as a module (see `avgPool2d` in @lacuna/tensor).
 *
 * @example
 * ```ts
 * import { AvgPool2d } from '@lacuna/layers';
 * import { ones } from '@lacuna/tensor';
 * new AvgPool2d(2).forward(ones([1, 3, 8, 8])).shape; // [1, 3, 4, 4]
 * ```
 */
export class AvgPool2d extends Module {
  /**
   * @param kernelSize - Window size.
   * @param options - `stride` (default kernelSize), `padding`.
   */
  constructor(kernelSize: Pair, options: Omit<PoolOptions, 'dilation'> = {}) {
    super();
    // Average pooling has no dilation: it is an unknown option here.
    const config = poolConfig('AvgPool2d', kernelSize, options, AVG_POOL_KEYS);
    this.kernelSize = config.kernelSize;
    this.options = config.options;
  }

  /** Window size. */
  readonly kernelSize: Pair;
  /** `stride`, `padding` (a checked, frozen copy). */
  readonly options: Omit<PoolOptions, 'dilation'>;

  /** Pools x. */
  forward(x: Tensor): Tensor {
    return avgPool2d(x, this.kernelSize, this.options);
  }
}

/**
 * Flattens every axis from `startAxis` on (default 1: [N, C, H, W] → [N, C·H·W]), as a view.
 *
 * @example
 * ```ts
 * import { Flatten } from '@lacuna/layers';
 * import { ones } from '@lacuna/tensor';
 * new Flatten().forward(ones([2, 3, 4, 4])).shape; // [2, 48]
 * ```
 */
export class Flatten extends Module {
  /** @param startAxis - First axis to merge. */
  constructor(readonly startAxis = 1) {
    super();
    integer('Flatten', 'startAxis', startAxis);
  }

  /** Flattens x. */
  forward(x: Tensor): Tensor {
    return flatten(x, this.startAxis);
  }
}
