import { ArgumentRangeError, fmtValue } from '../errors.js';
import { record } from '../record.js';
import type { Tensor } from '../tensor.js';
import { type UnarySaved, unaryKernel, unaryOp } from './unary.js';

/** What leakyRelu and elu record: their α besides the output. */
export interface AlphaActivationSaved extends UnarySaved {
  /** The negative slope (leakyRelu) or the saturation value (elu). */
  readonly alpha: number;
}

/** Runs leakyRelu or elu with a checked α and records α for the gradient. */
function alphaActivation(op: 'leakyRelu' | 'elu', x: Tensor, alpha: number): Tensor {
  const saved = { alpha: checkAlpha(op, alpha) };
  const out = unaryKernel(op, x, saved);
  return record(op, [x], out, { ...saved, output: out });
}

function checkAlpha(op: string, alpha: number): number {
  if (typeof alpha !== 'number' || !Number.isFinite(alpha)) {
    throw new ArgumentRangeError(op, 'alpha', `must be a finite number, got ${fmtValue(alpha)}`);
  }
  return alpha;
}

/**
 * Leaky ReLU: `x` for x > 0, `α·x` otherwise (Maas et al. 2013).
 *
 * @param x - float32 input.
 * @param alpha - Negative slope, default 0.01 (PyTorch's default).
 * @example
 * ```ts
 * import { leakyRelu, tensor } from '@lacuna/tensor';
 * leakyRelu(tensor([-10, 2]), 0.1).toArray(); // [-1, 2]
 * ```
 */
export function leakyRelu(x: Tensor, alpha = 0.01): Tensor {
  return alphaActivation('leakyRelu', x, alpha);
}

/**
 * ELU (Clevert et al. 2016): `x` for x > 0, `α·(eˣ - 1)` otherwise.
 *
 * @param alpha - Saturation value for negative inputs, default 1.
 * @example
 * ```ts
 * import { elu, tensor } from '@lacuna/tensor';
 * elu(tensor([-100, 1])).toArray(); // [-1, 1]
 * ```
 */
export function elu(x: Tensor, alpha = 1): Tensor {
  return alphaActivation('elu', x, alpha);
}

/**
 * SELU (Klambauer et al. 2017, "Self-Normalizing Neural Networks"):
 * `λ·x` for x > 0, `λ·α·(eˣ - 1)` otherwise, with λ ≈ 1.0507 and α ≈ 1.6733. Pair it with
 * LeCun-normal initialisation and alpha dropout.
 *
 * @example
 * ```ts
 * import { selu, tensor } from '@lacuna/tensor';
 * selu(tensor([1])).toArray(); // [1.0507…]
 * ```
 */
export function selu(x: Tensor): Tensor {
  return unaryOp('selu', x);
}

/**
 * GELU (Hendrycks & Gimpel 2016), exact form `x·Φ(x)` with Φ the standard normal CDF, as
 * PyTorch's default.
 *
 * @example
 * ```ts
 * import { gelu, tensor } from '@lacuna/tensor';
 * gelu(tensor([0, 1])).toArray(); // [0, 0.8413…]
 * ```
 */
export function gelu(x: Tensor): Tensor {
  return unaryOp('gelu', x);
}

/**
 * Softplus `log(1 + eˣ)`, a smooth ReLU, computed without overflow.
 *
 * @example
 * ```ts
 * import { softplus, tensor } from '@lacuna/tensor';
 * softplus(tensor([0, 100])).toArray(); // [0.6931…, 100]
 * ```
 */
export function softplus(x: Tensor): Tensor {
  return unaryOp('softplus', x);
}
