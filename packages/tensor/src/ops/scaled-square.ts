import { getBackend } from '../backend/registry.js';
import { checkOptionKeys, optionKeys } from '../options.js';
import { record, willRecord } from '../record.js';
import type { Tensor } from '../tensor.js';
import { checkFloat, checkFloatOfShape, unfilledLike } from './util.js';

const OP = 'scaledSquare';
const BACKWARD = `${OP}Backward`;

/**
 * What {@link scaledSquare} saves for its gradient when autograd records it: the float32 factor
 * e^s·x of its product and the output e^s·x² itself, so that the backward pass is two products
 * per element, with no exp and no read of x or s (`dx = 2·scaled·g`, `ds = output·g`).
 */
export interface ScaledSquareSaved {
  /** e^s·x, float32, x's shape: the forward pass's own rounding of it. */
  readonly scaled: Tensor;
  /** The op's result e^s·x², which is ds per unit of upstream gradient. */
  readonly output: Tensor;
}

/** Options of {@link scaledSquareBackward}. */
export interface ScaledSquareBackwardOptions {
  /** Added to dx in the same pass (float32, x's shape): a gradient accumulated before. */
  readonly dxAddend?: Tensor;
  /** Added to ds in the same pass (float32, x's shape): a gradient accumulated before. */
  readonly dsAddend?: Tensor;
}

// The backward's option names, checked by the compiler against the options type.
const BACKWARD_KEYS = optionKeys<ScaledSquareBackwardOptions>({ dxAddend: true, dsAddend: true });

/** A tensor's storage as the float32 array the checks guaranteed. */
const f32 = (t: Tensor) => t.storage as Float32Array;

/** Checks that `operand` is a float32 tensor of the shape of `like` (named `likeName`). */
const checkLike = (
  op: string,
  argument: string,
  like: Tensor,
  likeName: string,
  operand: unknown,
) => checkFloatOfShape(op, argument, operand, like.shape, `${likeName}'s`);

/**
 * x² scaled by e^s, elementwise, as one op: `out = exp(logScale)·x²`. It is the variance weight
 * α⊙θ² = exp(log α)·θ² of variational dropout's local reparameterisation (Kingma, Salimans &
 * Welling 2015, "Variational Dropout and the Local Reparameterization Trick") with one α per
 * weight: one pass over θ and log α instead of exp and two products. When autograd records the
 * op, the same pass also writes the factor e^s·x of the product, which the op saves with its
 * output ({@link ScaledSquareSaved}): the gradients `dx = 2·e^s·x·g` and `ds = e^s·x²·g` are then
 * two products per element ({@link scaledSquareBackward}), never an exp again, and never the
 * output divided by x (0/0 at x = 0).
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
  checkLike(OP, 'logScale', x, 'x', logScale);
  const out = unfilledLike(x);
  if (!willRecord([x, logScale])) {
    getBackend().scaledSquare(f32(x), f32(logScale), f32(out), null);
    return out;
  }
  const scaled = unfilledLike(x);
  getBackend().scaledSquare(f32(x), f32(logScale), f32(out), f32(scaled));
  return record(OP, [x, logScale], out, { scaled, output: out });
}

/**
 * The backward pass of {@link scaledSquare}, from what it saved: the gradients of
 * `Σ grad·exp(s)·x²` with respect to x and s, `dx = 2·scaled·grad` and `ds = out·grad` per
 * element (scaled = e^s·x, out = e^s·x²), both in one pass that reads three arrays and computes no
 * exp. Each product is rounded once to float32 (on wasm, `(scaled + scaled)·grad` and `out·grad`
 * in float32: the bits of a pass that recomputes e^s·x with the forward's exp).
 *
 * An addend in `options` is added to its gradient in the same pass, rounded once more: the bits
 * of `add(addend, gradient)`, without the extra pass over memory (for a gradient accumulated
 * from another use of x or s).
 *
 * @param grad - The gradient of the op's output, float32, the output's shape.
 * @param scaled - e^s·x as the forward pass saved it ({@link ScaledSquareSaved}), grad's shape.
 * @param out - The op's output e^s·x², grad's shape.
 * @param options - `dxAddend`, `dsAddend`: float32 tensors of grad's shape added to dx and ds.
 * @returns `[dx, ds]`, each grad's shape.
 * @throws DTypeError for a non-float32 operand; ShapeError when a shape differs from grad's;
 *   LacunaError for an unknown option.
 * @example
 * ```ts
 * import { scaledSquareBackward, tensor } from '@lacuna/tensor';
 * // x = [3, 0], s = [0, 1]: scaled = e^s·x = [3, 0], out = e^s·x² = [9, 0].
 * const [dx, ds] = scaledSquareBackward(tensor([1, 2]), tensor([3, 0]), tensor([9, 0]));
 * dx.data(); // Float32Array [6, 0]
 * ds.data(); // Float32Array [9, 0]
 * // With a gradient accumulated before added to dx:
 * const [dx2] = scaledSquareBackward(tensor([1, 2]), tensor([3, 0]), tensor([9, 0]), {
 *   dxAddend: tensor([0.5, 1]),
 * });
 * dx2.data(); // Float32Array [6.5, 1]
 * ```
 */
export function scaledSquareBackward(
  grad: Tensor,
  scaled: Tensor,
  out: Tensor,
  options?: ScaledSquareBackwardOptions,
): [Tensor, Tensor] {
  checkFloat(BACKWARD, 'grad', grad);
  checkLike(BACKWARD, 'scaled', grad, 'grad', scaled);
  checkLike(BACKWARD, 'out', grad, 'grad', out);
  checkOptionKeys(BACKWARD, options, BACKWARD_KEYS);
  const addend = (name: 'dxAddend' | 'dsAddend') => {
    const a = options?.[name];
    return a === undefined ? null : f32(checkLike(BACKWARD, `options.${name}`, grad, 'grad', a));
  };
  const [dxAddend, dsAddend] = [addend('dxAddend'), addend('dsAddend')];
  const [dx, ds] = [unfilledLike(grad), unfilledLike(grad)];
  getBackend().scaledSquareBackward(
    f32(grad),
    f32(scaled),
    f32(out),
    f32(dx),
    f32(ds),
    dxAddend,
    dsAddend,
  );
  return [dx, ds];
}
