import {
  ArgumentRangeError,
  add,
  type Generator,
  matmul,
  ShapeError,
  type Tensor,
  uniform,
} from '@lacuna/tensor';
import { Module } from '../module.js';

/** Options of {@link Linear}. */
export interface LinearOptions {
  /** Draws the initial weights (and bias). */
  generator: Generator;
  /** Add a learned bias (default true). */
  bias?: boolean;
}

function checkFeatures(name: string, n: number): number {
  if (!Number.isInteger(n) || n < 1)
    throw new ArgumentRangeError('Linear', name, `must be a positive integer, got ${n}`);
  return n;
}

/**
 * Fully connected layer: `y = x·Wᵀ + b`.
 *
 * Shapes: x [N, inFeatures] → y [N, outFeatures]; W is [outFeatures, inFeatures] (PyTorch's
 * layout), b is [outFeatures]. The product uses matmul's `transB` flag, so W is never copied.
 * Initialised like PyTorch: W and b ~ U(-1/√inFeatures, 1/√inFeatures).
 *
 * @example
 * ```ts
 * import { Linear } from '@lacuna/layers';
 * import { Generator, ones } from '@lacuna/tensor';
 * const fc = new Linear(784, 128, { generator: new Generator(0) });
 * fc.forward(ones([32, 784])).shape; // [32, 128]
 * ```
 */
export class Linear extends Module {
  /** Weight, [outFeatures, inFeatures]. */
  readonly weight: Tensor;
  /** Bias, [outFeatures], or null. */
  readonly bias: Tensor | null;
  /** Input size. */
  readonly inFeatures: number;
  /** Output size. */
  readonly outFeatures: number;

  /**
   * @param inFeatures - Size of each input row.
   * @param outFeatures - Size of each output row.
   * @param options - `generator` for initialisation, `bias`.
   */
  constructor(inFeatures: number, outFeatures: number, options: LinearOptions) {
    super();
    this.inFeatures = checkFeatures('inFeatures', inFeatures);
    this.outFeatures = checkFeatures('outFeatures', outFeatures);
    const bound = 1 / Math.sqrt(inFeatures);
    const init = (shape: number[]) =>
      uniform(shape, { generator: options.generator, low: -bound, high: bound });
    this.weight = this.registerParameter('weight', init([outFeatures, inFeatures]));
    this.bias = options.bias === false ? null : this.registerParameter('bias', init([outFeatures]));
  }

  /** `x·Wᵀ + b` for x of shape [N, inFeatures]. */
  forward(x: Tensor): Tensor {
    if (x.rank !== 2 || x.shape[1] !== this.inFeatures) {
      throw new ShapeError(
        'Linear.forward',
        'x',
        `must have shape [N, ${this.inFeatures}], got [${x.shape.join(',')}]`,
      );
    }
    const y = matmul(x, this.weight, { transB: true });
    return this.bias ? add(y, this.bias) : y;
  }
}
