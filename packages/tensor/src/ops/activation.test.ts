import { expect, it } from 'vitest';
import { ArgumentRangeError, DTypeError } from '../errors.js';
import { describeBackends, FALLBACK_ELEMENTS } from '../test-util/backends.js';
import { elu, gelu, leakyRelu, selu, softplus } from './activation.js';
import { greaterEqual, less, lessEqual, notEqual, pow } from './binary.js';
import { clamp } from './clamp.js';
import { tensor } from './creation.js';
import { logSoftmax, softmax } from './log-softmax.js';
import { abs, erf, log1p, neg, relu, sign } from './unary.js';
import { where } from './where.js';

const close = (actual: unknown, expected: number[], digits = 5) => {
  (actual as number[]).forEach((v, i) => {
    expect(v).toBeCloseTo(expected[i]!, digits);
  });
};

describeBackends('activations and elementwise math', () => {
  it('match their formulas on known values', () => {
    close(leakyRelu(tensor([-10, 0, 2])).toArray(), [-0.1, 0, 2]);
    close(leakyRelu(tensor([-10, 2]), 0.2).toArray(), [-2, 2]);
    close(elu(tensor([-1, 0, 3])).toArray(), [Math.expm1(-1), 0, 3]);
    close(elu(tensor([-1]), 2).toArray(), [2 * Math.expm1(-1)]);
    const l = 1.0507009873554805;
    const a = 1.6732632423543772;
    close(selu(tensor([-1, 2])).toArray(), [l * a * Math.expm1(-1), 2 * l]);
    // Φ(1) = 0.8413447460685429, Φ(-0.5) = 0.3085375387259869
    close(
      gelu(tensor([1, -0.5, 0])).toArray(),
      [0.8413447460685429, -0.5 * 0.3085375387259869, 0],
      6,
    );
    close(erf(tensor([0.5, -2, 0])).toArray(), [0.5204998778130465, -0.9953222650189527, 0], 6);
    close(softplus(tensor([0, -100, 100, 1])).toArray(), [Math.LN2, 0, 100, Math.log1p(Math.E)]);
    const lp = log1p(tensor([1e-7, 1])).storage;
    expect(Math.abs(lp[0]! - 1e-7)).toBeLessThan(1e-13);
    expect(lp[1]).toBeCloseTo(Math.LN2, 6);
    expect(sign(tensor([-3, 0, 2])).toArray()).toEqual([-1, 0, 1]);
    expect(pow(tensor([2, 3]), tensor([3, 2])).toArray()).toEqual([8, 9]);
    expect(Number.isNaN(pow(tensor([-8]), 1 / 3).item())).toBe(true);
  });

  it('relu, abs and neg are exact on an operand too big for the capped backend’s memory', () => {
    const x = tensor(Float32Array.from({ length: FALLBACK_ELEMENTS }, (_, i) => (i % 7) - 3.5));
    const [r, a, n] = [relu(x).storage, abs(x).storage, neg(x).storage];
    for (let i = 0; i < x.size; i++) {
      const v = x.storage[i]!;
      if (r[i] !== Math.max(v, 0) || a[i] !== Math.abs(v) || n[i] !== -v) {
        throw new Error(`element ${i} of ${v}: relu ${r[i]}, abs ${a[i]}, neg ${n[i]}`);
      }
    }
  });

  it('softplus never overflows and softmax is stable for huge logits', () => {
    expect(softplus(tensor([1000])).item()).toBe(1000);
    close((softmax(tensor([[1000, 1000, -1000]])).toArray() as number[][]).flat(), [0.5, 0.5, 0]);
    close((logSoftmax(tensor([[1000, 0]])).toArray() as number[][]).flat(), [0, -1000]);
    close(
      (
        softmax(
          tensor([
            [1, 2],
            [3, 4],
          ]),
          0,
        ).toArray() as number[][]
      ).flat(),
      [0.1192029, 0.1192029, 0.8807971, 0.8807971],
    );
  });

  it('logSoftmax with infinite logits matches PyTorch (float64 values)', () => {
    const inf = Number.POSITIVE_INFINITY;
    // a -inf entry has probability 0, along either axis layout (inner > 1 here)
    const cols = logSoftmax(tensor([[0], [-inf], [1]]), 0).toArray() as number[][];
    close([cols[0]![0], cols[2]![0]], [-1.3132616875182228, -0.31326168751822286], 6);
    expect(cols[1]![0]).toBe(-inf);
    expect(softmax(tensor([0, -inf])).toArray()).toEqual([1, 0]);
    // +inf, NaN or only -inf: NaN across the whole row (not NaN beside -inf)
    for (const row of [
      [inf, 0],
      [-inf, -inf],
      [Number.NaN, 0],
    ]) {
      for (const v of logSoftmax(tensor(row)).toArray() as number[]) expect(v).toBeNaN();
    }
  });

  it('clamp bounds values, passes NaN and checks its bounds', () => {
    expect(clamp(tensor([-2, 0.5, 3]), 0, 1).toArray()).toEqual([0, 0.5, 1]);
    expect(clamp(tensor([-2, 3]), undefined, 1).toArray()).toEqual([-2, 1]);
    expect(Number.isNaN(clamp(tensor([Number.NaN]), 0, 1).item())).toBe(true);
    expect(() => clamp(tensor([1]), 2, 1)).toThrow(
      "clamp: argument 'max' must be ≥ min = 2, got 1",
    );
    expect(() => clamp(tensor([1]), Number.NaN)).toThrow(ArgumentRangeError);
    expect(() => leakyRelu(tensor([1]), Number.NaN)).toThrow(/leakyRelu: argument 'alpha'/);
  });

  it('comparisons', () => {
    expect(greaterEqual(tensor([1, 3]), 3).toArray()).toEqual([false, true]);
    expect(less(tensor([1, 3]), 3).toArray()).toEqual([true, false]);
    expect(lessEqual(tensor([1, 4]), 3).toArray()).toEqual([true, false]);
    expect(notEqual(tensor([Number.NaN, 1]), tensor([Number.NaN, 1])).toArray()).toEqual([
      true,
      false,
    ]);
  });

  it('where picks by a broadcast condition and requires bool', () => {
    const c = tensor([[true], [false]]);
    expect(where(c, tensor([1, 2]), tensor([10, 20])).toArray()).toEqual([
      [1, 2],
      [10, 20],
    ]);
    expect(where(tensor([true, false]), 1, 0).toArray()).toEqual([1, 0]);
    expect(() => where(tensor([1, 0]), 1, 0)).toThrow(DTypeError);
  });
});
