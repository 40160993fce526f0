import { getBackend } from '../backend/registry.js';
import { record } from '../record.js';
import { allocateUnfilled } from '../storage.js';
import { Tensor } from '../tensor.js';
import { checkFloat, checkFloatOfShape } from './util.js';

const OP = 'scaledSquare';

/** A tensor's storage as the float32 array the checks guaranteed. */
const f32 = (t: Tensor) => t.storage as Float32Array;

/** A fresh float32 tensor of x's shape, for the kernel to fill. */
const unfilledLike = (x: Tensor) =>
  new Tensor(allocateUnfilled('float32', x.size), x.shape, 'float32');

/** Checks that `operand` is a float32 tensor of x's shape. */
const checkLikeX = (op: string, argument: string, x: Tensor, operand: unknown) =>
  checkFloatOfShape(op, argument, operand, x.shape, "x's");

/**
 * x² scaled by e^s, elementwise, as one op: `out = exp(logScale)·x²`. It is the variance weight
 * α⊙θ² = exp(log α)·θ² of variational dropout's local reparameterisation (Kingma, Salimans &
 * Welling 2015, "Variational Dropout and the Local Reparameterization Trick") with one α per
 * weight: one pass over θ and log α instead of exp and two products, and one pass for both
 * gradients, `dx = 2·exp(s)·x·g` and `ds = exp(s)·x²·g`, recomputed from x and s (never divided out
 * of the output, which would be 0/0 at x = 0).
 *
 * The reference backend computes each element in float64 and rounds once. The wasm backend takes
 * e^s from its float32 exp (within 2 ulps of the reference's) and multiplies in float32,
 * `(e^s·x)·x`: within 2⁻²¹ of the exact value, relative, while e^s is a normal float32
 * (s > −87.3; below that e^s is subnormal and the result keeps fewer bits), and the same bits on
 * any thread count. Above s ≈ 88.72 its e^s overflows to +∞ even where e^s·x² is finite (the
 * reference keeps such a product). s = −∞ gives 0 for finite x; s = +∞ with x = 0 gives NaN; NaN stays NaN.
 *
 * @param x - float32, any shape.
 * @param logScale - float32 s, x's shape (no broadcasting).
 * @returns `exp(logScale)·x²`, float32, x's shape.
 * @throws DTypeError for a non-float32 operand; ShapeError when the shapes differ.
 * @example
 * ```ts
 * import { scaledSquare, tensor } from '@lacuna/tensor';
 * scaledSquare(tensor([3, -2, 0]), tensor([0, 1, 5])).data(); // Float32Array [9, 10.873…, 0] (4e)
 * ```
 */
export function scaledSquare(x: Tensor, logScale: Tensor): Tensor {
  checkFloat(OP, 'x', x);
  checkLikeX(OP, 'logScale', x, logScale);
  const out = unfilledLike(x);
  getBackend().scaledSquare(f32(x), f32(logScale), f32(out));
  return record(OP, [x, logScale], out, {});
}

/**
 * The backward pass of {@link scaledSquare}: the gradients of `Σ grad·exp(s)·x²` with respect to
 * x and s, `dx = 2·exp(s)·x·grad` and `ds = exp(s)·x²·grad` per element, both in one pass.
 *
 * @param grad - The gradient of the op's output, x's shape.
 * @param x - The op's x.
 * @param logScale - The op's s.
 * @returns `[dx, ds]`, each x's shape.
 * @throws DTypeError for a non-float32 operand; ShapeError when a shape differs from x's.
 * @example
 * ```ts
 * import { scaledSquareBackward, tensor } from '@lacuna/tensor';
 * const [dx, ds] = scaledSquareBackward(tensor([1, 2]), tensor([3, 0]), tensor([0, 1]));
 * dx.data(); // Float32Array [6, 0]
 * ds.data(); // Float32Array [9, 0]
 * ```
 */
export function scaledSquareBackward(grad: Tensor, x: Tensor, logScale: Tensor): [Tensor, Tensor] {
  const op = `${OP}Backward`;
  checkFloat(op, 'x', x);
  checkLikeX(op, 'grad', x, grad);
  checkLikeX(op, 'logScale', x, logScale);
  const [dx, ds] = [unfilledLike(x), unfilledLike(x)];
  getBackend().scaledSquareBackward(f32(x), f32(logScale), f32(grad), f32(dx), f32(ds));
  return [dx, ds];
}
