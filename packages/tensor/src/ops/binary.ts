import type { BinaryOpName } from '../backend/backend.js';
import { getBackend } from '../backend/registry.js';
import { type DType, promote } from '../dtype.js';
import { record } from '../record.js';
import { broadcastShapes } from '../shape.js';
import { allocateUnfilled } from '../storage.js';
import { Tensor } from '../tensor.js';
import { scalarFor } from './creation.js';
import { checkTensor } from './util.js';

/** A tensor or a plain number (treated as a scalar that broadcasts). */
export type TensorLike = Tensor | number;

/** The binary ops that compare: their result is bool and has no gradient. */
type ComparisonOpName = 'greater' | 'greaterEqual' | 'less' | 'lessEqual' | 'equal' | 'notEqual';

const COMPARISONS = new Set<BinaryOpName>([
  'greater',
  'greaterEqual',
  'less',
  'lessEqual',
  'equal',
  'notEqual',
] satisfies ComparisonOpName[]);

function isComparison(op: BinaryOpName): op is ComparisonOpName {
  return COMPARISONS.has(op);
}

function operands(op: string, a: TensorLike, b: TensorLike): [Tensor, Tensor] {
  if (typeof a === 'number' && typeof b === 'number') {
    return [scalarFor(a, 'float32'), scalarFor(b, 'float32')];
  }
  const ta =
    typeof a === 'number' ? scalarFor(a, checkTensor(op, 'b', b).dtype) : checkTensor(op, 'a', a);
  const tb = typeof b === 'number' ? scalarFor(b, ta.dtype) : checkTensor(op, 'b', b);
  return [ta, tb];
}

function resultDType(op: BinaryOpName, a: DType, b: DType): DType {
  if (isComparison(op)) return 'bool';
  if (op === 'div') return 'float32'; // true division, as in PyTorch
  const p = promote(a, b);
  return p === 'bool' ? 'int32' : p;
}

/** Computes `op` elementwise with broadcasting and records it for autograd. @internal */
export function binaryOp(op: BinaryOpName, a: TensorLike, b: TensorLike): Tensor {
  const [ta, tb] = operands(op, a, b);
  const shape = broadcastShapes(ta.shape, tb.shape, op);
  const dtype = resultDType(op, ta.dtype, tb.dtype);
  const out = new Tensor(
    allocateUnfilled(
      dtype,
      shape.reduce((n, d) => n * d, 1),
    ),
    shape,
    dtype,
  );
  getBackend().binary(op, ta.storage, tb.storage, out.storage, {
    aShape: ta.shape,
    bShape: tb.shape,
    outShape: shape,
  });
  if (isComparison(op)) return out; // not differentiable: no node, see autograd's error
  return record(op, [ta, tb], out, {});
}

/**
 * Elementwise sum `a + b` with NumPy broadcasting.
 *
 * @param a - Tensor or number.
 * @param b - Tensor or number; shapes must broadcast.
 * @returns A tensor of the broadcast shape; dtype is the wider of the two (bool + bool → int32).
 * @example
 * ```ts
 * import { add, tensor } from '@lacuna/tensor';
 * add(tensor([[1], [2]]), tensor([10, 20])).toArray(); // [[11, 21], [12, 22]]
 * ```
 */
export function add(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp('add', a, b);
}

/**
 * Elementwise difference `a - b` with broadcasting.
 *
 * @example
 * ```ts
 * import { sub, tensor } from '@lacuna/tensor';
 * sub(tensor([3, 4]), 1).toArray(); // [2, 3]
 * ```
 */
export function sub(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp('sub', a, b);
}

/**
 * Elementwise product `a · b` with broadcasting.
 *
 * @example
 * ```ts
 * import { mul, tensor } from '@lacuna/tensor';
 * mul(tensor([1, 2, 3]), 2).toArray(); // [2, 4, 6]
 * ```
 */
export function mul(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp('mul', a, b);
}

/**
 * Elementwise true division `a / b` with broadcasting; always float32 (integers too).
 *
 * @example
 * ```ts
 * import { div, tensor } from '@lacuna/tensor';
 * div(tensor([1, 3]), 2).toArray(); // [0.5, 1.5]
 * ```
 */
export function div(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp('div', a, b);
}

/**
 * Elementwise power `a^b` with broadcasting (float32 unless both are integers; negative bases with
 * fractional exponents give NaN, as IEEE defines).
 *
 * @example
 * ```ts
 * import { pow, tensor } from '@lacuna/tensor';
 * pow(tensor([1, 2, 3]), 2).toArray(); // [1, 4, 9]
 * ```
 */
export function pow(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp('pow', a, b);
}

/**
 * Elementwise maximum with broadcasting; NaN if either is NaN.
 *
 * @example
 * ```ts
 * import { maximum, tensor } from '@lacuna/tensor';
 * maximum(tensor([1, 5]), 3).toArray(); // [3, 5]
 * ```
 */
export function maximum(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp('maximum', a, b);
}

/**
 * Elementwise minimum with broadcasting; NaN if either is NaN.
 *
 * @example
 * ```ts
 * import { minimum, tensor } from '@lacuna/tensor';
 * minimum(tensor([1, 5]), 3).toArray(); // [1, 3]
 * ```
 */
export function minimum(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp('minimum', a, b);
}

/**
 * Elementwise `a > b` as a bool tensor (not differentiable).
 *
 * @example
 * ```ts
 * import { greater, tensor } from '@lacuna/tensor';
 * greater(tensor([1, 5]), 3).toArray(); // [false, true]
 * ```
 */
export function greater(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp('greater', a, b);
}

/**
 * Elementwise `a === b` as a bool tensor (not differentiable).
 *
 * @example
 * ```ts
 * import { equal, tensor } from '@lacuna/tensor';
 * equal(tensor([1, 2], { dtype: 'int32' }), 2).toArray(); // [false, true]
 * ```
 */
export function equal(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp('equal', a, b);
}

/**
 * Elementwise `a >= b` as a bool tensor (not differentiable).
 *
 * @example
 * ```ts
 * import { greaterEqual, tensor } from '@lacuna/tensor';
 * greaterEqual(tensor([1, 3]), 3).toArray(); // [false, true]
 * ```
 */
export function greaterEqual(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp('greaterEqual', a, b);
}

/**
 * Elementwise `a < b` as a bool tensor (not differentiable).
 *
 * @example
 * ```ts
 * import { less, tensor } from '@lacuna/tensor';
 * less(tensor([1, 5]), 3).toArray(); // [true, false]
 * ```
 */
export function less(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp('less', a, b);
}

/**
 * Elementwise `a <= b` as a bool tensor (not differentiable).
 *
 * @example
 * ```ts
 * import { lessEqual, tensor } from '@lacuna/tensor';
 * lessEqual(tensor([3, 5]), 3).toArray(); // [true, false]
 * ```
 */
export function lessEqual(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp('lessEqual', a, b);
}

/**
 * Elementwise `a !== b` as a bool tensor (not differentiable; NaN is unequal to everything).
 *
 * @example
 * ```ts
 * import { notEqual, tensor } from '@lacuna/tensor';
 * notEqual(tensor([1, 2]), 2).toArray(); // [true, false]
 * ```
 */
export function notEqual(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp('notEqual', a, b);
}
