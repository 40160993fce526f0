import type { Tensor } from '@lacuna/tensor';
import { initLinear, linearForward } from '../modules/linear.js';
import {
  VARIATIONAL_KEYS,
  VariationalDropoutLayer,
  type VariationalDropoutOptions,
} from './variational.js';

/**
 * A fully connected layer with variational dropout (Kingma, Salimans & Welling 2015,
 * "Variational Dropout and the Local Reparameterization Trick"): Gaussian multiplicative weight
 * noise `w = θ·ξ`, `ξ ~ N(1, α)`, with α learned per layer, per output unit or per weight.
 *
 * Training (and MC dropout): each pre-activation is sampled directly (local reparameterisation),
 * `y = μ + σ·ε`, `μ = x·θᵀ + b`, `σ² = x²·(α⊙θ²)ᵀ`, ε ~ N(0, 1) per element of y, fresh every
 * call. Inference: `y = x·θᵀ + b` (the mean weights). The bias carries no noise.
 * {@link VariationalDropoutLayer.lossTerm} is the paper's KL approximation summed over the weights
 * and divided by `datasetSize`; train with `fit(model, { regularization: true, ... })`. See
 * {@link VariationalDropoutLayer} for the α ≤ 1 rule.
 *
 * Shapes: x [N, inFeatures] → y [N, outFeatures]; θ [outFeatures, inFeatures]; `log_alpha` [1],
 * [outFeatures] or [outFeatures, inFeatures]. The generator initialises θ and b like Linear
 * (U(−1/√in, 1/√in)) and then draws ε.
 *
 * @example
 * ```ts
 * import { VariationalLinear } from '@lacuna/layers';
 * import { Generator, ones } from '@lacuna/tensor';
 * const fc = new VariationalLinear(16, 4, { generator: new Generator(0), datasetSize: 60000, alpha: 'unit' });
 * fc.forward(ones([8, 16])).shape; // [8, 4], sampled
 * fc.lossTerm().item(); // Σ KL / 60000
 * fc.eval().forward(ones([8, 16])); // x·θᵀ + b
 * ```
 */
export class VariationalLinear extends VariationalDropoutLayer {
  /** Input size. */
  readonly inFeatures: number;
  /** Output size. */
  readonly outFeatures: number;

  /**
   * @param inFeatures - Input size.
   * @param outFeatures - Output size.
   * @param options - `generator`, `datasetSize` (required), `alpha`, `initLogAlpha`, `bias`.
   */
  constructor(inFeatures: number, outFeatures: number, options: VariationalDropoutOptions) {
    super('VariationalLinear', options, VARIATIONAL_KEYS);
    const op = 'VariationalLinear';
    this.registerWeights(initLinear(op, inFeatures, outFeatures, options.generator, this.hasBias));
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
  }

  /** `x·θᵀ + b` for x [N, inFeatures]. */
  protected affine(x: Tensor, weight: Tensor, bias: Tensor | null): Tensor {
    return linearForward('VariationalLinear.forward', x, weight, bias);
  }
}
