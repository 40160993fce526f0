import { getBackend } from '../backend/registry.js';
import { record } from '../record.js';
import { allocateUnfilled } from '../storage.js';
import { Tensor } from '../tensor.js';
import { checkFloat, checkFloatOfShape } from './util.js';

const OP = 'addcmul';

/** The storage of `operand`, checked to be a float32 tensor of input's shape. */
const likeInput = (argument: string, input: Tensor, operand: unknown) =>
  checkFloatOfShape(OP, argument, operand, input.shape, "input's").storage as Float32Array;

/**
 * Adds an elementwise product, as one op: `out = input + a·b` (PyTorch's `torch.addcmul` with
 * value 1). Each element is the float32 product rounded, then the float32 sum rounded: bit for
 * bit `add(input, mul(a, b))`, in one pass and without the product's intermediate tensor. Its
 * gradients are `d input = g`, `d a = g·b`, `d b = g·a`.
 *
 * @param input - float32, any shape.
 * @param a - float32, input's shape (no broadcasting).
 * @param b - float32, input's shape (no broadcasting).
 * @returns `input + a·b`, float32, input's shape.
 * @throws DTypeError for a non-float32 operand; ShapeError when a or b has another shape.
 * @example
 * ```ts
 * import { addcmul, tensor } from '@lacuna/tensor';
 * addcmul(tensor([1, 2, 3]), tensor([2, 0.5, -1]), tensor([3, 4, 5])).data(); // Float32Array [7, 4, -2]
 * ```
 */
export function addcmul(input: Tensor, a: Tensor, b: Tensor): Tensor {
  checkFloat(OP, 'input', input);
  const [as, bs] = [likeInput('a', input, a), likeInput('b', input, b)];
  const out = new Tensor(allocateUnfilled('float32', input.size), input.shape, 'float32');
  getBackend().addcmul(input.storage as Float32Array, as, bs, out.storage as Float32Array);
  return record(OP, [input, a, b], out, {});
}
