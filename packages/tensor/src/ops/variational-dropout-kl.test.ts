import { expect, it } from 'vitest';
import { DTypeError } from '../errors.js';
import { Tensor } from '../tensor.js';
import { describeBackends, FALLBACK_ELEMENTS } from '../test-util/backends.js';
import { tensor } from './creation.js';
import { variationalDropoutKl, variationalDropoutKlBackward } from './variational-dropout-kl.js';

// The float64 definitions of eq. 7 and its derivative in log α, term by term.
const [C1, C2, C3] = [1.16145124, -1.50204118, 0.58629921];
const terms = (l: number) => {
  const a = Math.exp(l);
  return [0.5 * l, C1 * a, C2 * a * a, C3 * a * a * a];
};
const klOf = (l: number) => C1 + C2 + C3 - terms(l).reduce((s, v) => s + v, 0);
const dKlOf = (l: number) => {
  const [, t1, t2, t3] = terms(l);
  return -(0.5 + t1! + 2 * t2! + 3 * t3!);
};
/** The size of the terms a float32 evaluation rounds: its errors scale with it, not with KL. */
const magnitude = (l: number) => terms(l).reduce((s, v) => s + Math.abs(v), C1 + C2 + C3);

/** log α from −20 to 2 (the layers keep it ≤ 0; the op takes any). */
function logAlphas(n: number, seed: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => -20 + 22 * Math.abs(Math.sin(seed + i * 0.37)));
}

const flat = (data: Float32Array) => new Tensor(data, [data.length], 'float32');

describeBackends('variationalDropoutKl', () => {
  it.each([0, 1, 7, 4096, 4099, 70_001, FALLBACK_ELEMENTS])(
    '%i entries: Σ KL within 1e-5 of the terms’ size, the gradient within a few roundings',
    (n) => {
      const logAlpha = logAlphas(n, n);
      const kl = variationalDropoutKl(flat(logAlpha));
      expect(kl.shape).toEqual([]);
      let want = 0;
      let scale = 0;
      for (const l of logAlpha) {
        want += klOf(l);
        scale += magnitude(l);
      }
      expect(Math.abs(kl.item() - want)).toBeLessThanOrEqual(1e-5 * scale);
      const d = variationalDropoutKlBackward(tensor(0.5), flat(logAlpha)).storage;
      for (let i = 0; i < n; i++) {
        const l = logAlpha[i]!;
        const ok = Math.abs(d[i]! - 0.5 * dKlOf(l)) <= 2 ** -24 * 16 * magnitude(l);
        if (!ok) throw new Error(`entry ${i}: log α ${l}, got ${d[i]}, want ${0.5 * dKlOf(l)}`);
      }
    },
  );

  it('computes the documented values: KL(α = 1) = 0, decreasing on (0, 1]', () => {
    // 0 up to float32 rounding of terms near 1 (the wasm kernel works in float32).
    expect(Math.abs(variationalDropoutKl(tensor([0])).item())).toBeLessThan(2e-7);
    expect(variationalDropoutKl(tensor([0, -3])).item()).toBeCloseTo(klOf(-3), 5);
    expect(klOf(-3)).toBeCloseTo(1.691535, 6);
    const values = [-6, -2, -0.1].map((l) => variationalDropoutKl(tensor([l])).item());
    expect(values[0]).toBeGreaterThan(values[1]!);
    expect(values[1]).toBeGreaterThan(values[2]!);
    expect(values[2]).toBeGreaterThan(0);
    expect(variationalDropoutKlBackward(tensor(1), tensor([0])).item()).toBeCloseTo(dKlOf(0), 6);
  });

  it('log α = ±∞ gives ∓∞ (α = ∞ or 0), NaN gives NaN', () => {
    const inf = Number.POSITIVE_INFINITY;
    expect(variationalDropoutKl(tensor([inf])).item()).toBe(-inf);
    expect(variationalDropoutKl(tensor([-inf])).item()).toBe(inf);
    expect(variationalDropoutKl(tensor([Number.NaN, 0])).item()).toBeNaN();
    const d = variationalDropoutKlBackward(tensor(2), tensor([-inf, inf])).data();
    expect(Array.from(d)).toEqual([-1, -inf]);
  });

  it('records one node over log α', () => {
    const logAlpha = tensor([-1, -2]);
    expect(variationalDropoutKl(logAlpha).gradNode).toBeNull();
    logAlpha.requiresGrad = true;
    const node = variationalDropoutKl(logAlpha).gradNode;
    expect(node?.op).toBe('variationalDropoutKl');
    expect(node?.inputs).toEqual([logAlpha]);
  });

  it('rejects operands that do not fit, naming op and argument', () => {
    expect(() => variationalDropoutKl(tensor([1], { dtype: 'int32' }))).toThrow(DTypeError);
    expect(() => variationalDropoutKl(tensor([1], { dtype: 'int32' }))).toThrow(
      /variationalDropoutKl: argument 'logAlpha' must have dtype float32, got int32/,
    );
    expect(() => variationalDropoutKlBackward(tensor([1, 2]), tensor([0, 0]))).toThrow(
      /variationalDropoutKlBackward: argument 'grad' must hold one value, got shape \[2\]/,
    );
  });
});
