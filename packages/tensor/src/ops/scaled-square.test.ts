import { expect, it } from 'vitest';
import { DTypeError, ShapeError } from '../errors.js';
import { Tensor } from '../tensor.js';
import { describeBackends, FALLBACK_ELEMENTS } from '../test-util/backends.js';
import { tensor } from './creation.js';
import { scaledSquare, scaledSquareBackward } from './scaled-square.js';

// The bound, relative to the exact (float64) value. The reference rounds once (2⁻²⁴). The wasm
// kernel's e^s is within 2 float32 ulps of the correctly rounded one, so within 2.5·2⁻²³ of e^s;
// then two float32 products for the output and dx (2·2⁻²⁴) and three for ds (3·2⁻²⁴): at most
// 3.5·2⁻²³ and 4·2⁻²³ to first order. 5·2⁻²³ leaves room for the second-order terms.
const BOUND = 5 * 2 ** -23;

/** x from ±10⁻³ to ±10³ (zeros of both signs among them), s from −30 to 5, grad in [−2, 2]. */
function operands(n: number, seed: number): [Float32Array, Float32Array, Float32Array] {
  const wave = (i: number, k: number) => Math.sin(seed + i * k);
  const x = Float32Array.from({ length: n }, (_, i) =>
    i % 11 === 5 ? (i % 2 ? -0 : 0) : Math.sign(wave(i, 0.71)) * 10 ** (3 * wave(i, 0.37)),
  );
  const s = Float32Array.from({ length: n }, (_, i) => -12.5 + 17.5 * wave(i, 0.53));
  const g = Float32Array.from({ length: n }, (_, i) => 2 * wave(i, 0.29));
  return [x, s, g];
}

const flat = (data: Float32Array) => new Tensor(data, [data.length], 'float32');

/** Throws naming the first element further than BOUND (relative) from `want(i)`. */
function expectClose(name: string, got: ArrayLike<number>, want: (i: number) => number): void {
  for (let i = 0; i < got.length; i++) {
    const w = want(i);
    if (!(Math.abs(got[i]! - w) <= BOUND * Math.abs(w)))
      throw new Error(`${name}[${i}]: got ${got[i]}, want ${w}`);
  }
}

describeBackends('scaledSquare', () => {
  it.each([0, 1, 3, 4, 7, 70_001, FALLBACK_ELEMENTS])(
    '%i elements: exp(s)·x² and both gradients within 5·2⁻²³ of float64, relative',
    (n) => {
      const [x, s, g] = operands(n, n);
      const out = scaledSquare(flat(x), flat(s));
      expect(out.shape).toEqual([n]);
      expectClose('out', out.storage, (i) => Math.exp(s[i]!) * x[i]! * x[i]!);
      const [dx, ds] = scaledSquareBackward(flat(g), flat(x), flat(s));
      expectClose('dx', dx.storage, (i) => 2 * Math.exp(s[i]!) * x[i]! * g[i]!);
      expectClose('ds', ds.storage, (i) => Math.exp(s[i]!) * x[i]! * x[i]! * g[i]!);
    },
  );

  it('keeps the shape; x = 0 gives 0 in every output, not 0/0', () => {
    // s = 0 (e^s = 1 exactly on every backend) and x = ±0 with other s: exact results.
    const x = new Tensor(new Float32Array([0, -0, 2, 1, 0, 3]), [2, 3], 'float32');
    const s = new Tensor(new Float32Array([0, -3, 0, 0, 30, 0]), [2, 3], 'float32');
    const out = scaledSquare(x, s);
    expect(out.shape).toEqual([2, 3]);
    expect(Array.from(out.data())).toEqual([0, 0, 4, 1, 0, 9]);
    const [dx, ds] = scaledSquareBackward(
      tensor([
        [1, 1, 1],
        [1, 1, 0.5],
      ]),
      x,
      s,
    );
    expect(dx.shape).toEqual([2, 3]);
    expect(Array.from(dx.data())).toEqual([0, -0, 4, 2, 0, 3]);
    expect(Array.from(ds.data())).toEqual([0, 0, 4, 1, 0, 4.5]);
  });

  it('special values: s = −∞ gives 0, s = +∞ with x = 0 gives NaN, NaN stays NaN', () => {
    const inf = Number.POSITIVE_INFINITY;
    const out = scaledSquare(
      tensor([2, 0, 2, Number.NaN, 1]),
      tensor([-inf, inf, inf, 0, Number.NaN]),
    );
    expect(Array.from(out.data())).toEqual([0, Number.NaN, inf, Number.NaN, Number.NaN]);
  });

  it('records one node over x and the log scale', () => {
    const [x, s] = [tensor([1, 2]), tensor([0, -1])];
    expect(scaledSquare(x, s).gradNode).toBeNull();
    s.requiresGrad = true;
    const node = scaledSquare(x, s).gradNode;
    expect(node?.op).toBe('scaledSquare');
    expect(node?.inputs).toEqual([x, s]);
  });

  it('rejects operands that do not fit, naming op and argument', () => {
    const int = tensor([1], { dtype: 'int32' });
    expect(() => scaledSquare(int, tensor([0]))).toThrow(DTypeError);
    expect(() => scaledSquare(tensor([1]), int)).toThrow(
      /scaledSquare: argument 'logScale' must have dtype float32, got int32/,
    );
    expect(() => scaledSquare(tensor([1, 2]), tensor([0]))).toThrow(ShapeError);
    expect(() => scaledSquare(tensor([1, 2]), tensor([[0, 0]]))).toThrow(
      /scaledSquare: argument 'logScale' must have x's shape \[2\], got \[1,2\]/,
    );
    expect(() => scaledSquareBackward(tensor([1]), tensor([1, 2]), tensor([0, 0]))).toThrow(
      /scaledSquareBackward: argument 'grad' must have x's shape \[2\], got \[1\]/,
    );
    expect(() => scaledSquareBackward(tensor([1, 2]), int, tensor([0]))).toThrow(
      /scaledSquareBackward: argument 'x' must have dtype float32, got int32/,
    );
  });
});
