import { describe, expect, it } from 'vitest';
import { createWasmBackend } from '../backend/wasm/index.js';
import { ArgumentRangeError, LacunaError } from '../errors.js';
import { Generator } from '../random/generator.js';
import { describeBackends, FALLBACK_ELEMENTS } from '../test-util/backends.js';
import { savedBy } from '../test-util/saved.js';
import { avgPool2d } from './avg-pool2d.js';
import { conv2d } from './conv2d.js';
import { arange, ones, onesLike, tensor, zeros, zerosLike } from './creation.js';
import { dropout, keepProbability } from './dropout.js';
import { gaussianDropout } from './gaussian-dropout.js';
import { gaussianNoise } from './gaussian-noise.js';
import { maskedAffine } from './masked-affine.js';
import { matmul } from './matmul.js';
import { maxPool2d } from './max-pool2d.js';
import { bernoulli, normal, permutation, randint, uniform } from './random.js';
import { logsumexp, max, mean, min, sum, variance } from './reduce.js';
import { reshape } from './reshape.js';

// Options that cannot be mistyped: an unknown key, a wrong-typed boolean or enum, or an axis given
// where an options object was expected used to be ignored without a sign (issue 14).

const x23 = () =>
  tensor([
    [1, 2, 3],
    [4, 5, 7],
  ]);

describe('reductions take an axis, a list of axes or options', () => {
  it('sum(x, 1) reduces axis 1 (it used to reduce every axis)', () => {
    expect(sum(x23(), 1).toArray()).toEqual([6, 16]);
    expect(sum(x23(), -1).toArray()).toEqual([6, 16]);
    expect(sum(x23(), [0, 1]).item()).toBe(22);
    expect(sum(x23(), 0).toArray()).toEqual([5, 7, 10]);
    expect(sum(x23(), { axis: 1, keepDims: true }).shape).toEqual([2, 1]);
  });

  it('every reduction treats a number as the axis', () => {
    expect(mean(x23(), 1).toArray()).toEqual([2, 16 / 3].map(Math.fround));
    expect(max(x23(), -1).toArray()).toEqual([3, 7]);
    expect(min(x23(), 0).toArray()).toEqual([1, 2, 3]);
    expect(variance(x23(), 1).toArray()).toEqual([1, Math.fround(7 / 3)]);
    const lse = logsumexp(
      tensor([
        [0, 0],
        [1, 1],
      ]),
      -1,
    ).toArray() as number[];
    expect(lse[0]).toBeCloseTo(Math.log(2), 6);
    expect(lse[1]).toBeCloseTo(1 + Math.log(2), 6);
    expect(logsumexp(x23(), 0).shape).toEqual([3]);
  });

  it('out-of-range and repeated axes are ArgumentRangeErrors naming the op', () => {
    expect(() => sum(x23(), 2)).toThrow(ArgumentRangeError);
    expect(() => sum(x23(), 2)).toThrow(/sum: argument 'axis' must be an integer in \[-2, 1\]/);
    expect(() => variance(x23(), -3)).toThrow(/variance: argument 'axis'/);
    expect(() => logsumexp(x23(), [0, 0])).toThrow(/logsumexp: argument 'axis' must not repeat/);
    expect(() => mean(x23(), 0.5)).toThrow(ArgumentRangeError);
  });

  it('rejects unknown option keys and non-boolean keepDims', () => {
    expect(() => variance(x23(), { unbiased: false } as never)).toThrow(LacunaError);
    expect(() => variance(x23(), { unbiased: false } as never)).toThrow(
      /variance: argument 'options\.unbiased' is not a known option\. Known options: axis, keepDims, correction/,
    );
    expect(() => sum(x23(), { axes: 1 } as never)).toThrow(/did you mean 'axis'\?/);
    expect(() => sum(x23(), { keepdims: true } as never)).toThrow(/did you mean 'keepDims'\?/);
    expect(() => sum(x23(), { keepDims: 'yes' } as never)).toThrow(
      /sum: argument 'keepDims' must be true or false, got "yes"/,
    );
    expect(() => sum(x23(), '1' as never)).toThrow(/sum: argument 'axis' must be an axis/);
    expect(() => sum(x23(), { axis: '1' } as never)).toThrow(ArgumentRangeError);
  });
});

describe('tensor ops reject unknown option keys', () => {
  const g = () => new Generator(0);
  const cases: [string, () => unknown, RegExp][] = [
    [
      'matmul',
      () => matmul(ones([2, 2]), ones([2, 2]), { trans_b: true } as never),
      /did you mean 'transB'/,
    ],
    [
      'conv2d',
      () => conv2d(ones([1, 1, 3, 3]), ones([1, 1, 2, 2]), { strides: 2 } as never),
      /did you mean 'stride'/,
    ],
    [
      'maxPool2d',
      () => maxPool2d(ones([1, 1, 4, 4]), 2, { ceilMode: true } as never),
      /options\.ceilMode' is not a known option/,
    ],
    [
      'avgPool2d',
      () => avgPool2d(ones([1, 1, 4, 4]), 2, { countIncludePad: false } as never),
      /avgPool2d: argument 'options\.countIncludePad'/,
    ],
    ['tensor', () => tensor([1], { dtpye: 'int32' } as never), /did you mean 'dtype'/],
    ['zeros', () => zeros([2], { type: 'int32' } as never), /zeros: argument 'options\.type'/],
    ['ones', () => ones([2], { dtypes: 'int32' } as never), /did you mean 'dtype'/],
    [
      'arange',
      () => arange(0, 3, 1, { dtype: 'int32', device: 'gpu' } as never),
      /arange: argument 'options\.device'/,
    ],
    [
      'uniform',
      () => uniform([2], { generator: g(), min: -1 } as never),
      /uniform: argument 'options\.min'/,
    ],
    ['normal', () => normal([2], { generator: g(), stdev: 2 } as never), /did you mean 'std'/],
    [
      'bernoulli',
      () => bernoulli([2], { generator: g(), p: 0.5, prob: 1 } as never),
      /bernoulli: argument 'options\.prob'/,
    ],
    [
      'randint',
      () => randint(0, 3, [2], { generator: g(), seed: 1 } as never),
      /randint: argument 'options\.seed'/,
    ],
    [
      'permutation',
      () => permutation(3, { generator: g(), seed: 1 } as never),
      /permutation: argument 'options\.seed'/,
    ],
    [
      'dropout',
      () => dropout(ones([2]), { p: 0.5, training: true, generator: g(), inplace: true } as never),
      /dropout: argument 'options\.inplace'/,
    ],
    [
      'gaussianDropout',
      () =>
        gaussianDropout(ones([2]), { p: 0.5, training: true, generator: g(), rate: 1 } as never),
      /gaussianDropout: argument 'options\.rate'/,
    ],
    [
      'gaussianNoise',
      () => gaussianNoise(ones([2]), { std: 1, training: true, generator: g(), stdev: 1 } as never),
      /did you mean 'std'/,
    ],
    [
      'maskedAffine',
      () => maskedAffine(ones([2]), tensor([true, false]), { scale: 1, fil: 2 } as never),
      /did you mean 'fill'/,
    ],
    [
      'createWasmBackend',
      () => createWasmBackend({ thread: 1 } as never),
      /did you mean 'threads'/,
    ],
  ];
  for (const [op, call, message] of cases) {
    it(op, () => {
      expect(call).toThrow(LacunaError);
      expect(call).toThrow(message);
    });
  }

  it('type-checks boolean and enum options', () => {
    expect(() => matmul(ones([2, 3]), ones([2, 3]), { transB: 'false' } as never)).toThrow(
      /matmul: argument 'transB' must be true or false, got "false"/,
    );
    expect(() =>
      dropout(ones([2]), {
        p: 0.5,
        training: true,
        generator: new Generator(0),
        scaling: 'invert',
      } as never),
    ).toThrow(
      /dropout: argument 'scaling' must be one of 'inverted', 'classic', got "invert" \(a string\) \(did you mean 'inverted'\?\)/,
    );
    expect(() =>
      bernoulli([2], { generator: new Generator(0), p: 0.5, dtype: 'int32' } as never),
    ).toThrow(/bernoulli: argument 'dtype' must be one of 'float32', 'bool'/);
  });
});

describe('dropout keep probability on the 24-bit grid', () => {
  it('keepProbability quantises 1-p to 2^-24 and rejects p that would keep nothing', () => {
    expect(keepProbability(0.5)).toBe(0.5);
    expect(keepProbability(0)).toBe(1);
    expect(keepProbability(1 - 1e-7)).toBe(2 / 2 ** 24);
    expect(keepProbability(1 - 2 ** -24)).toBe(2 ** -24);
    // 1 - 0.75·2⁻²⁴ and 1 - 2⁻²⁵ used to round up to a threshold of 1 and keep up to twice as often.
    for (const p of [1 - 0.75 * 2 ** -24, 1 - 2 ** -25, 1 - 2 ** -26, 1 - 1e-8]) {
      expect(() => keepProbability(p)).toThrow(ArgumentRangeError);
      expect(() => dropout(ones([2]), { p, training: true, generator: new Generator(0) })).toThrow(
        /dropout: argument 'p' is the drop probability and must be at most 1 - 2\^-24 \(masks compare 24-bit uniform integers/,
      );
    }
  });

  // Before the fix the scale was 1/(1-p) while the kernel kept with probability
  // round((1-p)·2²⁴)/2²⁴: at p = 1 - 1e-7, E[y]/x was 1.19.
  it('inverted scaling uses the quantised keep probability: E[y] = x exactly', () => {
    const n = 1 << 20;
    for (const p of [1 - 1e-7, 1 - 3e-7]) {
      const k = keepProbability(p);
      const y = dropout(ones([n]), { p, training: true, generator: new Generator(7) });
      const s = y.storage as Float32Array;
      const kept = s.find((v) => v !== 0);
      if (kept !== undefined) expect(kept).toBe(Math.fround(1 / k));
      // Exactly: every kept element is 1/k (so E[y] = k · 1/k = 1), not 1/(1-p).
      expect(Math.fround(1 / k) * k).toBeCloseTo(1, 6);
      expect(Math.fround(1 / k)).not.toBe(Math.fround(1 / (1 - p)));
    }
    // At p = 0.5 the sample mean of y is 1 within 4 standard errors at a fixed seed.
    const y = dropout(ones([n]), { p: 0.5, training: true, generator: new Generator(3) });
    const m = sum(y).item() / n;
    expect(Math.abs(m - 1)).toBeLessThan(4 * Math.sqrt(1 / n));
    // A large p at a fixed seed: mean over many draws of y/x stays 1 (kept count · scale / n).
    const p = 1 - 2 ** -10;
    const z = dropout(ones([n * 4]), { p, training: true, generator: new Generator(11) });
    const ratio = sum(z).item() / (n * 4);
    const se = Math.sqrt(p / (1 - p) / (n * 4));
    expect(Math.abs(ratio - 1)).toBeLessThan(4 * se);
  });

  it('the recorded scale is 2^24 / keepThreshold (before: 1/(1-p), 1e7 at p = 1 - 1e-7)', () => {
    const x = ones([4]);
    x.requiresGrad = true;
    const y = dropout(x, { p: 1 - 1e-7, training: true, generator: new Generator(0) });
    const saved = savedBy(y, 'dropout');
    expect(saved.keepThreshold).toBe(2);
    expect(saved.scale).toBe(2 ** 23);
    // E[y]/x = P(keep) · scale = (2 / 2^24) · 2^23 = 1 exactly.
    expect((saved.keepThreshold / 2 ** 24) * saved.scale).toBe(1);
  });

  it('classic scaling at inference multiplies by the same keep probability', () => {
    const y = dropout(ones([2]), {
      p: 0.3,
      training: false,
      scaling: 'classic',
      generator: new Generator(0),
    });
    expect(y.toArray()).toEqual([0.7, 0.7].map(Math.fround));
  });
});

describeBackends('maskedAffine keeps NaN in dropped elements (alpha dropout)', () => {
  it('a dropped NaN or Infinity gives NaN, a dropped finite value gives fill', () => {
    const x = reshape(
      tensor([Number.NaN, Number.NaN, 2, Number.POSITIVE_INFINITY, -3, 0, 1, 1]),
      [2, 4],
    );
    const mask = tensor([
      [true, false, false, false],
      [false, true, false, true],
    ]);
    const y = maskedAffine(x, mask, { scale: 2, shift: 1, fill: -1.5 }).toArray() as number[][];
    expect(y).toEqual([
      [Number.NaN, Number.NaN, -1.5, Number.NaN],
      [-1.5, 1, -1.5, 3],
    ]);
  });

  it('a row-shared mask over an operand too big for the capped backend’s memory', () => {
    const x = reshape(
      tensor(Float32Array.from({ length: FALLBACK_ELEMENTS }, (_, i) => (i % 13) - 6)),
      [FALLBACK_ELEMENTS / 8, 8],
    );
    const mask = tensor([[true, false, true, true, false, false, true, false]]);
    const y = maskedAffine(x, mask, { scale: 2, shift: 1, fill: -1.5 }).storage;
    for (let i = 0; i < y.length; i++) {
      const want = mask.storage[i % 8] ? 2 * x.storage[i]! + 1 : -1.5;
      if (y[i] !== want) throw new Error(`element ${i}: got ${y[i]}, expected ${want}`);
    }
  });
});

describe('the *Like creation ops', () => {
  it('name themselves in errors, not fullLike', () => {
    expect(() => zerosLike(tensor([1]), { dtyp: 'int32' } as never)).toThrow(
      /^zerosLike: argument 'options\.dtyp' .*did you mean 'dtype'\?/,
    );
    expect(() => onesLike([1] as never)).toThrow(/^onesLike: argument 'like'/);
  });
});
