import type { UnaryOpName, UnaryParams } from '../backend/backend.js';
import { getBackend } from '../backend/registry.js';
import { record } from '../record.js';
import { allocateUnfilled } from '../storage.js';
import { Tensor } from '../tensor.js';
import { checkFloat } from './util.js';

/**
 * What a recorded unary op keeps: its output, which exp, sqrt, sigmoid and tanh differentiate
 * through most cheaply (the others read their input).
 */
export interface UnarySaved {
  /** The op's result. */
  readonly output: Tensor;
}

/** The unary ops whose gradient needs no parameter, only {@link UnarySaved}. */
type PlainUnaryOpName = Exclude<UnaryOpName, 'leakyRelu' | 'elu' | 'clamp'>;

/** Computes `op` elementwise on a float32 tensor, unrecorded. @internal */
export function unaryKernel(op: UnaryOpName, x: Tensor, params: UnaryParams = {}): Tensor {
  checkFloat(op, 'x', x);
  const out = new Tensor(allocateUnfilled('float32', x.size), x.shape, 'float32');
  getBackend().unary(op, x.storage, out.storage, params);
  return out;
}

/** Computes a parameterless `op` elementwise on a float32 tensor and records it for autograd. @internal */
export function unaryOp(op: PlainUnaryOpName, x: Tensor): Tensor {
  const out = unaryKernel(op, x);
  return record(op, [x], out, { output: out });
}

/**
 * Elementwise negation `-x`.
 *
 * @example
 * ```ts
 * import { neg, tensor } from '@lacuna/tensor';
 * neg(tensor([1, -2])).toArray(); // [-1, 2]
 * ```
 */
export function neg(x: Tensor): Tensor {
  return unaryOp('neg', x);
}

/**
 * Elementwise `e^x`.
 *
 * On the wasm backend (the default) a polynomial within 2 float32 ulps of the reference's
 * `Math.exp` rounded to float32 (special values exact), on any number of threads.
 *
 * @example
 * ```ts
 * import { exp, tensor } from '@lacuna/tensor';
 * exp(tensor([0])).toArray(); // [1]
 * ```
 */
export function exp(x: Tensor): Tensor {
  return unaryOp('exp', x);
}

/**
 * Elementwise natural logarithm (−inf at 0, NaN below 0, as IEEE defines).
 *
 * On the wasm backend (the default) a polynomial within 2 float32 ulps of the reference's
 * `Math.log` rounded to float32 (special values exact), on any number of threads.
 *
 * @example
 * ```ts
 * import { log, tensor } from '@lacuna/tensor';
 * log(tensor([1])).toArray(); // [0]
 * ```
 */
export function log(x: Tensor): Tensor {
  return unaryOp('log', x);
}

/**
 * Rectified linear unit, `max(x, 0)` elementwise.
 *
 * @example
 * ```ts
 * import { relu, tensor } from '@lacuna/tensor';
 * relu(tensor([-1, 2])).toArray(); // [0, 2]
 * ```
 */
export function relu(x: Tensor): Tensor {
  return unaryOp('relu', x);
}

/**
 * Elementwise square root.
 *
 * @example
 * ```ts
 * import { sqrt, tensor } from '@lacuna/tensor';
 * sqrt(tensor([4])).toArray(); // [2]
 * ```
 */
export function sqrt(x: Tensor): Tensor {
  return unaryOp('sqrt', x);
}

/**
 * Elementwise absolute value.
 *
 * @example
 * ```ts
 * import { abs, tensor } from '@lacuna/tensor';
 * abs(tensor([-3])).toArray(); // [3]
 * ```
 */
export function abs(x: Tensor): Tensor {
  return unaryOp('abs', x);
}

/**
 * Logistic sigmoid `1 / (1 + e^-x)`, computed without overflow for large |x|.
 *
 * On the wasm backend (the default) within 2 float32 ulps of the reference (special values
 * exact), on any number of threads.
 *
 * @example
 * ```ts
 * import { sigmoid, tensor } from '@lacuna/tensor';
 * sigmoid(tensor([0])).toArray(); // [0.5]
 * ```
 */
export function sigmoid(x: Tensor): Tensor {
  return unaryOp('sigmoid', x);
}

/**
 * Hyperbolic tangent.
 *
 * On the wasm backend (the default) a polynomial within 2 float32 ulps of the reference's
 * `Math.tanh` rounded to float32 (special values exact), on any number of threads.
 *
 * @example
 * ```ts
 * import { tanh, tensor } from '@lacuna/tensor';
 * tanh(tensor([0])).toArray(); // [0]
 * ```
 */
export function tanh(x: Tensor): Tensor {
  return unaryOp('tanh', x);
}

/**
 * Elementwise `log(1 + x)`, accurate for small x.
 *
 * On the wasm backend (the default) a polynomial within 2 float32 ulps of the reference's
 * `Math.log1p` rounded to float32 (special values exact), on any number of threads.
 *
 * @example
 * ```ts
 * import { log1p, tensor } from '@lacuna/tensor';
 * log1p(tensor([0])).toArray(); // [0]
 * ```
 */
export function log1p(x: Tensor): Tensor {
  return unaryOp('log1p', x);
}

/**
 * Elementwise sign: -1, 0 or 1 (NaN stays NaN). Its gradient is zero almost everywhere.
 *
 * @example
 * ```ts
 * import { sign, tensor } from '@lacuna/tensor';
 * sign(tensor([-2, 0, 3])).toArray(); // [-1, 0, 1]
 * ```
 */
export function sign(x: Tensor): Tensor {
  return unaryOp('sign', x);
}

/**
 * The error function `erf(x) = 2/√π ∫₀ˣ e^(-t²) dt` elementwise (to about 1e-7, ample for float32).
 *
 * @example
 * ```ts
 * import { erf, tensor } from '@lacuna/tensor';
 * erf(tensor([0, 1])).toArray(); // [0.0000…, 0.8427…] (within about 1e-7)
 * ```
 */
export function erf(x: Tensor): Tensor {
  return unaryOp('erf', x);
}
