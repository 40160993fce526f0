import { getBackend } from '../backend/registry.js';
import { fmtShape, ShapeError } from '../errors.js';
import { record, willRecord } from '../record.js';
import { sameShape } from '../shape.js';
import { allocateUnfilled } from '../storage.js';
import { Tensor } from '../tensor.js';
import { type KlOptions, klScale } from './kl-options.js';
import { checkFloat, unfilledLike } from './util.js';

const OP = 'sparseVariationalDropoutKl';

/**
 * What {@link sparseVariationalDropoutKl} saves for its gradient: the gradients of its output
 * (scale included) with respect to θ and log σ², computed in the forward pass; null for an input
 * that does not require gradients.
 */
export interface SparseVariationalDropoutKlSaved {
  /** d(scale·Σ KL)/dθ, θ's shape, or null. */
  readonly dTheta: Tensor | null;
  /** d(scale·Σ KL)/dlog σ², θ's shape, or null. */
  readonly dLogSigma2: Tensor | null;
}

/** A fresh float32 tensor of `like`'s shape when `wanted`, else null. */
const tensorLike = (like: Tensor, wanted: boolean) => (wanted ? unfilledLike(like) : null);

/**
 * The KL term of sparse variational dropout (Molchanov, Ashukha & Vetrov 2017, "Variational
 * Dropout Sparsifies Deep Neural Networks", eq. 14) summed over every weight and multiplied by
 * `scale`, as one op: with `log α = clip(log σ² − log(θ² + 1e-16), −10, 10)` per weight,
 * `KL ≈ k1·sigmoid(−k2 − k3·log α) + ½·log1p(exp(−log α))`, k1 = 0.63576, k2 = 1.87320,
 * k3 = 1.48695 (the paper's `k1 − k1·sigmoid(k2 + k3·log α) + ½·log1p(1/α)`, written so that
 * nothing cancels as KL → 0 for α → ∞). The clip is the paper code's; log θ² is floored at
 * θ² = 1e-16 so that θ = 0 gives a finite log α. `scale = 1/N` gives a layer's share of the
 * scaled ELBO for a data set of N examples.
 *
 * One kernel reads θ and log σ² once. When the op is recorded for autograd, the same pass also
 * writes the gradient of the scaled sum (for each input that requires one), which the op saves:
 * with s = sigmoid(−k2 − k3·log α), `dKL/dlog α = −k1·k3·s·(1 − s) − ½·sigmoid(−log α)`,
 * `dlog α/dlog σ² = 1`, `dlog α/dθ = −2θ/(θ² + 1e-16)`, and 0 where the clip is active (the
 * unclipped log α outside [−10, 10], as `clamp`'s gradient); the backward pass only multiplies
 * them by the incoming gradient, or hands them on as they are when that is 1. An infinite θ or
 * log σ² lands on the clip; a NaN gives a NaN sum and a zero gradient for that weight. The
 * reference backend computes each term and the sum in float64; the wasm backend in float32 SIMD
 * with float64 partial sums, within 1e-5 of Σ|KL| relative (the same bits on any thread count).
 *
 * @param theta - float32 mean weights θ, any shape.
 * @param logSigma2 - float32 log σ² per weight, θ's shape.
 * @param options - `scale` (default 1), a finite number multiplying the sum and its gradient.
 * @returns A float32 scalar (shape []): scale·Σ KL.
 * @throws DTypeError for a non-float32 operand; ShapeError when the shapes differ; LacunaError
 *   for an unknown option; ArgumentRangeError for a scale that is not a finite number.
 * @example
 * ```ts
 * import { sparseVariationalDropoutKl, tensor } from '@lacuna/tensor';
 * // log α = 0 (α = 1) and log α = −10: 0.4312… + 5.6358…
 * sparseVariationalDropoutKl(tensor([1, 1]), tensor([0, -10])).item(); // 6.0670…
 * // Divided by a data set size of 1000, as a layer's lossTerm does:
 * sparseVariationalDropoutKl(tensor([1, 1]), tensor([0, -10]), { scale: 1 / 1000 }).item(); // 0.0060670…
 * ```
 */
export function sparseVariationalDropoutKl(
  theta: Tensor,
  logSigma2: Tensor,
  options?: KlOptions,
): Tensor {
  return klPass(theta, logSigma2, options, false).kl;
}

/** What {@link sparseVariationalDropoutKlWithSigma2} returns. */
export interface KlWithSigma2 {
  /** scale·Σ KL, a float32 scalar: {@link sparseVariationalDropoutKl}'s result, bit for bit. */
  readonly kl: Tensor;
  /**
   * σ² = exp(log σ²) per weight, θ's shape: `exp(logSigma2)`'s bits (operands too big for the
   * wasm memory fall back to the reference backend: then within `exp`'s 2 ulps of them).
   */
  readonly sigma2: Tensor;
}

/**
 * {@link sparseVariationalDropoutKl} and the weight variances σ² = exp(log σ²) from one pass over
 * the weights: what a sparse variational layer's training step needs (σ² for the local
 * reparameterisation's variance, the KL for the loss), for about the price of the KL alone. The
 * kernel computes σ² anyway (the KL's exp(−log α) is (θ² + 1e-16)/σ² there); returning it saves
 * a second pass that reads log σ² again and exponentiates it.
 *
 * The two results are recorded for autograd as the two ops they equal: `kl` as
 * `sparseVariationalDropoutKl` (gradients saved, as there) and `sigma2` as `exp(logSigma2)`, so
 * gradients through either, or both, are those of the separate ops.
 *
 * @param theta - float32 mean weights θ, any shape.
 * @param logSigma2 - float32 log σ² per weight, θ's shape.
 * @param options - `scale` (default 1), as {@link sparseVariationalDropoutKl}'s.
 * @returns `{ kl, sigma2 }`.
 * @throws As {@link sparseVariationalDropoutKl}.
 * @example
 * ```ts
 * import { sparseVariationalDropoutKlWithSigma2, tensor } from '@lacuna/tensor';
 * const { kl, sigma2 } = sparseVariationalDropoutKlWithSigma2(tensor([1, 1]), tensor([0, -10]));
 * kl.item(); // 6.0670…, as sparseVariationalDropoutKl
 * sigma2.toArray(); // [1, 0.0000453999…]: exp(log σ²)
 * ```
 */
export function sparseVariationalDropoutKlWithSigma2(
  theta: Tensor,
  logSigma2: Tensor,
  options?: KlOptions,
): KlWithSigma2 {
  const { kl, sigma2 } = klPass(theta, logSigma2, options, true);
  return { kl, sigma2: sigma2! };
}

/** The checks and the one kernel call of both ops above; σ² only when `withSigma2`. */
function klPass(
  theta: Tensor,
  logSigma2: Tensor,
  options: KlOptions | undefined,
  withSigma2: boolean,
): { kl: Tensor; sigma2: Tensor | null } {
  checkFloat(OP, 'theta', theta);
  checkFloat(OP, 'logSigma2', logSigma2);
  if (!sameShape(theta.shape, logSigma2.shape)) {
    throw new ShapeError(
      OP,
      'logSigma2',
      `must have theta's shape ${fmtShape(theta.shape)}, got ${fmtShape(logSigma2.shape)}`,
    );
  }
  const scale = klScale(OP, options);
  const recorded = willRecord([theta, logSigma2]);
  const dTheta = tensorLike(theta, recorded && theta.requiresGrad);
  const dLogSigma2 = tensorLike(theta, recorded && logSigma2.requiresGrad);
  const sigma2 = tensorLike(logSigma2, withSigma2);
  const out = new Tensor(allocateUnfilled('float32', 1), [], 'float32');
  getBackend().sparseVariationalDropoutKl(
    theta.storage as Float32Array,
    logSigma2.storage as Float32Array,
    scale,
    out.storage as Float32Array,
    (dTheta?.storage ?? null) as Float32Array | null,
    (dLogSigma2?.storage ?? null) as Float32Array | null,
    (sigma2?.storage ?? null) as Float32Array | null,
  );
  return {
    kl: record(OP, [theta, logSigma2], out, { dTheta, dLogSigma2 }),
    sigma2: sigma2 && record('exp', [logSigma2], sigma2, { output: sigma2 }),
  };
}
