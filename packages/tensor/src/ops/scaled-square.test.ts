import { expect, it, vi } from 'vitest';
import { DTypeError, LacunaError, ShapeError } from '../errors.js';
import { Tensor } from '../tensor.js';
import { describeBackends, expectSameBits, FALLBACK_ELEMENTS } from '../test-util/backends.js';
import { add } from './binary.js';
import { tensor } from './creation.js';
import { scaledSquare, scaledSquareBackward } from './scaled-square.js';
import { exp } from './unary.js';

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

/** The op recorded (x requires a gradient): its output and the e^s·x it saved. */
function recorded(x: Tensor, s: Tensor): { out: Tensor; scaled: Tensor } {
  x.requiresGrad = true;
  const out = scaledSquare(x, s);
  x.requiresGrad = false;
  const node = out.gradNode;
  if (node?.op !== 'scaledSquare' || node.released) throw new Error('scaledSquare: not recorded');
  expect(node.saved.output).toBe(out);
  return { out, scaled: node.saved.scaled };
}

/** Throws naming the first element further than BOUND (relative) from `want(i)`. */
function expectClose(name: string, got: ArrayLike<number>, want: (i: number) => number): void {
  for (let i = 0; i < got.length; i++) {
    const w = want(i);
    if (!(Math.abs(got[i]! - w) <= BOUND * Math.abs(w)))
      throw new Error(`${name}[${i}]: got ${got[i]}, want ${w}`);
  }
}

describeBackends('scaledSquare', (under) => {
  it.each([0, 1, 3, 4, 7, 70_001, FALLBACK_ELEMENTS])(
    '%i elements: exp(s)·x² and both gradients within 5·2⁻²³ of float64, relative',
    (n) => {
      const [x, s, g] = operands(n, n);
      const { out, scaled } = recorded(flat(x), flat(s));
      expect(out.shape).toEqual([n]);
      expectClose('out', out.storage, (i) => Math.exp(s[i]!) * x[i]! * x[i]!);
      expectClose('scaled', scaled.storage, (i) => Math.exp(s[i]!) * x[i]!);
      // Unrecorded, the output has the same bits.
      expectSameBits(scaledSquare(flat(x), flat(s)).storage, out.storage);
      const [dx, ds] = scaledSquareBackward(flat(g), scaled, out);
      expectClose('dx', dx.storage, (i) => 2 * Math.exp(s[i]!) * x[i]! * g[i]!);
      expectClose('ds', ds.storage, (i) => Math.exp(s[i]!) * x[i]! * x[i]! * g[i]!);
    },
  );

  it('keeps the shape; x = 0 gives 0 in every output, not 0/0', () => {
    // s = 0 (e^s = 1 exactly on every backend) and x = ±0 with other s: exact results.
    const x = new Tensor(new Float32Array([0, -0, 2, 1, 0, 3]), [2, 3], 'float32');
    const s = new Tensor(new Float32Array([0, -3, 0, 0, 30, 0]), [2, 3], 'float32');
    const { out, scaled } = recorded(x, s);
    expect(out.shape).toEqual([2, 3]);
    expect(Array.from(out.data())).toEqual([0, 0, 4, 1, 0, 9]);
    expect(Array.from(scaled.data())).toEqual([0, -0, 2, 1, 0, 3]);
    const [dx, ds] = scaledSquareBackward(
      tensor([
        [1, 1, 1],
        [1, 1, 0.5],
      ]),
      scaled,
      out,
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

  it('records one node over x and the log scale, saving e^s·x and the output', () => {
    const [x, s] = [tensor([1, 2]), tensor([0, -1])];
    // Unrecorded, the kernel is asked for no e^s·x (no second output to write).
    const kernel = vi.spyOn(under.backend, 'scaledSquare');
    expect(scaledSquare(x, s).gradNode).toBeNull();
    expect(kernel.mock.calls[0]?.[3]).toBeNull();
    kernel.mockRestore();
    s.requiresGrad = true;
    const out = scaledSquare(x, s);
    const node = out.gradNode;
    expect(node?.op).toBe('scaledSquare');
    expect(node?.inputs).toEqual([x, s]);
    if (node?.op !== 'scaledSquare' || node.released) throw new Error('not recorded');
    expect(node.saved.output).toBe(out);
    expect(node.saved.scaled.shape).toEqual([2]);
  });

  it('gradients from the saved values: on wasm the bits of the float32 lane formula that recomputed e^s·x', () => {
    // The kernel before the saved values computed, per lane, e = exp(s) (simd-math's, which unary
    // exp uses too), sx = e·x, dx = (sx + sx)·g and ds = (sx·x)·g, in float32. The reference
    // rounds 2·sx·g and out·g once from the saved float32 operands.
    const n = 20_003;
    const [x, s, g] = operands(n, 7);
    const { out, scaled } = recorded(flat(x), flat(s));
    const [dx, ds] = scaledSquareBackward(flat(g), scaled, out);
    const f = Math.fround;
    const sc = scaled.storage as Float32Array;
    const o = out.storage as Float32Array;
    expectSameBits(
      dx.storage,
      Float32Array.from(g, (gi, i) => 2 * sc[i]! * gi),
    );
    expectSameBits(
      ds.storage,
      Float32Array.from(g, (gi, i) => o[i]! * gi),
    );
    if (under.backend.name === 'reference') return;
    const e = exp(flat(s)).storage as Float32Array;
    const sx = Float32Array.from(x, (xi, i) => e[i]! * xi);
    expectSameBits(sc, sx);
    expectSameBits(
      dx.storage,
      Float32Array.from(g, (gi, i) => f(sx[i]! + sx[i]!) * gi),
    );
    expectSameBits(
      ds.storage,
      Float32Array.from(g, (gi, i) => f(sx[i]! * x[i]!) * gi),
    );
  });

  it.each([3, 70_001, FALLBACK_ELEMENTS])(
    '%i elements: an addend gives the bits of add(addend, gradient), each alone or both',
    (n) => {
      const [, sc, g] = operands(n, n + 1);
      const [scaled, out, grad] = [flat(sc), flat(sc.map((v, i) => v * (i % 5) - 1)), flat(g)];
      const [dxAddend, dsAddend] = [flat(g.map((v) => v * 1e-3)), flat(sc.map((v) => -v))];
      const [dx, ds] = scaledSquareBackward(grad, scaled, out);
      const [dxWant, dsWant] = [add(dxAddend, dx), add(dsAddend, ds)];
      const both = scaledSquareBackward(grad, scaled, out, { dxAddend, dsAddend });
      expectSameBits(both[0].storage, dxWant.storage);
      expectSameBits(both[1].storage, dsWant.storage);
      const onlyDx = scaledSquareBackward(grad, scaled, out, { dxAddend });
      expectSameBits(onlyDx[0].storage, dxWant.storage);
      expectSameBits(onlyDx[1].storage, ds.storage);
      const onlyDs = scaledSquareBackward(grad, scaled, out, { dsAddend, dxAddend: undefined });
      expectSameBits(onlyDs[0].storage, dx.storage);
      expectSameBits(onlyDs[1].storage, dsWant.storage);
    },
  );

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
    const [g, sx, out] = [tensor([1, 2]), tensor([1, 2]), tensor([1, 4])];
    expect(() => scaledSquareBackward(tensor([1]), sx, out)).toThrow(
      /scaledSquareBackward: argument 'scaled' must have grad's shape \[1\], got \[2\]/,
    );
    expect(() => scaledSquareBackward(g, sx, tensor([[1, 4]]))).toThrow(
      /scaledSquareBackward: argument 'out' must have grad's shape \[2\], got \[1,2\]/,
    );
    expect(() => scaledSquareBackward(int, sx, out)).toThrow(
      /scaledSquareBackward: argument 'grad' must have dtype float32, got int32/,
    );
    expect(() => scaledSquareBackward(g, sx, out, { dsAddend: tensor([1, 2, 3]) })).toThrow(
      /scaledSquareBackward: argument 'options.dsAddend' must have grad's shape \[2\], got \[3\]/,
    );
    expect(() =>
      scaledSquareBackward(g, sx, out, { dxAddend: tensor([1, 2], { dtype: 'int32' }) }),
    ).toThrow(/argument 'options.dxAddend' must have dtype float32, got int32/);
    const typo = { dxAdend: tensor([0, 0]) } as unknown as { dxAddend: Tensor };
    expect(() => scaledSquareBackward(g, sx, out, typo)).toThrow(LacunaError);
    expect(() => scaledSquareBackward(g, sx, out, typo)).toThrow(/did you mean 'dxAddend'/);
  });
});
