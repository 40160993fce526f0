import {
  type LinearOptions as FusedOptions,
  type Generator,
  linear,
  optionBoolean,
  optionKeys,
  ShapeError,
  type Tensor,
  uniform,
} from '@lacuna/tensor';
import { Module } from '../module.js';
import { checkLayerOptions, positiveInteger, requireGenerator } from '../validate.js';

/** Options of {@link Linear}. */
export interface LinearOptions {
  /** Draws the initial weights (and bias). */
  generator: Generator;
  /** Add a learned bias (default true). */
  bias?: boolean;
}

const LINEAR_KEYS = optionKeys<LinearOptions>({ generator: true, bias: true });

/** Checks the sizes and draws W [out, in] and b [out] ~ U(-1/√in, 1/√in), PyTorch's default. @internal */
export function initLinear(
  op: string,
  inFeatures: number,
  outFeatures: number,
  generator: Generator,
  bias: boolean,
): { weight: Tensor; bias: Tensor | null } {
  positiveInteger(op, 'inFeatures', inFeatures);
  positiveInteger(op, 'outFeatures', outFeatures);
  requireGenerator(op, generator);
  const bound = 1 / Math.sqrt(inFeatures);
  const init = (shape: number[]) => uniform(shape, { generator, low: -bound, high: bound });
  return { weight: init([outFeatures, inFeatures]), bias: bias ? init([outFeatures]) : null };
}

/**
 * `drop(act(x·Wᵀ + b))` for x [N, in] as one fused `linear` op (`options`: its activation and
 * dropout), with the shape check (naming the layer) both fully connected layers share. @internal
 */
export function linearForward(
  op: string,
  x: Tensor,
  weight: Tensor,
  bias: Tensor | null,
  options: FusedOptions = {},
): Tensor {
  const inFeatures = weight.shape[1]!;
  if (x.rank !== 2 || x.shape[1] !== inFeatures) {
    throw new ShapeError(op, 'x', `must have shape [N, ${inFeatures}], got [${x.shape.join(',')}]`);
  }
  return linear(x, weight, bias, options);
}

/**
 * Fully connected layer: `y = x·Wᵀ + b`.
 *
 * Shapes: x [N, inFeatures] → y [N, outFeatures]; W is [outFeatures, inFeatures] (PyTorch's
 * layout), b is [outFeatures]. One fused `linear` op from @lacuna/tensor computes it (bias added
 * as each output tile is finished; W read transposed in place, never copied), with the bits of
 * matmul then add.
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
    // Randomness is explicit: no generator is an error naming the option, not a TypeError.
    checkLayerOptions('Linear', options, LINEAR_KEYS, true);
    const init = initLinear(
      'Linear',
      inFeatures,
      outFeatures,
      options.generator,
      optionBoolean('Linear', 'bias', options.bias, true),
    );
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    this.weight = this.registerParameter('weight', init.weight);
    this.bias = init.bias ? this.registerParameter('bias', init.bias) : null;
  }

  /** `x·Wᵀ + b` for x of shape [N, inFeatures]. */
  forward(x: Tensor): Tensor {
    return linearForward('Linear.forward', x, this.weight, this.bias);
  }
}
