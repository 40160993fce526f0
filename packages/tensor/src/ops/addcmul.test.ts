import { expect, it } from 'vitest';
import { DTypeError, ShapeError } from '../errors.js';
import { Tensor } from '../tensor.js';
import { describeBackends, expectSameBits, FALLBACK_ELEMENTS } from '../test-util/backends.js';
import { floats } from '../test-util/kernel-inputs.js';
import { addcmul } from './addcmul.js';
import { add, mul } from './binary.js';
import { tensor } from './creation.js';

const flat = (data: Float32Array) => new Tensor(data, [data.length], 'float32');

describeBackends('addcmul', () => {
  it.each([0, 1, 3, 4, 7, 70_001, FALLBACK_ELEMENTS])(
    '%i elements: the bits of add(input, mul(a, b)), special values included',
    (n) => {
      // NaN, ±0, ±∞ and subnormals in every operand (at different places), tails of 1–3.
      const [input, a, b] = [1, 2, 3].map((seed) => flat(floats(n, n + seed, true))) as [
        Tensor,
        Tensor,
        Tensor,
      ];
      const out = addcmul(input, a, b);
      expect(out.shape).toEqual([n]);
      expectSameBits(out.storage, add(input, mul(a, b)).storage);
    },
  );

  it('rounds the product before the sum (no fused multiply-add), and keeps the shape', () => {
    // (1 + 2⁻²³)² = 1 + 2⁻²² + 2⁻⁴⁶ exactly; its float32 rounding minus 1 is 2⁻²², where a fused
    // multiply-add would keep 2⁻²² + 2⁻⁴⁶.
    const e = 2 ** -23;
    const out = addcmul(tensor([[-1, 2]]), tensor([[1 + e, 3]]), tensor([[1 + e, -1]]));
    expect(out.shape).toEqual([1, 2]);
    expect(Array.from(out.data())).toEqual([2 * e, -1]);
  });

  it('records one node over input, a and b', () => {
    const [input, a, b] = [tensor([1, 2]), tensor([3, 4]), tensor([5, 6])];
    expect(addcmul(input, a, b).gradNode).toBeNull();
    b.requiresGrad = true;
    const node = addcmul(input, a, b).gradNode;
    expect(node?.op).toBe('addcmul');
    expect(node?.inputs).toEqual([input, a, b]);
  });

  it('rejects operands that do not fit, naming op and argument', () => {
    const int = tensor([1], { dtype: 'int32' });
    expect(() => addcmul(int, tensor([1]), tensor([1]))).toThrow(DTypeError);
    expect(() => addcmul(tensor([1]), tensor([1]), int)).toThrow(
      /addcmul: argument 'b' must have dtype float32, got int32/,
    );
    expect(() => addcmul(tensor([1, 2]), tensor([1]), tensor([1, 2]))).toThrow(ShapeError);
    expect(() => addcmul(tensor([1, 2]), tensor([1, 2]), tensor([[1, 2]]))).toThrow(
      /addcmul: argument 'b' must have input's shape \[2\], got \[1,2\]/,
    );
    expect(() => addcmul(tensor([1]), [1] as never, tensor([1]))).toThrow(/argument 'a'/);
  });
});
