import { expect, it } from 'vitest';
import type { Backend } from '../backend/backend.js';
import { getBackend, setBackend } from '../backend/registry.js';
import { ArgumentRangeError, DTypeError, LacunaError, ShapeError } from '../errors.js';
import { withoutRecording } from '../record.js';
import { Tensor } from '../tensor.js';
import { describeBackends, FALLBACK_ELEMENTS } from '../test-util/backends.js';
import { tensor } from './creation.js';
import { scaledSquare } from './scaled-square.js';
import {
  variationalDropoutKl,
  variationalDropoutKlWithScaledSquare,
} from './variational-dropout-kl.js';

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

/** The op on a log α that requires gradients: its value and the gradient it saved. */
function recorded(logAlpha: Tensor, scale = 1) {
  logAlpha.requiresGrad = true;
  const kl = variationalDropoutKl(logAlpha, { scale });
  const node = kl.gradNode;
  if (node?.op !== 'variationalDropoutKl' || node.released) throw new Error('not recorded');
  return { kl, dLogAlpha: node.saved.dLogAlpha };
}

describeBackends('variationalDropoutKl', () => {
  it.each([0, 1, 7, 4096, 4099, 70_001, FALLBACK_ELEMENTS])(
    '%i entries: scale·Σ KL within 1e-5 of the terms’ size, the saved gradient within a few roundings',
    (n) => {
      const logAlpha = logAlphas(n, n);
      let want = 0;
      let size = 0;
      for (const l of logAlpha) {
        want += klOf(l);
        size += magnitude(l);
      }
      const plain = variationalDropoutKl(flat(logAlpha));
      expect(plain.shape).toEqual([]);
      expect(Math.abs(plain.item() - want)).toBeLessThanOrEqual(1e-5 * size);
      const { kl, dLogAlpha } = recorded(flat(logAlpha), 0.5);
      expect(Math.abs(kl.item() - 0.5 * want)).toBeLessThanOrEqual(0.5e-5 * size);
      expect(dLogAlpha.shape).toEqual([n]);
      const d = dLogAlpha.storage;
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
    expect(variationalDropoutKl(tensor([0, -3]), { scale: -4 }).item()).toBeCloseTo(
      -4 * klOf(-3),
      5,
    );
    expect(klOf(-3)).toBeCloseTo(1.691535, 6);
    const values = [-6, -2, -0.1].map((l) => variationalDropoutKl(tensor([l])).item());
    expect(values[0]).toBeGreaterThan(values[1]!);
    expect(values[1]).toBeGreaterThan(values[2]!);
    expect(values[2]).toBeGreaterThan(0);
    expect(recorded(tensor([[0]])).dLogAlpha.shape).toEqual([1, 1]);
    expect(recorded(tensor([0]), 3).dLogAlpha.item()).toBeCloseTo(3 * dKlOf(0), 5);
  });

  it('log α = ±∞ gives ∓∞ (α = ∞ or 0), NaN gives NaN', () => {
    const inf = Number.POSITIVE_INFINITY;
    expect(variationalDropoutKl(tensor([inf])).item()).toBe(-inf);
    expect(variationalDropoutKl(tensor([-inf])).item()).toBe(inf);
    expect(variationalDropoutKl(tensor([Number.NaN, 0])).item()).toBeNaN();
    expect(Array.from(recorded(tensor([-inf, inf]), 2).dLogAlpha.data())).toEqual([-1, -inf]);
  });

  it('records one node over log α, with its gradient saved', () => {
    const logAlpha = tensor([-1, -2]);
    expect(variationalDropoutKl(logAlpha).gradNode).toBeNull();
    const { kl, dLogAlpha } = recorded(logAlpha);
    expect(kl.gradNode?.inputs).toEqual([logAlpha]);
    expect(dLogAlpha.data()[1]).toBeCloseTo(dKlOf(-2), 6);
  });

  it('WithScaledSquare: the KL op’s sum and gradient and scaledSquare’s α⊙θ², recorded as those two ops', () => {
    for (const n of [7, 4099, 70_001]) {
      const logAlpha = flat(logAlphas(n, n));
      const theta = flat(Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.91) * 0.3));
      logAlpha.requiresGrad = true;
      theta.requiresGrad = true;
      const { kl, square } = variationalDropoutKlWithScaledSquare(logAlpha, theta, { scale: 0.5 });
      const alone = recorded(logAlpha, 0.5);
      const separate = scaledSquare(theta, logAlpha);
      // The same bits where the fused call and the separate ones run in one place; a capped wasm
      // memory may send the fused call alone to the reference, hence a few roundings here.
      expect(Math.abs(kl.item() - alone.kl.item())).toBeLessThanOrEqual(
        1e-6 * Math.abs(alone.kl.item()),
      );
      const [want, got] = [separate.data(), square.data()];
      for (const [i, w] of want.entries())
        expect(Math.abs(got[i]! - w), `α⊙θ² ${i}`).toBeLessThanOrEqual(Math.abs(w) * 2 ** -20);
      const klNode = kl.gradNode;
      if (klNode?.op !== 'variationalDropoutKl' || klNode.released) throw new Error('kl');
      const dWant = alone.dLogAlpha.data();
      for (const [i, w] of klNode.saved.dLogAlpha.data().entries())
        expect(Math.abs(w - dWant[i]!), `dlog α ${i}`).toBeLessThanOrEqual(
          Math.abs(dWant[i]!) * 2 ** -20,
        );
      const squareNode = square.gradNode;
      if (squareNode?.op !== 'scaledSquare' || squareNode.released) throw new Error('square');
      expect(squareNode.inputs).toEqual([theta, logAlpha]);
      expect(squareNode.saved.output).toBe(square);
      expect(squareNode.saved.scaled.shape).toEqual([n]);
    }
    const plain = variationalDropoutKlWithScaledSquare(tensor([0, -3]), tensor([2, 1]));
    expect(plain.square.gradNode).toBeNull();
    expect(plain.square.data()[0]).toBe(4);
    expect(plain.kl.item()).toBeCloseTo(klOf(0) + klOf(-3), 5);
    expect(() => variationalDropoutKlWithScaledSquare(tensor([0, 1]), tensor([1]))).toThrow(
      ShapeError,
    );
  });

  it('computes no gradient when nothing will be recorded (noGrad, or log α not requiring one)', () => {
    const wanted: boolean[] = [];
    const active = getBackend();
    const spy: Backend = Object.assign(Object.create(active) as Backend, {
      variationalDropoutKl(...args: Parameters<Backend['variationalDropoutKl']>) {
        wanted.push(args[3] !== null);
        expect(args[4]).toBeNull();
        active.variationalDropoutKl(...args);
      },
    });
    const previous = setBackend(spy);
    try {
      const logAlpha = tensor([-1, -2]);
      variationalDropoutKl(logAlpha);
      logAlpha.requiresGrad = true;
      expect(withoutRecording(() => variationalDropoutKl(logAlpha)).gradNode).toBeNull();
      variationalDropoutKl(logAlpha);
    } finally {
      setBackend(previous);
    }
    expect(wanted).toEqual([false, false, true]);
  });

  it('rejects operands and options that do not fit, naming op and argument', () => {
    expect(() => variationalDropoutKl(tensor([1], { dtype: 'int32' }))).toThrow(DTypeError);
    expect(() => variationalDropoutKl(tensor([1], { dtype: 'int32' }))).toThrow(
      /variationalDropoutKl: argument 'logAlpha' must have dtype float32, got int32/,
    );
    const bad = (options: unknown) => () =>
      variationalDropoutKl(tensor([0]), options as { scale?: number });
    expect(bad({ scale: 1, weight: 2 })).toThrow(LacunaError);
    expect(bad({ scale: 1, weight: 2 })).toThrow(
      /argument 'options\.weight' is not a known option/,
    );
    expect(bad(3)).toThrow(/argument 'options' must be an object of options/);
    for (const scale of [Number.NaN, Number.NEGATIVE_INFINITY, '1', null]) {
      expect(bad({ scale })).toThrow(ArgumentRangeError);
      expect(bad({ scale })).toThrow(
        /variationalDropoutKl: argument 'options\.scale' must be a finite number/,
      );
    }
  });
});
