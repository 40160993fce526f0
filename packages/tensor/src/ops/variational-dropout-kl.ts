import { getBackend } from '../backend/registry.js';
import { record } from '../record.js';
import { allocateUnfilled } from '../storage.js';
import { Tensor } from '../tensor.js';
import { checkFloat, scalarValue } from './util.js';

const OP = 'variationalDropoutKl';

/**
 * The KL term of variational dropout (Kingma, Salimans & Welling 2015, "Variational Dropout and
 * the Local Reparameterization Trick", eq. 7) summed over every entry of log α, as one op:
 * `KL(α) ≈ −(½·log α + c1·α + c2·α² + c3·α³) + (c1 + c2 + c3)`, α = exp(log α),
 * c1 = 1.16145124, c2 = −1.50204118, c3 = 0.58629921. The paper leaves the constant free (it has
 * no gradient); it is fixed here so that KL(α = 1) = 0. The fit holds for α ≤ 1; log α = ±∞
 * gives ∓∞, NaN gives NaN.
 *
 * One kernel reads log α once; its gradient rule recomputes α:
 * `dKL/dlog α = −(½ + α·(c1 + 2c2·α + 3c3·α²))`. The reference backend computes each term and the
 * sum in float64; the wasm backend in float32 SIMD with float64 partial sums (the same bits on any
 * thread count).
 *
 * @param logAlpha - float32 log α, any shape.
 * @returns A float32 scalar (shape []): Σ KL.
 * @throws DTypeError for a non-float32 operand.
 * @example
 * ```ts
 * import { tensor, variationalDropoutKl } from '@lacuna/tensor';
 * variationalDropoutKl(tensor([0, -3])).item(); // 1.6915… (KL(α = 1) = 0)
 * ```
 */
export function variationalDropoutKl(logAlpha: Tensor): Tensor {
  checkFloat(OP, 'logAlpha', logAlpha);
  const out = new Tensor(allocateUnfilled('float32', 1), [], 'float32');
  getBackend().variationalDropoutKl(logAlpha.storage as Float32Array, out.storage as Float32Array);
  return record(OP, [logAlpha], out, {});
}

/**
 * The backward pass of {@link variationalDropoutKl}: the gradient of `grad·Σ KL` with respect to
 * log α, `−grad·(½ + α·(c1 + 2c2·α + 3c3·α²))` per entry, in one pass.
 *
 * @param grad - The scalar gradient of the op's output.
 * @param logAlpha - The op's log α.
 * @returns d log α, log α's shape.
 * @throws DTypeError for a non-float32 operand; ShapeError when grad holds more than one value.
 * @example
 * ```ts
 * import { tensor, variationalDropoutKlBackward } from '@lacuna/tensor';
 * variationalDropoutKlBackward(tensor(1), tensor([0])).item(); // -0.4162… (½ + c1 + 2c2 + 3c3, negated)
 * ```
 */
export function variationalDropoutKlBackward(grad: Tensor, logAlpha: Tensor): Tensor {
  checkFloat(`${OP}Backward`, 'logAlpha', logAlpha);
  const g = scalarValue(`${OP}Backward`, 'grad', grad);
  const out = new Tensor(allocateUnfilled('float32', logAlpha.size), logAlpha.shape, 'float32');
  getBackend().variationalDropoutKlBackward(
    logAlpha.storage as Float32Array,
    g,
    out.storage as Float32Array,
  );
  return out;
}
