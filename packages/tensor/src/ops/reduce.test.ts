import fc from 'fast-check';
import { expect, it } from 'vitest';
import { ArgumentRangeError, ShapeError } from '../errors.js';
import { Tensor } from '../tensor.js';
import { describeBackends, FALLBACK_ELEMENTS } from '../test-util/backends.js';
import { unravel } from '../test-util/naive.js';
import { tensor } from './creation.js';
import { argmax, max, mean, min, sum } from './reduce.js';

describeBackends('reductions', () => {
  it('match a naive reference over random shapes and axis sets, with keepDims', () => {
    const arb = fc
      .array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 })
      .chain((shape) =>
        fc.tuple(
          fc.constant(shape),
          fc.subarray(
            shape.map((_, i) => i),
            { minLength: 1 },
          ),
          fc.boolean(),
        ),
      );
    fc.assert(
      fc.property(arb, ([shape, axes, keepDims]) => {
        const n = shape.reduce((a, d) => a * d, 1);
        const x = new Tensor(
          Float32Array.from({ length: n }, (_, i) => ((i * 7919) % 13) - 6),
          shape,
          'float32',
        );
        const outShape = shape.map((d, i) => (axes.includes(i) ? 1 : d));
        const groups = new Map<number, number[]>();
        for (let i = 0; i < n; i++) {
          const idx = unravel(i, shape).map((v, d) => (axes.includes(d) ? 0 : v));
          const key = idx.reduce((acc, v, d) => acc * outShape[d]! + v, 0);
          groups.set(key, [...(groups.get(key) ?? []), x.storage[i]!]);
        }
        const s = sum(x, { axis: axes, keepDims });
        const mx = max(x, { axis: axes, keepDims });
        const mn = mean(x, { axis: axes });
        expect(s.shape).toEqual(keepDims ? outShape : shape.filter((_, i) => !axes.includes(i)));
        for (const [key, vals] of groups) {
          expect(s.storage[key]).toBeCloseTo(
            vals.reduce((a, v) => a + v, 0),
            4,
          );
          expect(mx.storage[key]).toBe(Math.max(...vals));
          expect(mn.storage[key]).toBeCloseTo(vals.reduce((a, v) => a + v, 0) / vals.length, 5);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('sum and max rows and columns of an operand too big for the capped backend’s memory', () => {
    const [rows, cols] = [FALLBACK_ELEMENTS / 16, 16];
    // Small integers: every partial sum is exact in float32, in any order.
    const x = new Tensor(
      Float32Array.from({ length: rows * cols }, (_, i) => ((i * 7919) % 13) - 6),
      [rows, cols],
      'float32',
    );
    const rowSums = new Float32Array(rows);
    const colMax = new Float32Array(cols).fill(Number.NEGATIVE_INFINITY);
    for (let i = 0; i < x.size; i++) {
      rowSums[Math.floor(i / cols)]! += x.storage[i]!;
      colMax[i % cols] = Math.max(colMax[i % cols]!, x.storage[i]!);
    }
    expect(sum(x, { axis: 1 }).storage).toEqual(rowSums);
    expect(max(x, { axis: 0 }).storage).toEqual(colMax);
  });

  it('known values, negative axes and dtypes', () => {
    const x = tensor([
      [1, 5],
      [7, 2],
    ]);
    expect(sum(x).item()).toBe(15);
    expect(sum(x, { axis: -1 }).toArray()).toEqual([6, 9]);
    expect(max(x, { axis: 1 }).toArray()).toEqual([5, 7]);
    expect(min(x, { axis: 0 }).toArray()).toEqual([1, 2]);
    expect(mean(x, { axis: 0, keepDims: true }).toArray()).toEqual([[4, 3.5]]);
    expect(sum(tensor([true, true, false])).toArray()).toBe(2);
    expect(sum(tensor([true, true, false])).dtype).toBe('int32');
    expect(sum(tensor([[]])).item()).toBe(0);
    expect(
      argmax(
        tensor([
          [1, 5, 2],
          [9, 0, 9],
        ]),
        1,
      ).toArray(),
    ).toEqual([1, 0]);
    expect(
      argmax(
        tensor([
          [1, 5, 2],
          [9, 0, 9],
        ]),
        0,
      ).toArray(),
    ).toEqual([1, 0, 1]);
  });

  it('reject bad axes and empty max', () => {
    expect(() => sum(tensor([[1]]), { axis: 2 })).toThrow(ArgumentRangeError);
    expect(() => sum(tensor([[1]]), { axis: 2 })).toThrow(
      "sum: argument 'axis' must be an integer in [-2, 1] for a tensor of rank 2, got 2",
    );
    expect(() => sum(tensor([[1]]), { axis: [0, -2] })).toThrow(/must not repeat/);
    expect(() => max(tensor([]))).toThrow(ShapeError);
  });
});
