import { backward, gradcheck, noGrad } from '@lacuna/autograd';
import {
  ArgumentRangeError,
  Generator,
  LacunaError,
  mul,
  normal,
  ones,
  ShapeError,
  sum,
  type Tensor,
  uniform,
} from '@lacuna/tensor';
import { describe, expect, it } from 'vitest';
import type { Module } from '../module.js';
import { AlphaDropout, FeatureAlphaDropout } from './alpha.js';
import type { DropoutLayer } from './base.js';
import { DropBlock2d } from './drop-block.js';
import { DropConnectLinear } from './drop-connect.js';
import { DropPath } from './drop-path.js';
import { Dropout, Dropout1d, Dropout2d, Dropout3d } from './dropout.js';
import { GaussianDropout, GaussianNoise } from './gaussian.js';
import { LockedDropout } from './locked.js';

const Z999 = 3.2905; // two-sided 99.9 % normal quantile

function binomialOk(dropped: number, n: number, p: number): boolean {
  return Math.abs(dropped / n - p) <= Z999 * Math.sqrt((p * (1 - p)) / n);
}

function stats(t: Tensor): { mean: number; variance: number } {
  const s = t.storage;
  let m = 0;
  for (let i = 0; i < s.length; i++) m += s[i]!;
  m /= s.length;
  let v = 0;
  for (let i = 0; i < s.length; i++) v += (s[i]! - m) ** 2;
  return { mean: m, variance: v / s.length };
}

const zerosOf = (t: Tensor) => t.storage.filter((v) => v === 0).length;
const gen = (seed = 0) => ({ generator: new Generator(seed) });

/** Every variant, built for an input of the shape it expects. */
const variants: [string, () => DropoutLayer, number[]][] = [
  ['Dropout', () => new Dropout(0.3, gen()), [6, 5]],
  ['Dropout classic', () => new Dropout(0.3, { ...gen(), scaling: 'classic' }), [6, 5]],
  ['Dropout noiseShape', () => new Dropout(0.3, { ...gen(), noiseShape: [null, 1] }), [6, 5]],
  ['Dropout1d', () => new Dropout1d(0.3, gen()), [2, 3, 4]],
  ['Dropout2d', () => new Dropout2d(0.3, gen()), [2, 3, 2, 2]],
  ['Dropout3d', () => new Dropout3d(0.3, gen()), [2, 3, 2, 1, 2]],
  ['GaussianDropout', () => new GaussianDropout(0.3, gen()), [6, 5]],
  ['GaussianNoise', () => new GaussianNoise(0.3, gen()), [6, 5]],
  ['AlphaDropout', () => new AlphaDropout(0.3, gen()), [6, 5]],
  ['FeatureAlphaDropout', () => new FeatureAlphaDropout(0.3, gen()), [2, 3, 2, 2]],
  ['DropConnectLinear', () => new DropConnectLinear(5, 4, 0.3, gen()), [6, 5]],
  ['LockedDropout', () => new LockedDropout(0.3, gen()), [2, 4, 3]],
  ['DropPath', () => new DropPath(0.3, gen()), [6, 5]],
  ['DropBlock2d', () => new DropBlock2d(0.3, 2, gen()), [2, 2, 4, 4]],
];

describe('every dropout variant', () => {
  it.each(variants)('%s: identity in eval mode (classic: scaled by 1-p)', (name, make, shape) => {
    const layer = make().eval();
    const x = uniform(shape, { generator: new Generator(1) });
    const y = layer.forward(x);
    if (name === 'Dropout classic')
      expect(Array.from(y.storage)).toEqual(
        Array.from(x.storage, (v) => Math.fround(v * Math.fround(0.7))),
      );
    else if (name === 'DropConnectLinear') expect(y.shape).toEqual([6, 4]);
    else expect(y).toBe(x);
  });

  it.each(variants)(
    '%s: consecutive training calls differ; the same seed reproduces them',
    (_, make, shape) => {
      const x = uniform(shape, { generator: new Generator(2), low: 0.5, high: 1 });
      const a = make();
      const b = make();
      const first = a.forward(x).data();
      const second = a.forward(x).data();
      expect(second).not.toEqual(first);
      expect(b.forward(x).data()).toEqual(first);
      expect(b.forward(x).data()).toEqual(second);
    },
  );

  it.each(variants)(
    '%s: frozen mask only when asked, and gradcheck passes through it',
    (_, make, shape) => {
      const layer = make().freezeMask();
      const x = uniform(shape, { generator: new Generator(3), low: 0.5, high: 1 });
      expect(layer.forward(x).data()).toEqual(layer.forward(x).data());
      const result = gradcheck((input: Tensor) => layer.forward(input), [x]);
      expect(result.ok, JSON.stringify(result)).toBe(true);
      // Parameters (DropConnect's weight): backward against central differences, through the frozen mask.
      for (const w of (layer as Module).parameters()) {
        const loss = () => sum(mul(layer.forward(x), 0.7));
        w.grad = null;
        backward(loss());
        for (const i of [0, 3, 7, w.size - 1].filter((k) => k < w.size)) {
          const keep = w.storage[i]!;
          w.storage[i] = keep + 1e-3;
          const up = noGrad(loss).item();
          w.storage[i] = keep - 1e-3;
          const down = noGrad(loss).item();
          w.storage[i] = keep;
          expect(w.grad!.storage[i]).toBeCloseTo((up - down) / 2e-3, 2);
        }
      }
      layer.unfreezeMask();
      expect(layer.forward(x).data()).not.toEqual(layer.forward(x).data());
    },
  );

  it('validate p: a RangeError outside [0, 1), NaN included; p = 0 is the identity', () => {
    const makers: ((p: number) => unknown)[] = [
      (p) => new Dropout(p, gen()),
      (p) => new Dropout2d(p, gen()),
      (p) => new GaussianDropout(p, gen()),
      (p) => new AlphaDropout(p, gen()),
      (p) => new DropConnectLinear(2, 2, p, gen()),
      (p) => new LockedDropout(p, gen()),
      (p) => new DropPath(p, gen()),
      (p) => new DropBlock2d(p, 2, gen()),
    ];
    for (const make of makers) {
      for (const p of [-0.1, 1, 1.5, Number.NaN]) {
        expect(() => make(p)).toThrow(RangeError);
        expect(() => make(p)).toThrow(ArgumentRangeError);
      }
    }
    expect(() => new Dropout(1, gen())).toThrow(
      "Dropout: argument 'p' is the drop probability and must lie in [0, 1), got 1",
    );
    const x = ones([4, 4]);
    expect(new Dropout(0, gen()).forward(x)).toBe(x);
    expect(new DropPath(0, gen()).forward(x)).toBe(x);
    expect(() => new Dropout(0.5, {} as never)).toThrow(LacunaError);
  });
});

describe('statistics at fixed seeds', () => {
  const N = 100_000;

  it('Dropout drops a p fraction (99.9 % binomial bounds); E[y] = x inverted and classic-at-inference', () => {
    for (const p of [0.1, 0.5, 0.8]) {
      const y = new Dropout(p, gen(5)).forward(ones([N]));
      expect(binomialOk(zerosOf(y), N, p)).toBe(true);
      expect(Math.abs(stats(y).mean - 1)).toBeLessThan(Z999 * Math.sqrt(p / (1 - p) / N));
    }
    const x = uniform([N], { generator: new Generator(6) });
    const classic = new Dropout(0.4, { ...gen(7), scaling: 'classic' });
    const trainMean = stats(classic.forward(x)).mean;
    const evalMean = stats(classic.eval().forward(x)).mean;
    expect(Math.abs(trainMean - evalMean)).toBeLessThan(0.005);
  });

  it('GaussianDropout has mean 1 and variance p/(1-p)', () => {
    const y = new GaussianDropout(0.3, gen(8)).forward(ones([N]));
    const { mean, variance } = stats(y);
    expect(Math.abs(mean - 1)).toBeLessThan(0.01);
    expect(Math.abs(variance - 0.3 / 0.7)).toBeLessThan(0.01);
    const noise = stats(new GaussianNoise(0.2, gen(8)).forward(ones([N])));
    expect(Math.abs(noise.variance - 0.04)).toBeLessThan(0.002);
  });

  it('AlphaDropout keeps zero mean and unit variance on standardised input', () => {
    const x = normal([N], { generator: new Generator(9) });
    for (const p of [0.05, 0.2, 0.5]) {
      const { mean, variance } = stats(new AlphaDropout(p, gen(10)).forward(x));
      expect(Math.abs(mean)).toBeLessThan(0.02);
      expect(Math.abs(variance - 1)).toBeLessThan(0.03);
    }
    const f = new FeatureAlphaDropout(0.5, gen(11)).forward(
      normal([64, 32, 4, 4], { generator: new Generator(12) }),
    );
    expect(Math.abs(stats(f).mean)).toBeLessThan(0.05);
  });

  it('spatial variants drop whole channels at rate p', () => {
    for (const [layer, shape] of [
      [new Dropout1d(0.5, gen(13)), [50, 40, 6]],
      [new Dropout2d(0.5, gen(13)), [50, 40, 3, 3]],
      [new Dropout3d(0.5, gen(13)), [50, 40, 2, 2, 2]],
    ] as const) {
      const y = layer.forward(ones([...shape]));
      const per = y.size / (50 * 40);
      let dropped = 0;
      for (let ch = 0; ch < 50 * 40; ch++) {
        const block = Array.from(y.storage.subarray(ch * per, (ch + 1) * per));
        expect(block.every((v) => v === block[0])).toBe(true);
        if (block[0] === 0) dropped++;
      }
      expect(binomialOk(dropped, 2000, 0.5)).toBe(true);
    }
    expect(() => new Dropout2d(0.5, gen()).forward(ones([2, 3, 4]))).toThrow(ShapeError);
    expect(() => new Dropout2d(0.5, gen()).forward(ones([2, 3, 4]))).toThrow(
      /must have shape \[N, C, H, W\] \(rank 4\)/,
    );
    expect(() => new Dropout1d(0.5, gen()).forward(ones([2, 3, 4, 4]))).toThrow(ShapeError);
  });

  it('LockedDropout masks are constant along time', () => {
    const y = new LockedDropout(0.5, gen(14)).forward(ones([20, 10, 30]));
    let dropped = 0;
    for (let n = 0; n < 20; n++) {
      for (let f = 0; f < 30; f++) {
        const series = Array.from({ length: 10 }, (_, t) => y.storage[(n * 10 + t) * 30 + f]!);
        expect(new Set(series).size).toBe(1);
        if (series[0] === 0) dropped++;
      }
    }
    expect(binomialOk(dropped, 600, 0.5)).toBe(true);
    expect(() => new LockedDropout(0.5, gen()).forward(ones([4, 4]))).toThrow(/\[N, T, F\]/);
  });

  it('DropPath drops whole samples (row) or the whole batch (batch)', () => {
    const y = new DropPath(0.5, gen(15)).forward(ones([2000, 8]));
    let dropped = 0;
    for (let n = 0; n < 2000; n++) {
      const row = Array.from(y.storage.subarray(n * 8, n * 8 + 8));
      expect(new Set(row).size).toBe(1);
      if (row[0] === 0) dropped++;
    }
    expect(binomialOk(dropped, 2000, 0.5)).toBe(true);
    const batch = new DropPath(0.5, { ...gen(16), mode: 'batch' });
    for (let i = 0; i < 10; i++) expect(new Set(batch.forward(ones([4, 3])).storage).size).toBe(1);
  });

  it('DropBlock drops contiguous blocks at about the requested rate and rescales by the kept fraction', () => {
    const p = 0.15;
    const bs = 3;
    const y = new DropBlock2d(p, bs, gen(17)).forward(ones([16, 8, 24, 24]));
    const dropped = zerosOf(y) / y.size;
    // Overlapping blocks and the border make the realised rate a little under p.
    expect(dropped).toBeGreaterThan(p * 0.8);
    expect(dropped).toBeLessThan(p * 1.1);
    const kept = y.storage.find((v) => v !== 0)!;
    expect(kept).toBeCloseTo(1 / (1 - dropped), 4);
    // Every zero belongs to a fully zero bs×bs square.
    const h = 24;
    for (let m = 0; m < 16 * 8; m++) {
      for (let i = 0; i < h; i++) {
        for (let j = 0; j < h; j++) {
          if (y.storage[(m * h + i) * h + j] !== 0) continue;
          let inBlock = false;
          for (let a = Math.max(0, i - bs + 1); a <= Math.min(i, h - bs) && !inBlock; a++) {
            for (let b = Math.max(0, j - bs + 1); b <= Math.min(j, h - bs) && !inBlock; b++) {
              let all = true;
              for (let di = 0; di < bs && all; di++)
                for (let dj = 0; dj < bs && all; dj++)
                  all = y.storage[(m * h + a + di) * h + b + dj] === 0;
              inBlock = all;
            }
          }
          expect(inBlock).toBe(true);
        }
      }
    }
    expect(() => new DropBlock2d(0.1, 5, gen()).forward(ones([1, 1, 4, 4]))).toThrow(
      /smaller than blockSize 5/,
    );
  });

  it('DropConnect drops weights, not activations, and uses the expected weights at inference', () => {
    const fc = new DropConnectLinear(400, 1, 0.5, { ...gen(18), bias: false });
    const x = ones([1, 400]);
    const w = fc.weight.storage;
    const full = Array.from(w).reduce((a, v) => a + v, 0);
    const y = fc.forward(x).item();
    expect(y).not.toBeCloseTo(full, 3);
    expect(fc.eval().forward(x).item()).toBeCloseTo(full, 4);
  });
});
