import { gradcheck } from '@lacuna/autograd';
import {
  ArgumentRangeError,
  Generator,
  LacunaError,
  normal,
  randint,
  ShapeError,
  type Tensor,
  tensor,
  uniform,
} from '@lacuna/tensor';
import { describe, expect, it } from 'vitest';
import { crossEntropy } from './classification.js';
import { rDropLoss, symmetricKlDivergence } from './r-drop.js';

/** log softmax of one row in float64. */
function logSoftmax64(z: number[]): number[] {
  const m = Math.max(...z);
  const lse = m + Math.log(z.reduce((s, v) => s + Math.exp(v - m), 0));
  return z.map((v) => v - lse);
}

const rows = (t: Tensor) => t.toArray() as number[][];

/** R-Drop's per-example loss straight from eq. 3 of the paper, in float64. */
function rDrop64(z1: number[][], z2: number[][], target: number[][], alpha: number): number[] {
  return z1.map((row, i) => {
    const lp = logSoftmax64(row);
    const lq = logSoftmax64(z2[i]!);
    const t = target[i]!;
    const ce = (l: number[]) => -l.reduce((s, v, c) => s + t[c]! * v, 0);
    const kl = (a: number[], b: number[]) =>
      a.reduce((s, v, c) => s + Math.exp(v) * (v - b[c]!), 0);
    return ce(lp) + ce(lq) + (alpha * (kl(lp, lq) + kl(lq, lp))) / 2;
  });
}

/** Smoothed one-hot targets as float64 rows. */
const oneHot64 = (ys: Int32Array, c: number, eps = 0) =>
  Array.from(ys, (y) => Array.from({ length: c }, (_, k) => (k === y ? 1 - eps : 0) + eps / c));

function batch(seed: number, n = 6, c = 5) {
  const g = new Generator(seed);
  return {
    z1: normal([n, c], { generator: g, std: 3 }),
    z2: normal([n, c], { generator: g, std: 3 }),
    y: randint(0, c, [n], { generator: g }),
  };
}

describe('rDropLoss', () => {
  it('matches the formula computed in float64, for every reduction and with label smoothing', () => {
    const { z1, z2, y } = batch(1);
    for (const [alpha, eps] of [
      [0.7, 0],
      [4, 0.1],
    ] as const) {
      const want = rDrop64(rows(z1), rows(z2), oneHot64(y.storage as Int32Array, 5, eps), alpha);
      const options = { alpha, labelSmoothing: eps };
      const none = rDropLoss(z1, z2, y, { ...options, reduction: 'none' }).toArray() as number[];
      none.forEach((v, i) => {
        expect(v).toBeCloseTo(want[i]!, 5);
      });
      const total = want.reduce((a, b) => a + b, 0);
      expect(rDropLoss(z1, z2, y, { ...options, reduction: 'sum' }).item()).toBeCloseTo(total, 4);
      expect(rDropLoss(z1, z2, y, options).item()).toBeCloseTo(total / want.length, 5);
    }
  });

  it('takes probability targets as crossEntropy does', () => {
    const { z1, z2 } = batch(2, 3, 4);
    const t = uniform([3, 4], { generator: new Generator(3) });
    const p = rows(t).map((r) => r.map((v) => v / r.reduce((a, b) => a + b, 0)));
    const want = rDrop64(rows(z1), rows(z2), p, 2);
    const got = rDropLoss(z1, z2, tensor(p), { alpha: 2, reduction: 'none' }).toArray() as number[];
    got.forEach((v, i) => {
      expect(v).toBeCloseTo(want[i]!, 5);
    });
  });

  it('is twice the official code’s loss with α = 2N·α′ (its KL summed over the batch)', () => {
    const { z1, z2, y } = batch(9);
    const alpha = 0.25;
    const official =
      0.5 * (crossEntropy(z1, y).item() + crossEntropy(z2, y).item()) +
      alpha * symmetricKlDivergence(z1, z2, { reduction: 'sum' }).item();
    expect(rDropLoss(z1, z2, y, { alpha: 2 * 6 * alpha }).item() / 2).toBeCloseTo(official, 5);
  });

  it('with α = 0 is the sum of the two cross-entropies', () => {
    const { z1, z2, y } = batch(4);
    const none = { reduction: 'none' } as const;
    const ce1 = crossEntropy(z1, y, none).toArray() as number[];
    const ce2 = crossEntropy(z2, y, none).toArray() as number[];
    expect(rDropLoss(z1, z2, y, { alpha: 0, ...none }).toArray()).toEqual(
      ce1.map((v, i) => Math.fround(v + ce2[i]!)),
    );
    expect(rDropLoss(z1, z2, y, { alpha: 0 }).item()).toBeCloseTo(
      crossEntropy(z1, y).item() + crossEntropy(z2, y).item(),
      5,
    );
  });

  it('is symmetric in the two outputs, and its KL term is 0 for equal outputs', () => {
    const { z1, z2, y } = batch(5);
    const options = { alpha: 1.3, reduction: 'none' } as const;
    expect(rDropLoss(z1, z2, y, options).toArray()).toEqual(
      rDropLoss(z2, z1, y, options).toArray(),
    );
    expect(symmetricKlDivergence(z1, z2).item()).toBe(symmetricKlDivergence(z2, z1).item());
    expect(symmetricKlDivergence(z1, z2).item()).toBeGreaterThan(0);
    expect(symmetricKlDivergence(z1, z1, { reduction: 'sum' }).item()).toBe(0);
  });

  it('passes gradcheck with respect to both logits', () => {
    const { z1, z2, y } = batch(6, 4, 3);
    const scaled = (z: Tensor) => tensor(rows(z).map((r) => r.map((v) => v / 3)));
    const [a, b] = [scaled(z1), scaled(z2)];
    for (const options of [
      { alpha: 1 },
      { alpha: 5, labelSmoothing: 0.2, reduction: 'sum' as const },
    ]) {
      const r = gradcheck((p, q) => rDropLoss(p, q, y, options), [a, b]);
      expect(r.ok, JSON.stringify(r.worst)).toBe(true);
    }
    const kl = gradcheck((p, q) => symmetricKlDivergence(p, q), [a, b]);
    expect(kl.ok, JSON.stringify(kl.worst)).toBe(true);
  });

  it('rejects unknown options, a bad α and logits that do not fit, with typed errors', () => {
    const { z1, z2, y } = batch(7);
    expect(() => rDropLoss(z1, z2, y, { alpha: 1, label_smoothing: 0.1 } as never)).toThrow(
      /rDropLoss: argument 'options.label_smoothing' is not a known option. did you mean 'labelSmoothing'/,
    );
    for (const alpha of [-0.5, Number.NaN, Number.POSITIVE_INFINITY, '1', undefined]) {
      expect(() => rDropLoss(z1, z2, y, { alpha } as never)).toThrow(ArgumentRangeError);
      expect(() => rDropLoss(z1, z2, y, { alpha } as never)).toThrow(
        /rDropLoss: argument 'alpha' must be a finite number ≥ 0/,
      );
    }
    expect(() => rDropLoss(z1, z2, y, undefined as never)).toThrow(ArgumentRangeError);
    const short = normal([5, 5], { generator: new Generator(8) });
    expect(() => rDropLoss(z1, short, y, { alpha: 1 })).toThrow(ShapeError);
    expect(() => rDropLoss(z1, short, y, { alpha: 1 })).toThrow(
      /argument 'logits2' must have logits1's shape \[6,5\], got \[5,5\]/,
    );
    expect(() => symmetricKlDivergence(tensor([1, 2]), z2)).toThrow(/argument 'logits1'/);
    expect(() => rDropLoss(z1, z2, y, { alpha: 1, reduction: 'avg' as never })).toThrow(
      LacunaError,
    );
    expect(() => symmetricKlDivergence(z1, z2, { alpha: 1 } as never)).toThrow(
      /symmetricKlDivergence: argument 'options.alpha' is not a known option/,
    );
  });
});
