import { backward, gradcheck } from '@lacuna/autograd';
import {
  ArgumentRangeError,
  add,
  conv2d,
  exp,
  Generator,
  LacunaError,
  mul,
  reshape,
  sum,
  Tensor,
  uniform,
} from '@lacuna/tensor';
import { describe, expect, it } from 'vitest';
import { Flatten } from '../modules/pool.js';
import { Sequential } from '../modules/sequential.js';
import { watchingCalls } from '../test-util/backend-calls.js';
import { localReparameterization } from './local-reparameterization.js';
import { mcPredict } from './mc.js';
import type { AlphaGranularity } from './variational.js';
import { VariationalConv2d, type VariationalConv2dOptions } from './variational-conv2d.js';
import { VariationalLinear } from './variational-linear.js';

const make = (seed: number, extra: Partial<VariationalConv2dOptions> = {}) =>
  new VariationalConv2d(2, 3, 3, {
    generator: new Generator(seed),
    datasetSize: 50,
    padding: 1,
    ...extra,
  });

const setValues = (t: Tensor, f: (i: number) => number) => {
  for (let i = 0; i < t.size; i++) t.storage[i] = f(i);
};

const granularities: AlphaGranularity[] = ['layer', 'unit', 'weight'];

/** log α shaped to broadcast against a [3, 2, 3, 3] kernel. */
const broadcastShape = (alpha: AlphaGranularity) =>
  alpha === 'layer' ? [1, 1, 1, 1] : alpha === 'unit' ? [3, 1, 1, 1] : [3, 2, 3, 3];

describe('VariationalConv2d', () => {
  it('a recorded training forward and lossTerm take one KL kernel pass, which also gives the variance weights', () => {
    const calls: boolean[] = [];
    const layer = make(3);
    const x = uniform([2, 2, 5, 5], { generator: new Generator(2), low: -1, high: 1 });
    watchingCalls(
      ['variationalDropoutKl'],
      (_, args) => calls.push(args[4] !== null),
      () => backward(add(sum(layer.forward(x)), layer.lossTerm())),
    );
    expect(calls).toEqual([true]);
    expect(layer.weight.grad).not.toBeNull();
  });

  it.each(granularities)(
    "alpha '%s': sample mean and variance match μ = conv(x, θ) + b and σ² = conv(x², αθ²)",
    (alpha) => {
      const n = 2000;
      const layer = make(1, { alpha });
      setValues(layer.logAlpha, (i) => -1.2 + 0.2 * (i % 6));
      const one = uniform([1, 2, 3, 3], { generator: new Generator(2), low: -1, high: 1 });
      // n copies of one image: n independent draws of every output element.
      const x = new Tensor(
        Float32Array.from({ length: n * one.size }, (_, k) => one.storage[k % one.size]!),
        [n, 2, 3, 3],
        'float32',
      );
      const y = layer.forward(x).data();
      const mu = conv2d(one, layer.weight, { bias: layer.bias, padding: 1 }).data();
      const alphaW = mul(exp(reshape(layer.logAlpha, broadcastShape(alpha))), layer.weight);
      const s2 = conv2d(mul(one, one), mul(alphaW, layer.weight), { padding: 1 }).data();
      const per = mu.length; // 3 channels × 3 × 3
      for (let e = 0; e < per; e++) {
        const v2 = s2[e]! + 1e-8;
        let m = 0;
        for (let r = 0; r < n; r++) m += y[r * per + e]! / n;
        let v = 0;
        for (let r = 0; r < n; r++) v += (y[r * per + e]! - m) ** 2 / (n - 1);
        expect(Math.abs(m - mu[e]!)).toBeLessThan(4 * Math.sqrt(v2 / n));
        expect(Math.abs(v - v2)).toBeLessThan(4 * v2 * Math.sqrt(2 / (n - 1)));
      }
    },
  );

  it.each(granularities)(
    "alpha '%s': gradcheck w.r.t. x, θ, b and log α through the sample (same ε every evaluation)",
    (alpha) => {
      const g = new Generator(3);
      const inputs = [
        uniform([1, 2, 4, 4], { generator: g, low: -1, high: 1 }),
        uniform([3, 2, 3, 3], { generator: g, low: -1, high: 1 }),
        uniform([3], { generator: g, low: -1, high: 1 }),
        uniform(broadcastShape(alpha), { generator: g, low: -2, high: -0.1 }),
      ];
      const result = gradcheck(
        (x, w, b, la) =>
          localReparameterization(
            (i, k, c) => conv2d(i, k, { bias: c, padding: 1, stride: 2 }),
            x,
            w!,
            b!,
            la!,
            new Generator(4),
          ),
        inputs,
      );
      expect(result.ok, JSON.stringify(result)).toBe(true);
    },
  );

  it('eval uses the mean kernel and draws nothing; MC dropout samples', () => {
    const layer = make(5, { alpha: 'unit' });
    const x = uniform([2, 2, 5, 5], { generator: new Generator(6) });
    expect(layer.forward(x).data()).not.toEqual(layer.forward(x).data());
    layer.eval();
    const state = layer.randomState();
    const mean = conv2d(x, layer.weight, { bias: layer.bias, padding: 1 }).data();
    expect(layer.forward(x).data()).toEqual(mean);
    expect(layer.randomState()).toEqual(state);
    expect(layer.mcDropout(true).forward(x).data()).not.toEqual(mean);
  });

  it('KL counts each α once per kernel weight it covers, / datasetSize', () => {
    const sums = granularities.map((alpha) => {
      const layer = make(7, { alpha, groups: 1, datasetSize: 40 });
      setValues(layer.logAlpha, () => -1);
      return layer.lossTerm().item();
    });
    // Every weight at the same α: the three granularities give the same total over 54 weights.
    expect(sums[1]).toBeCloseTo(sums[0]!, 5);
    expect(sums[2]).toBeCloseTo(sums[0]!, 5);
    const grouped = new VariationalConv2d(4, 2, [3, 1], {
      generator: new Generator(8),
      datasetSize: 40,
      groups: 2,
      alpha: 'unit',
    });
    expect(grouped.logAlpha.shape).toEqual([2]);
    const perWeight = new VariationalConv2d(4, 2, [3, 1], {
      generator: new Generator(8),
      datasetSize: 40,
      groups: 2,
    });
    expect(perWeight.logAlpha.shape).toEqual([2, 2, 3, 1]);
    setValues(perWeight.logAlpha, () => -0.5);
    setValues(grouped.logAlpha, () => -0.5);
    expect(grouped.lossTerm().item()).toBeCloseTo(perWeight.lossTerm().item(), 6);
  });

  it('state round trip gives bit-identical outputs', () => {
    const a = make(9, { alpha: 'weight', stride: 2 });
    setValues(a.logAlpha, (i) => -0.05 * i);
    const b = make(10, { alpha: 'weight', stride: 2 });
    expect([...a.stateDict().keys()]).toEqual(['weight', 'bias', 'log_alpha']);
    b.loadStateDict(a.stateDict());
    const x = uniform([2, 2, 6, 6], { generator: new Generator(11) });
    b.setRandomState(a.randomState());
    expect(b.forward(x).data()).toEqual(a.forward(x).data());
    expect(b.eval().forward(x).data()).toEqual(a.eval().forward(x).data());
  });

  it('rejects bad and unknown options with typed errors', () => {
    const generator = new Generator(0);
    const build = (options: unknown, kernel: unknown = 3) =>
      new VariationalConv2d(2, 4, kernel as number, options as VariationalConv2dOptions);
    expect(() => build({ generator, datasetSize: 5, padd: 1 })).toThrow(
      /options\.padd' is not a known option/,
    );
    expect(() => build({ generator })).toThrow(/datasetSize/);
    expect(() => build({ generator, datasetSize: 5, groups: 3 })).toThrow(ArgumentRangeError);
    expect(() => build({ generator, datasetSize: 5, stride: 0 })).toThrow(/stride/);
    expect(() => build({ generator, datasetSize: 5 }, [3])).toThrow(/kernelSize/);
    expect(() => build({ generator, datasetSize: 5, alpha: 'channel' })).toThrow(LacunaError);
    expect(() => build({ generator, datasetSize: 5, initLogAlpha: 1 })).toThrow(/initLogAlpha/);
    expect(() => build({ generator, datasetSize: 5, bias: 1 })).toThrow(/bias/);
    expect(build({ generator, datasetSize: 5, bias: false }).bias).toBeNull();
  });

  it('works with mcPredict in a conv net', () => {
    const g = new Generator(12);
    const model = new Sequential(
      new VariationalConv2d(1, 2, 3, { generator: g.fork(), datasetSize: 10, initLogAlpha: -0.5 }),
      new Flatten(),
      new VariationalLinear(8, 3, { generator: g.fork(), datasetSize: 10 }),
    );
    const x = uniform([4, 1, 4, 4], { generator: new Generator(13) });
    const p = mcPredict(model, x, { samples: 8, generator: new Generator(14) });
    const q = mcPredict(model, x, { samples: 8, generator: new Generator(14) });
    expect(p.mean.data()).toEqual(q.mean.data());
    expect(Math.max(...p.variance.data())).toBeGreaterThan(1e-6);
    expect(model.training).toBe(true);
  });
});
