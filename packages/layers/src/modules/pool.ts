import {
  avgPool2d,
  flatten,
  maxPool2d,
  type Pair,
  type PoolOptions,
  type Tensor,
} from '@lacuna/tensor';
import { Module } from '../module.js';

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
  constructor(
    readonly kernelSize: Pair,
    readonly options: PoolOptions = {},
  ) {
    super();
  }

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
  constructor(
    readonly kernelSize: Pair,
    readonly options: PoolOptions = {},
  ) {
    super();
  }

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
  }

  /** Flattens x. */
  forward(x: Tensor): Tensor {
    return flatten(x, this.startAxis);
  }
}
