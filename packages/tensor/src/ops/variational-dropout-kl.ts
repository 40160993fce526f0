import { getBackend } from '../backend/registry.js';
import { record, willRecord } from '../record.js';
import { allocateUnfilled } from '../storage.js';
import { Tensor } from '../tensor.js';
import { type KlOptions, klScale } from './kl-options.js';
import { checkFloat, checkFloatOfShape, unfilledLike } from './util.js';

const OP = 'variationalDropoutKl';

/**
 * What {@link variationalDropoutKl} saves for its gradient: the gradient of its output (scale
 * included) with respect to log α, computed in the forward pass.
 */
export interface VariationalDropoutKlSaved {
  /** d(scale·Σ KL)/dlog α, log α's shape. */
  readonly dLogAlpha: Tensor;
}

/**
 * The KL term of variational dropout (Kingma, Salimans & Welling 2015, "Variational Dropout and
 * the Local Reparameterization Trick", eq. 7) summed over every entry of log α and multiplied by
 * `scale`, as one op: `KL(α) ≈ −(½·log α + c1·α + c2·α² + c3·α³) + (c1 + c2 + c3)`,
 * α = exp(log α), c1 = 1.16145124, c2 = −1.50204118, c3 = 0.58629921. The paper leaves the
 * constant free (it has no gradient); it is fixed here so that KL(α = 1) = 0. The fit holds for
 * α ≤ 1; log α = ±∞ gives ∓∞, NaN gives NaN. `scale = 1/N` gives the scaled ELBO's share for a
 * data set of N examples.
 *
 * One kernel reads log α once. When the op is recorded for autograd, the same pass also writes
 * the gradient of the scaled sum, `−scale·(½ + α·(c1 + 2c2·α + 3c3·α²))` per entry, which the op
 * saves; the backward pass only multiplies it by the incoming gradient, or hands it on as it is
 * when that is 1. The reference backend computes each term and the sum in float64; the wasm
 * backend in float32 SIMD with float64 partial sums (the same bits on any thread count).
 *
 * @param logAlpha - float32 log α, any shape.
 * @param options - `scale` (default 1), a finite number multiplying the sum and its gradient.
 * @returns A float32 scalar (shape []): scale·Σ KL.
 * @throws DTypeError for a non-float32 operand; LacunaError for an unknown option;
 *   ArgumentRangeError for a scale that is not a finite number.
 * @example
 * ```ts
 * import { tensor, variationalDropoutKl } from '@lacuna/tensor';
 * variationalDropoutKl(tensor([0, -3])).item(); // 1.6915… (KL(α = 1) = 0)
 * variationalDropoutKl(tensor([0, -3]), { scale: 0.5 }).item(); // 0.8457…
 * ```
 */
export function variationalDropoutKl(logAlpha: Tensor, options?: KlOptions): Tensor {
  return klPass(logAlpha, null, options).kl;
}

/** What {@link variationalDropoutKlWithScaledSquare} returns. */
export interface KlWithScaledSquare {
  /** scale·Σ KL, a float32 scalar: {@link variationalDropoutKl}'s result. */
  readonly kl: Tensor;
  /** e^(log α)·x² per entry, x's shape: `scaledSquare(x, logAlpha)`'s result. */
  readonly square: Tensor;
}

/**
 * {@link variationalDropoutKl} and `scaledSquare(x, logAlpha)` (the variance weights α⊙θ² of a
 * layer with one α per weight) from one pass over the weights: what such a layer's training step
 * needs (α⊙θ² for the local reparameterisation's variance, the KL for the loss), reading log α
 * and exponentiating it once instead of twice.
 *
 * The two results are recorded for autograd as the two ops they equal (`variationalDropoutKl`,
 * its gradient saved, and `scaledSquare`, its e^(log α)·x saved), so gradients through either,
 * or both, are those of the separate ops. The same bits as those ops where all run in one place
 * (wasm, or the reference backend; operands too big for the wasm memory fall back to the
 * reference).
 *
 * @param logAlpha - float32 log α, any shape.
 * @param x - float32 weights θ, log α's shape.
 * @param options - `scale` (default 1), as {@link variationalDropoutKl}'s.
 * @returns `{ kl, square }`.
 * @throws As {@link variationalDropoutKl}; ShapeError when x's shape is not log α's.
 * @example
 * ```ts
 * import { tensor, variationalDropoutKlWithScaledSquare } from '@lacuna/tensor';
 * const { kl, square } = variationalDropoutKlWithScaledSquare(tensor([0, -3]), tensor([2, 1]));
 * kl.item(); // 1.6915…, as variationalDropoutKl
 * square.toArray(); // [4, 0.0497…]: e^(log α)·x²
 * ```
 */
export function variationalDropoutKlWithScaledSquare(
  logAlpha: Tensor,
  x: Tensor,
  options?: KlOptions,
): KlWithScaledSquare {
  checkFloatOfShape(OP, 'x', x, checkFloat(OP, 'logAlpha', logAlpha).shape, "logAlpha's");
  const { kl, square } = klPass(logAlpha, x, options);
  return { kl, square: square! };
}

/** The checks and the one kernel call of both ops above; the square only when x is given. */
function klPass(
  logAlpha: Tensor,
  x: Tensor | null,
  options: KlOptions | undefined,
): { kl: Tensor; square: Tensor | null } {
  checkFloat(OP, 'logAlpha', logAlpha);
  const scale = klScale(OP, options);
  const dLogAlpha = willRecord([logAlpha]) ? unfilledLike(logAlpha) : null;
  const out = new Tensor(allocateUnfilled('float32', 1), [], 'float32');
  const square = x && unfilledLike(x);
  const scaled = x && willRecord([x, logAlpha]) ? unfilledLike(x) : null;
  getBackend().variationalDropoutKl(
    logAlpha.storage as Float32Array,
    scale,
    out.storage as Float32Array,
    (dLogAlpha?.storage ?? null) as Float32Array | null,
    x && square
      ? {
          x: x.storage as Float32Array,
          out: square.storage as Float32Array,
          scaled: (scaled?.storage ?? null) as Float32Array | null,
        }
      : null,
  );
  return {
    kl: dLogAlpha ? record(OP, [logAlpha], out, { dLogAlpha }) : out,
    square:
      x && square && scaled
        ? record('scaledSquare', [x, logAlpha], square, { scaled, output: square })
        : square,
  };
}
