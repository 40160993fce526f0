import fc from 'fast-check';
import { expect, it } from 'vitest';
import { DTypeError, ShapeError } from '../errors.js';
import { Tensor } from '../tensor.js';
import { describeBackends, expectSameBits, FALLBACK_ELEMENTS } from '../test-util/backends.js';
import { floats } from '../test-util/kernel-inputs.js';
import { closeTo, naiveMatmul } from '../test-util/naive.js';
import { add } from './binary.js';
import { tensor } from './creation.js';
import { matmul } from './matmul.js';

function filled(shape: number[], seed: number): Tensor {
  const n = shape.reduce((a, d) => a * d, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = Math.fround(Math.cos(seed * 31 + i * 0.37));
  return new Tensor(data, shape, 'float32');
}

describeBackends('matmul', () => {
  it('matches the naive product for every transpose combination on random sizes', () => {
    const dim = fc.integer({ min: 0, max: 300 }).map((d) => (d > 40 ? (d % 7) + 257 : d)); // some sizes cross the 256 panel
    fc.assert(
      fc.property(
        dim,
        fc.integer({ min: 0, max: 20 }),
        dim,
        fc.boolean(),
        fc.boolean(),
        (m, k, n, ta, tb) => {
          const a = filled(ta ? [k, m] : [m, k], 1);
          const b = filled(tb ? [n, k] : [k, n], 2);
          const out = matmul(a, b, { transA: ta, transB: tb });
          expect(out.shape).toEqual([m, n]);
          expect(closeTo(out.storage, naiveMatmul(a.storage, b.storage, m, n, k, ta, tb))).toBe(
            true,
          );
        },
      ),
      { numRuns: 60 },
    );
  });

  it('computes known values', () => {
    const a = tensor([
      [1, 2],
      [3, 4],
    ]);
    expect(matmul(a, a).toArray()).toEqual([
      [7, 10],
      [15, 22],
    ]);
    expect(matmul(a, a, { transB: true }).toArray()).toEqual([
      [5, 11],
      [11, 25],
    ]);
    expect(matmul(a, a, { transA: true }).toArray()).toEqual([
      [10, 14],
      [14, 20],
    ]);
    expect(matmul(a, a, { transA: true, transB: true }).toArray()).toEqual([
      [7, 15],
      [10, 22],
    ]);
  });

  it('batches, and shares a 2-D operand across the batch', () => {
    const a = filled([3, 4, 5], 3);
    const b = filled([3, 5, 2], 4);
    const w = filled([5, 2], 5);
    const out = matmul(a, b);
    const shared = matmul(a, w);
    expect(out.shape).toEqual([3, 4, 2]);
    for (let i = 0; i < 3; i++) {
      const ai = a.storage.subarray(i * 20, (i + 1) * 20);
      expect(
        closeTo(
          out.storage.subarray(i * 8, (i + 1) * 8),
          naiveMatmul(ai, b.storage.subarray(i * 10, (i + 1) * 10), 4, 2, 5, false, false),
        ),
      ).toBe(true);
      expect(
        closeTo(
          shared.storage.subarray(i * 8, (i + 1) * 8),
          naiveMatmul(ai, w.storage, 4, 2, 5, false, false),
        ),
      ).toBe(true);
    }
  });

  it('multiplies a tall operand too big for the capped backend’s memory', () => {
    const m = FALLBACK_ELEMENTS / 4;
    const a = filled([m, 4], 6);
    const b = filled([4, 3], 7);
    const out = matmul(a, b);
    expect(closeTo(out.storage, naiveMatmul(a.storage, b.storage, m, 3, 4, false, false))).toBe(
      true,
    );
  });

  it('adds an addend with the bits of add(addend, matmul(a, b)): batches, transposes, k = 0, edge tiles', () => {
    // [a's shape, b's shape, transA, transB]: edges off the 4×8 micro-tile and the 256-deep slab,
    // an empty k, batches (one shared operand), and 1024×1024 products that split across threads.
    const cases: [number[], number[], boolean, boolean][] = [
      [[5, 7], [7, 9], false, false],
      [[7, 5], [9, 7], true, true],
      [[13, 3], [3, 33], false, false],
      [[257, 6], [257, 11], true, false],
      [[4, 0], [0, 8], false, false],
      [[0, 3], [5, 0], true, true],
      [[2, 5, 9], [2, 9, 3], false, false],
      [[3, 6, 5], [3, 10, 6], true, true],
      [[6, 5], [3, 6, 10], true, false],
      [[2, 3, 0], [0, 4], false, false],
      [[128, 1024], [128, 1024], true, false],
    ];
    for (const [sa, sb, transA, transB] of cases) {
      const a = new Tensor(
        floats(
          sa.reduce((p, d) => p * d, 1),
          1,
        ),
        sa,
        'float32',
      );
      const b = new Tensor(
        floats(
          sb.reduce((p, d) => p * d, 1),
          2,
        ),
        sb,
        'float32',
      );
      const product = matmul(a, b, { transA, transB });
      // NaN, ±0, ±∞ and subnormals among the addend's values; -0 + +0 (k = 0) must give +0.
      const d = new Tensor(floats(product.size, 3, true), product.shape, 'float32');
      const got = matmul(a, b, { transA, transB, addend: d });
      expect(got.shape).toEqual(product.shape);
      expectSameBits(got.storage, add(d, product).storage);
    }
  });

  it('rejects an addend of another shape or dtype, naming it', () => {
    const a = filled([2, 3], 0);
    const b = filled([3, 4], 0);
    expect(() => matmul(a, b, { addend: filled([4, 2], 0) })).toThrow(ShapeError);
    expect(() => matmul(a, b, { addend: filled([4], 0) })).toThrow(
      "matmul: argument 'addend' must have the result's shape [2,4], got [4]",
    );
    expect(() => matmul(a, b, { addend: tensor([[1, 2, 3, 4]], { dtype: 'int32' }) })).toThrow(
      DTypeError,
    );
    expect(() => matmul(a, b, { addend: [1, 2] as never })).toThrow(/argument 'addend'/);
  });

  it('rejects mismatched inner sizes, ranks, batches and dtypes', () => {
    expect(() => matmul(filled([2, 3], 0), filled([2, 3], 0))).toThrow(ShapeError);
    expect(() => matmul(filled([2, 3], 0), filled([2, 3], 0))).toThrow(
      /matmul: argument 'b' has shape \[2,3\]: its rows must equal the 3 columns of a \[2,3\], got 2/,
    );
    expect(() => matmul(filled([3], 0), filled([3, 1], 0))).toThrow(/must have rank 2 or 3/);
    expect(() => matmul(filled([2, 2, 2], 0), filled([3, 2, 2], 0))).toThrow(
      /batch size 3, expected 2/,
    );
    expect(() => matmul(tensor([[1]], { dtype: 'int32' }), filled([1, 1], 0))).toThrow(DTypeError);
  });
});
