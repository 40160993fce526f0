import { exp, type Generator, linear, mul, optionBoolean, type Tensor } from '@lacuna/tensor';
import { initLinear, linearForward } from '../modules/linear.js';
import {
  sampleLocal,
  VARIATIONAL_KEYS,
  VariationalDropoutLayer,
  type VariationalDropoutOptions,
} from './variational.js';

/**
 * The variational fully connected map: `μ = x·θᵀ + b` when `generator` is null, else a sample of
 * `N(μ, σ²)`, `σ² = x²·(α⊙θ²)ᵀ`, with ε from `generator`. `logAlpha` broadcasts against θ. @internal
 */
export function variationalLinear(
  x: Tensor,
  weight: Tensor,
  bias: Tensor | null,
  logAlpha: Tensor,
  generator: Generator | null,
): Tensor {
  const mean = linearForward('VariationalLinear.forward', x, weight, bias);
  if (!generator) return mean;
  const variance = linear(mul(x, x), mul(exp(logAlpha), mul(weight, weight)), null);
  return sampleLocal(mean, variance, generator);
}

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
  /** Mean weight θ, [outFeatures, inFeatures]. */
  readonly weight: Tensor;
  /** Bias, [outFeatures], or null. */
  readonly bias: Tensor | null;
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
    const init = initLinear(
      'VariationalLinear',
      inFeatures,
      outFeatures,
      options.generator,
      optionBoolean('VariationalLinear', 'bias', options.bias, true),
    );
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    this.weight = this.registerParameter('weight', init.weight);
    this.bias = init.bias ? this.registerParameter('bias', init.bias) : null;
    this.registerLogAlpha(init.weight.shape);
  }

  /** A sample of N(μ, σ²) when active (training or MC dropout), μ = x·θᵀ + b otherwise. */
  forward(x: Tensor): Tensor {
    const logAlpha = this.broadcastLogAlpha();
    return variationalLinear(
      x,
      this.weight,
      this.bias,
      logAlpha,
      this.active ? this.generator() : null,
    );
  }
}
