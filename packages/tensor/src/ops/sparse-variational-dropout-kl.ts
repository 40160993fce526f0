import { getBackend } from '../backend/registry.js';
import { fmtShape, ShapeError } from '../errors.js';
import { record } from '../record.js';
import { sameShape } from '../shape.js';
import { allocateUnfilled } from '../storage.js';
import { Tensor } from '../tensor.js';
import { checkFloat, scalarValue } from './util.js';

const OP = 'sparseVariationalDropoutKl';

/** Checks θ and log σ²: float32 tensors of one shape. */
function checkOperands(op: string, theta: Tensor, logSigma2: Tensor): void {
  checkFloat(op, 'theta', theta);
  checkFloat(op, 'logSigma2', logSigma2);
  if (!sameShape(theta.shape, logSigma2.shape)) {
    throw new ShapeError(
      op,
      'logSigma2',
      `must have theta's shape ${fmtShape(theta.shape)}, got ${fmtShape(logSigma2.shape)}`,
    );
  }
}

/**
 * The KL term of sparse variational dropout (Molchanov, Ashukha & Vetrov 2017, "Variational
 * Dropout Sparsifies Deep Neural Networks", eq. 14) summed over every weight, as one op: with
 * `log α = clip(log σ² − log(θ² + 1e-16), −10, 10)` per weight,
 * `KL ≈ k1·sigmoid(−k2 − k3·log α) + ½·log1p(exp(−log α))`, k1 = 0.63576, k2 = 1.87320,
 * k3 = 1.48695 (the paper's `k1 − k1·sigmoid(k2 + k3·log α) + ½·log1p(1/α)`, written so that
 * nothing cancels as KL → 0 for α → ∞). The clip is the paper code's; log θ² is floored at
 * θ² = 1e-16 so that θ = 0 gives a finite log α.
 *
 * One kernel reads θ and log σ² once; per-element values are not kept, the gradient kernel
 * recomputes them. Its gradient rule: with s = sigmoid(−k2 − k3·log α),
 * `dKL/dlog α = −k1·k3·s·(1 − s) − ½·sigmoid(−log α)`, `dlog α/dlog σ² = 1`,
 * `dlog α/dθ = −2θ/(θ² + 1e-16)`, and 0 where the clip is active (the unclipped log α outside
 * [−10, 10], as `clamp`'s gradient). An infinite θ or log σ² lands on the clip; a NaN gives a
 * NaN sum and a zero gradient for that weight. The reference backend computes each term and the
 * sum in float64; the wasm backend in float32 SIMD with float64 partial sums, within 1e-5 of
 * Σ|KL| relative (the same bits on any thread count).
 *
 * @param theta - float32 mean weights θ, any shape.
 * @param logSigma2 - float32 log σ² per weight, θ's shape.
 * @returns A float32 scalar (shape []): Σ KL.
 * @throws DTypeError for a non-float32 operand; ShapeError when the shapes differ.
 * @example
 * ```ts
 * import { sparseVariationalDropoutKl, tensor } from '@lacuna/tensor';
 * // log α = 0 (α = 1) and log α = −10: 0.4312… + 5.6358…
 * sparseVariationalDropoutKl(tensor([1, 1]), tensor([0, -10])).item(); // 6.0670…
 * ```
 */
export function sparseVariationalDropoutKl(theta: Tensor, logSigma2: Tensor): Tensor {
  checkOperands(OP, theta, logSigma2);
  const out = new Tensor(allocateUnfilled('float32', 1), [], 'float32');
  getBackend().sparseVariationalDropoutKl(
    theta.storage as Float32Array,
    logSigma2.storage as Float32Array,
    out.storage as Float32Array,
  );
  return record(OP, [theta, logSigma2], out, {});
}

/**
 * The backward pass of {@link sparseVariationalDropoutKl}: the gradients of `grad·Σ KL` with
 * respect to θ and log σ², both from one pass over the weights (see the forward op for the
 * formula).
 *
 * @param grad - The scalar gradient of the op's output.
 * @param theta - The op's θ.
 * @param logSigma2 - The op's log σ².
 * @returns `[dθ, dlog σ²]`, each θ's shape.
 * @throws DTypeError or ShapeError for operands that do not fit (grad must hold one value).
 * @example
 * ```ts
 * import { sparseVariationalDropoutKlBackward, tensor } from '@lacuna/tensor';
 * const [dTheta, dLogSigma2] = sparseVariationalDropoutKlBackward(tensor(1), tensor([1]), tensor([0]));
 * dLogSigma2.item(); // -0.3591… (dKL/dlog α at α = 1)
 * dTheta.item(); // 0.7182… (−2θ/θ² times that)
 * ```
 */
export function sparseVariationalDropoutKlBackward(
  grad: Tensor,
  theta: Tensor,
  logSigma2: Tensor,
): [Tensor, Tensor] {
  checkOperands(`${OP}Backward`, theta, logSigma2);
  const g = scalarValue(`${OP}Backward`, 'grad', grad);
  const dTheta = new Tensor(allocateUnfilled('float32', theta.size), theta.shape, 'float32');
  const dLogSigma2 = new Tensor(allocateUnfilled('float32', theta.size), theta.shape, 'float32');
  getBackend().sparseVariationalDropoutKlBackward(
    theta.storage as Float32Array,
    logSigma2.storage as Float32Array,
    g,
    dTheta.storage as Float32Array,
    dLogSigma2.storage as Float32Array,
  );
  return [dTheta, dLogSigma2];
}
