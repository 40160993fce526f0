import { type Generator, linear, mul, type Tensor } from '@lacuna/tensor';
import { initLinear, linearForward } from '../modules/linear.js';
import { sampleAround } from './local-reparameterization.js';
import {
  SPARSE_VARIATIONAL_KEYS,
  SparseVariationalLayer,
  type SparseVariationalOptions,
} from './sparse-variational-base.js';

/** Options of {@link LinearSVD}: those of every sparse variational layer. */
export type LinearSVDOptions = SparseVariationalOptions;

/**
 * The local reparameterisation of a sparse-variational linear layer: `b = μ + sqrt(s² + 1e-8)·ε`,
 * μ = x·θᵀ + bias, s² = x²·σ²ᵀ (σ² = exp(log σ²) per weight), ε ~ N(0, 1) drawn from `generator`
 * (one key). @internal
 */
export function linearSvdSample(
  x: Tensor,
  theta: Tensor,
  sigma2: Tensor,
  bias: Tensor | null,
  generator: Generator,
): Tensor {
  const mean = linearForward('LinearSVD.forward', x, theta, bias);
  return sampleAround(mean, linear(mul(x, x), sigma2, null), generator);
}

/**
 * A fully connected layer with sparse variational dropout (Molchanov, Ashukha & Vetrov 2017,
 * "Variational Dropout Sparsifies Deep Neural Networks"). Each weight is Gaussian,
 * w ~ N(θ, σ²), with its own θ and log σ² (both parameters, saved by `stateDict` as `weight` and
 * `log_sigma2`); its dropout rate is α = σ²/θ², with
 * `log α = clip(log σ² − log θ², −10, 10)` (the clip of the paper's code; it bounds the KL and
 * the pruning test, not the noise, which uses σ² itself).
 *
 * Training (or MC dropout) uses the local reparameterisation trick: the pre-activation is
 * sampled, not the weights, `b ~ N(x·θᵀ + bias, x²·σ²ᵀ)`, `b = μ + sqrt(s² + 1e-8)·ε`,
 * ε ~ N(0, 1) from the layer's generator, so every example gets independent weight noise at the
 * cost of a second matmul. Inference uses the mean weights θ with every weight whose
 * log α > `threshold` (default 3) set to zero: the pruned network. `sparsity()`
 * counts them, {@link sparsityReport} does so for a whole model.
 *
 * The prior is log-uniform; its KL is approximated as (paper, eq. 14)
 * `KL ≈ −(k1·sigmoid(k2 + k3·log α) − ½·log1p(1/α) − k1)`, k1 = 0.63576, k2 = 1.87320,
 * k3 = 1.48695, summed over the weights; `lossTerm()` returns it divided by
 * `datasetSize`, so `fit(model, { regularization: true })` minimises the scaled negative ELBO.
 *
 * Shapes: x [N, inFeatures] → y [N, outFeatures]; θ and log σ² [outFeatures, inFeatures].
 * θ and the bias start like Linear's (U(±1/√in), from the generator), log σ² at `initLogSigma2`.
 *
 * @example
 * ```ts
 * import { LinearSVD } from '@lacuna/layers';
 * import { Generator, ones } from '@lacuna/tensor';
 * const fc = new LinearSVD(16, 4, { generator: new Generator(0), datasetSize: 60000 });
 * fc.forward(ones([8, 16])).shape; // [8, 4] (sampled: training mode)
 * fc.lossTerm().item(); // Σ KL / 60000
 * fc.eval().forward(ones([8, 16])); // mean weights, log α > 3 pruned
 * fc.sparsity().fraction; // near 0 at initialisation (only weights with |θ| below ~e⁻⁶·⁵)
 * ```
 */
export class LinearSVD extends SparseVariationalLayer {
  /** Input size. */
  readonly inFeatures: number;
  /** Output size. */
  readonly outFeatures: number;

  /**
   * @param inFeatures - Input size.
   * @param outFeatures - Output size.
   * @param options - `generator` (initialisation, then the noise), `datasetSize` (required),
   *   `threshold`, `initLogSigma2`, `bias`.
   */
  constructor(inFeatures: number, outFeatures: number, options: LinearSVDOptions) {
    super('LinearSVD', options, SPARSE_VARIATIONAL_KEYS, (bias) =>
      initLinear('LinearSVD', inFeatures, outFeatures, options.generator, bias),
    );
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
  }

  /** Sampled pre-activations when active (training or MC dropout), the pruned mean otherwise. */
  forward(x: Tensor): Tensor {
    if (this.active)
      return linearSvdSample(x, this.weight, this.sigma2ForSample(), this.bias, this.generator());
    return linearForward('LinearSVD.forward', x, this.prunedWeight(), this.bias);
  }
}
