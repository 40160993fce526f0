import { noGrad } from '@lacuna/autograd';
import {
  add,
  exp,
  full,
  type Generator,
  lessEqual,
  linear,
  log,
  log1p,
  maximum,
  minimum,
  mul,
  normal,
  optionBoolean,
  optionKeys,
  sigmoid,
  sqrt,
  sub,
  sum,
  type Tensor,
  where,
} from '@lacuna/tensor';
import { initLinear, linearForward } from '../modules/linear.js';
import { finiteNumber, positiveInteger } from '../validate.js';
import { DropoutLayer, type DropoutLayerOptions } from './base.js';

/** Options of {@link LinearSVD}. */
export interface LinearSVDOptions extends DropoutLayerOptions {
  /** Size N of the training set: {@link LinearSVD.lossTerm} is Σ KL / N (the scaled ELBO). Required. */
  datasetSize: number;
  /** Weights with log α above this are pruned (zero) at inference (default 3, the paper's). */
  threshold?: number;
  /** Initial log σ² of every weight (default −10: the paper's code starts at log σ = −5). */
  initLogSigma2?: number;
  /** Add a learned bias (default true). Biases are not variational. */
  bias?: boolean;
}

const LINEAR_SVD_KEYS = optionKeys<LinearSVDOptions>({
  generator: true,
  datasetSize: true,
  threshold: true,
  initLogSigma2: true,
  bias: true,
});

/** The constants of Molchanov et al.'s fit of −KL (their equation 14). */
const K1 = 0.63576;
const K2 = 1.8732;
const K3 = 1.48695;
/** log α is clipped to this range, as the paper's code does: α beyond e¹⁰ or below e⁻¹⁰ changes nothing that matters. @internal */
export const LOG_ALPHA_RANGE = [-10, 10] as const;
/** Keeps sqrt's argument (and its gradient) finite where x²·σ² underflows to 0, as the paper's code does. */
const VARIANCE_FLOOR = 1e-8;
/** Keeps log θ² finite at θ = 0. */
const THETA2_FLOOR = 1e-16;

/**
 * `clip(log σ² − log θ², −10, 10)` per weight: the log of the dropout rate α = σ²/θ². The clip is
 * minimum then maximum (binary kernels: several times faster than clamp's on 1M weights). @internal
 */
export function logAlphaOf(theta: Tensor, logSigma2: Tensor): Tensor {
  const logTheta2 = log(add(mul(theta, theta), THETA2_FLOOR));
  const [low, high] = LOG_ALPHA_RANGE;
  return maximum(minimum(sub(logSigma2, logTheta2), high), low);
}

/**
 * Molchanov et al.'s approximation of KL(q(w | θ, α) ‖ p(w)) under the log-uniform prior, per
 * element of `logAlpha`: `k1 − k1·sigmoid(k2 + k3·log α) + ½·log1p(1/α)`, written
 * `k1·sigmoid(−k2 − k3·log α) + ½·log1p(exp(−log α))` (the same, with no cancellation where the
 * KL nears 0, and three transcendental kernels in all). @internal
 */
export function sparseVdKl(logAlpha: Tensor): Tensor {
  const fit = sigmoid(add(mul(logAlpha, -K3), -K2));
  return add(mul(fit, K1), mul(log1p(exp(mul(logAlpha, -1))), 0.5));
}

/**
 * The local reparameterisation of a sparse-variational linear layer: `b = μ + sqrt(s² + 1e-8)·ε`,
 * μ = x·θᵀ + bias, s² = x²·exp(log σ²)ᵀ, ε ~ N(0, 1) drawn from `generator` (one key). @internal
 */
export function linearSvdSample(
  x: Tensor,
  theta: Tensor,
  logSigma2: Tensor,
  bias: Tensor | null,
  generator: Generator,
): Tensor {
  const mean = linearForward('LinearSVD.forward', x, theta, bias);
  const variance = linear(mul(x, x), exp(logSigma2), null);
  const eps = normal(mean.shape, { generator });
  return add(mean, mul(sqrt(add(variance, VARIANCE_FLOOR)), eps));
}

/** How many weights of a sparse variational layer are pruned at inference. */
export interface Sparsity {
  /** Weights whose log α exceeds the threshold (zero at inference). */
  pruned: number;
  /** All variational weights. */
  total: number;
  /** pruned / total. */
  fraction: number;
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
 * log α > `threshold` (default 3) set to zero: the pruned network. {@link LinearSVD.sparsity}
 * counts them, {@link sparsityReport} does so for a whole model.
 *
 * The prior is log-uniform; its KL is approximated as (paper, eq. 14)
 * `KL ≈ −(k1·sigmoid(k2 + k3·log α) − ½·log1p(1/α) − k1)`, k1 = 0.63576, k2 = 1.87320,
 * k3 = 1.48695, summed over the weights; {@link LinearSVD.lossTerm} returns it divided by
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
export class LinearSVD extends DropoutLayer {
  /** Mean weights θ, [outFeatures, inFeatures]. */
  readonly weight: Tensor;
  /** log σ² of every weight, [outFeatures, inFeatures]. */
  readonly logSigma2: Tensor;
  /** Bias, [outFeatures], or null. */
  readonly bias: Tensor | null;
  /** Input size. */
  readonly inFeatures: number;
  /** Output size. */
  readonly outFeatures: number;
  /** Training-set size N that scales the KL term. */
  readonly datasetSize: number;
  /** log α above which a weight is pruned at inference. */
  readonly threshold: number;

  /**
   * @param inFeatures - Input size.
   * @param outFeatures - Output size.
   * @param options - `generator` (initialisation, then the noise), `datasetSize` (required),
   *   `threshold`, `initLogSigma2`, `bias`.
   */
  constructor(inFeatures: number, outFeatures: number, options: LinearSVDOptions) {
    super('LinearSVD', options, LINEAR_SVD_KEYS);
    this.datasetSize = positiveInteger('LinearSVD', 'options.datasetSize', options.datasetSize);
    this.threshold = finiteNumber('LinearSVD', 'options.threshold', options.threshold ?? 3);
    const initLogSigma2 = finiteNumber(
      'LinearSVD',
      'options.initLogSigma2',
      options.initLogSigma2 ?? -10,
    );
    const bias = optionBoolean('LinearSVD', 'bias', options.bias, true);
    const init = initLinear('LinearSVD', inFeatures, outFeatures, options.generator, bias);
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    this.weight = this.registerParameter('weight', init.weight);
    this.logSigma2 = this.registerParameter(
      'log_sigma2',
      full([outFeatures, inFeatures], initLogSigma2),
    );
    this.bias = init.bias ? this.registerParameter('bias', init.bias) : null;
  }

  /** Sampled pre-activations when active (training or MC dropout), the pruned mean otherwise. */
  forward(x: Tensor): Tensor {
    if (this.active)
      return linearSvdSample(x, this.weight, this.logSigma2, this.bias, this.generator());
    return linearForward('LinearSVD.forward', x, this.prunedWeight(), this.bias);
  }

  /** The clipped log α per weight, [outFeatures, inFeatures] (recorded for autograd). */
  logAlpha(): Tensor {
    return logAlphaOf(this.weight, this.logSigma2);
  }

  /**
   * θ with the weights whose log α > threshold set to zero: what inference multiplies by. The
   * mask is a step (no gradient); θ's gradient passes where it is 1.
   */
  prunedWeight(): Tensor {
    const kept = noGrad(() => lessEqual(this.logAlpha(), this.threshold));
    return where(kept, this.weight, 0);
  }

  /** Σ KL over the weights / datasetSize: this layer's share of the scaled negative ELBO. */
  override lossTerm(): Tensor {
    return mul(sum(sparseVdKl(this.logAlpha())), 1 / this.datasetSize);
  }

  /** The weights pruned at inference (log α > threshold), of all of them. */
  sparsity(): Sparsity {
    const logAlpha = noGrad(() => this.logAlpha()).data();
    let pruned = 0;
    for (const v of logAlpha) if (v > this.threshold) pruned++;
    return { pruned, total: logAlpha.length, fraction: pruned / logAlpha.length };
  }
}
