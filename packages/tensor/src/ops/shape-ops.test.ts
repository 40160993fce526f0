import fc from 'fast-check';
import { expect, it } from 'vitest';
import { ArgumentRangeError, DTypeError, ShapeError } from '../errors.js';
import { stridesOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import { describeBackends, FALLBACK_ELEMENTS } from '../test-util/backends.js';
import { unravel } from '../test-util/naive.js';
import { broadcastTo } from './broadcast-to.js';
import { concat, stack } from './concat.js';
import { arange, tensor, zeros } from './creation.js';
import { gather, indexSelect } from './gather.js';
import { pad } from './pad.js';
import { permute, transpose } from './permute.js';
import { argmin, logsumexp, variance } from './reduce.js';
import { reshape } from './reshape.js';
import { slice } from './slice.js';
import { squeeze, unsqueeze } from './squeeze.js';

const shapeArb = fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 4 });
const iota = (shape: number[]) =>
  new Tensor(
    Float32Array.from({ length: shape.reduce((a, d) => a * d, 1) }, (_, i) => i),
    shape,
    'float32',
  );
const at = (t: Tensor, idx: number[]) =>
  t.storage[idx.reduce((o, v, d) => o + v * stridesOf(t.shape)[d]!, 0)]!;

describeBackends('shape ops against naive index arithmetic', () => {
  it('permute and transpose', () => {
    fc.assert(
      fc.property(
        shapeArb.chain((s) =>
          fc.tuple(fc.constant(s), fc.shuffledSubarray([...s.keys()], { minLength: s.length })),
        ),
        ([shape, perm]) => {
          const x = iota(shape);
          const y = permute(x, perm);
          expect(y.shape).toEqual(perm.map((p) => shape[p]));
          for (let f = 0; f < y.size; f++) {
            const idx = unravel(f, y.shape);
            const src = new Array<number>(shape.length);
            perm.forEach((p, i) => {
              src[p] = idx[i]!;
            });
            expect(y.storage[f]).toBe(at(x, src));
          }
        },
      ),
    );
    expect(transpose(tensor([[1, 2, 3]])).toArray()).toEqual([[1], [2], [3]]);
    expect(() => permute(zeros([2, 2]), [0, 0])).toThrow(ArgumentRangeError);
  });

  it('slice with steps and negative indices', () => {
    fc.assert(
      fc.property(
        shapeArb.chain((s) =>
          fc.tuple(
            fc.constant(s),
            fc.tuple(
              ...s.map((n) =>
                fc.tuple(
                  fc.integer({ min: 0, max: n }),
                  fc.integer({ min: 0, max: n }),
                  fc.integer({ min: 1, max: 3 }),
                ),
              ),
            ),
          ),
        ),
        ([shape, ranges]) => {
          const x = iota(shape);
          const y = slice(
            x,
            ranges.map(([a, b, s]) => [a, b, s] as const),
          );
          ranges.forEach(([a, b, s], d) => {
            expect(y.shape[d]).toBe(Math.max(0, Math.ceil((b - a) / s)));
          });
          for (let f = 0; f < y.size; f++) {
            const idx = unravel(f, y.shape);
            expect(y.storage[f]).toBe(
              at(
                x,
                idx.map((v, d) => ranges[d]![0] + v * ranges[d]![2]),
              ),
            );
          }
        },
      ),
    );
    const x = reshape(arange(12), [3, 4]);
    expect(
      slice(x, [
        [1, 3],
        [0, 4, 2],
      ]).toArray(),
    ).toEqual([
      [4, 6],
      [8, 10],
    ]);
    expect(slice(x, [null, [-1, 4]]).toArray()).toEqual([[3], [7], [11]]);
    expect(() => slice(x, [[0, 5]])).toThrow(/start must|end must be an integer in \[-3, 3\]/);
    expect(() => slice(x, [[0, 2, 0]])).toThrow(/step must be a positive integer/);
  });

  it('broadcastTo, squeeze, unsqueeze', () => {
    expect(broadcastTo(tensor([1, 2]), [2, 2]).toArray()).toEqual([
      [1, 2],
      [1, 2],
    ]);
    expect(broadcastTo(tensor([[1], [2]]), [2, 3]).toArray()).toEqual([
      [1, 1, 1],
      [2, 2, 2],
    ]);
    expect(() => broadcastTo(tensor([1, 2]), [3])).toThrow(ShapeError);
    expect(() => broadcastTo(tensor([[1, 2]]), [2])).toThrow(/is not a broadcast/);
    expect(squeeze(zeros([1, 3, 1])).shape).toEqual([3]);
    expect(squeeze(zeros([1, 3, 1]), -1).shape).toEqual([1, 3]);
    expect(() => squeeze(zeros([2, 3]), 0)).toThrow(/size-1 axis/);
    expect(unsqueeze(zeros([3]), 0).shape).toEqual([1, 3]);
    expect(unsqueeze(zeros([3]), -1).shape).toEqual([3, 1]);
    const x = tensor([1, 2]);
    expect(unsqueeze(x, 0).storage).toBe(x.storage); // a view
  });

  it('concat, stack', () => {
    expect(concat([tensor([[1, 2]]), tensor([[3, 4]])]).toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(concat([tensor([[1, 2]]), tensor([[3]])], 1).toArray()).toEqual([[1, 2, 3]]);
    expect(concat([zeros([2, 0]), tensor([[1], [2]])], -1).toArray()).toEqual([[1], [2]]);
    expect(stack([tensor([1, 2]), tensor([3, 4])], 1).toArray()).toEqual([
      [1, 3],
      [2, 4],
    ]);
    expect(() => concat([tensor([[1, 2]]), tensor([[3]])], 0)).toThrow(ShapeError);
    expect(() => concat([tensor([1]), tensor([1], { dtype: 'int32' })])).toThrow(DTypeError);
    expect(() => concat([])).toThrow(/non-empty/);
    expect(() => stack([tensor([1]), tensor([1, 2])])).toThrow(/expected \[1\]/);
  });

  it('gather, indexSelect', () => {
    const x = tensor([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const i32 = (v: number[] | number[][]) => tensor(v, { dtype: 'int32' });
    expect(indexSelect(x, 0, i32([2, 0, -1])).toArray()).toEqual([
      [5, 6],
      [1, 2],
      [5, 6],
    ]);
    expect(indexSelect(x, 1, i32([1])).toArray()).toEqual([[2], [4], [6]]);
    expect(gather(x, 1, i32([[1], [0], [1]])).toArray()).toEqual([[2], [3], [6]]);
    expect(gather(x, 0, i32([[2, 0]])).toArray()).toEqual([[5, 2]]);
    expect(() => indexSelect(x, 0, i32([3]))).toThrow(ArgumentRangeError);
    expect(() => indexSelect(x, 0, tensor([0]))).toThrow(DTypeError);
    expect(() => gather(x, 1, i32([1]))).toThrow(/must have rank 2/);
  });

  it('pad', () => {
    expect(
      pad(tensor([[1, 2]]), [
        [1, 0],
        [0, 1],
      ]).toArray(),
    ).toEqual([
      [0, 0, 0],
      [1, 2, 0],
    ]);
    expect(pad(tensor([1]), [[2, 1]], -1).toArray()).toEqual([-1, -1, 1, -1]);
    expect(pad(zeros([0, 2]), [[1, 0]]).shape).toEqual([1, 2]);
    expect(() => pad(tensor([1]), [[-1, 0]])).toThrow(/non-negative integers/);
  });

  it('argmin, variance, logsumexp', () => {
    expect(
      argmin(
        tensor([
          [1, 5, 2],
          [9, 0, 3],
        ]),
        1,
      ).toArray(),
    ).toEqual([0, 1]);
    expect(argmin(tensor([3, Number.NaN, 1]), 0).item()).toBe(1);
    expect(variance(tensor([1, 2, 3, 4])).item()).toBeCloseTo(5 / 3, 5);
    expect(variance(tensor([1, 2, 3, 4]), { correction: 0 }).item()).toBeCloseTo(1.25, 5);
    expect(
      variance(
        tensor([
          [1, 3],
          [2, 2],
        ]),
        { axis: 1, keepDims: true },
      ).toArray(),
    ).toEqual([[2], [0]]);
    expect(logsumexp(tensor([1000, 1000])).item()).toBeCloseTo(1000 + Math.LN2, 3);
    expect(
      logsumexp(
        tensor([
          [0, 0],
          [1, 1],
        ]),
        { axis: 1 },
      ).toArray(),
    ).toEqual([Math.fround(Math.LN2), Math.fround(1 + Math.LN2)]);
    expect(logsumexp(tensor([-Infinity, -Infinity])).item()).toBe(-Infinity);
  });

  it('variance of rows of an operand too big for the capped backend’s memory', () => {
    // Each row is [r, r + 1, r + 2, r + 3]: variance 5/3, exact up to the final division.
    const x = reshape(
      tensor(Float32Array.from({ length: FALLBACK_ELEMENTS }, (_, i) => ((i >> 2) % 97) + (i % 4))),
      [FALLBACK_ELEMENTS / 4, 4],
    );
    const v = variance(x, { axis: 1 }).storage;
    expect(v.every((value) => value === Math.fround(5 / 3))).toBe(true);
  });
});
