import fc from 'fast-check';
import { expect, it } from 'vitest';
import { ShapeError } from '../errors.js';
import { broadcastShapes } from '../shape.js';
import { Tensor } from '../tensor.js';
import { describeBackends, FALLBACK_ELEMENTS } from '../test-util/backends.js';
import { broadcastGet, unravel } from '../test-util/naive.js';
import { add, div, equal, greater, maximum, minimum, mul, sub } from './binary.js';
import { tensor } from './creation.js';

// Random pairs of broadcast-compatible shapes, including size-0 and size-1 dimensions.
const shapePair = fc
  .array(fc.integer({ min: 0, max: 4 }), { minLength: 0, maxLength: 4 })
  .chain((base) =>
    fc.tuple(
      fc.constant(base),
      fc.array(fc.boolean(), { minLength: base.length, maxLength: base.length }),
      fc.integer({ min: 0, max: base.length }),
    ),
  )
  .map(([base, ones, drop]) => {
    const b = base.map((d, i) => (ones[i] ? 1 : d)).slice(drop);
    return [base, b] as const;
  });

function randomTensor(shape: readonly number[], seed: number): Tensor {
  const n = shape.reduce((a, d) => a * d, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = Math.fround(Math.sin(seed + i * 1.7) * 3);
  return new Tensor(data, shape, 'float32');
}

describeBackends('broadcasting binary ops', () => {
  it('match a naive per-index reference on random shapes (both operand orders)', () => {
    fc.assert(
      fc.property(shapePair, fc.boolean(), fc.integer(), ([s1, s2], swap, seed) => {
        const [sa, sb] = swap ? [s2, s1] : [s1, s2];
        const a = randomTensor(sa, seed);
        const b = randomTensor(sb, seed + 1);
        const outShape = broadcastShapes(sa, sb);
        for (const [fn, f] of [
          [add, (x: number, y: number) => x + y],
          [sub, (x: number, y: number) => x - y],
          [mul, (x: number, y: number) => x * y],
          [maximum, Math.max],
        ] as const) {
          const out = fn(a, b);
          expect(out.shape).toEqual(outShape);
          for (let i = 0; i < out.size; i++) {
            const idx = unravel(i, outShape);
            const want = Math.fround(
              f(broadcastGet(a.storage, sa, idx), broadcastGet(b.storage, sb, idx)),
            );
            expect(out.storage[i]).toBe(want);
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it('add a bias and divide by a column on operands too big for the capped backend’s memory', () => {
    const [rows, cols] = [FALLBACK_ELEMENTS / 8, 8];
    const x = randomTensor([rows, cols], 3);
    const bias = randomTensor([cols], 4);
    const column = randomTensor([rows, 1], 5);
    const sum = add(x, bias).storage;
    const quotient = div(x, column).storage;
    for (let i = 0; i < x.size; i++) {
      const [v, r, c] = [x.storage[i]!, Math.floor(i / cols), i % cols];
      // float32 arithmetic is exact rounding of the float64 result: equal bits on every backend
      if (sum[i] !== Math.fround(v + bias.storage[c]!)) throw new Error(`add at ${i}: ${sum[i]}`);
      if (!Object.is(quotient[i], Math.fround(v / column.storage[r]!))) {
        throw new Error(`div at ${i}: ${quotient[i]}`);
      }
    }
  });

  it('broadcast known values and number operands', () => {
    expect(add(tensor([[1], [2]]), tensor([10, 20])).toArray()).toEqual([
      [11, 21],
      [12, 22],
    ]);
    expect(sub(10, tensor([1, 2])).toArray()).toEqual([9, 8]);
    expect(div(tensor([1, 3], { dtype: 'int32' }), 2).toArray()).toEqual([0.5, 1.5]);
    expect(div(tensor([1, 3], { dtype: 'int32' }), 2).dtype).toBe('float32');
    expect(mul(tensor([1, 2], { dtype: 'int32' }), 3).dtype).toBe('int32');
    expect(mul(tensor([1, 2], { dtype: 'int32' }), 0.5).dtype).toBe('float32');
    expect(minimum(tensor([1, 5]), 3).toArray()).toEqual([1, 3]);
    expect(greater(tensor([1, 5]), 3).toArray()).toEqual([false, true]);
    expect(equal(tensor([1, 2], { dtype: 'int32' }), 2).dtype).toBe('bool');
  });

  it('propagate NaN through maximum and minimum', () => {
    expect(Number.isNaN(maximum(tensor([Number.NaN]), 1).item())).toBe(true);
    expect(Number.isNaN(minimum(1, tensor([Number.NaN])).item())).toBe(true);
  });

  it('reject incompatible shapes with a message naming both', () => {
    expect(() => add(tensor([1, 2]), tensor([1, 2, 3]))).toThrow(ShapeError);
    expect(() => add(tensor([1, 2]), tensor([1, 2, 3]))).toThrow(
      "add: argument 'b' has shape [3], expected a shape broadcastable with [2]",
    );
    expect(() => mul([1, 2] as never, tensor([1]))).toThrow(
      /mul: argument 'a' must be a Tensor, got an array/,
    );
  });
});
