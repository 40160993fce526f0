import { backward, gradcheck, noGrad } from '@lacuna/autograd';
import {
  add,
  conv2d,
  exp,
  Generator,
  mul,
  reshape,
  sum,
  type Tensor,
  tensor,
  uniform,
} from '@lacuna/tensor';
import { describe, expect, it } from 'vitest';
import { Flatten } from '../modules/pool.js';
import { Sequential } from '../modules/sequential.js';
import { watchingCalls } from '../test-util/backend-calls.js';
import { LinearSVD } from './sparse-variational.js';
import { Conv2dSVD, type Conv2dSVDOptions, conv2dSvdSample } from './sparse-variational-conv.js';
import { sparsityReport } from './sparsity-report.js';

const make = (seed = 0, extra: Partial<Conv2dSVDOptions> = {}) =>
  new Conv2dSVD(2, 3, 3, { generator: new Generator(seed), datasetSize: 10, ...extra });

describe('Conv2dSVD', () => {
  it('a recorded training forward and lossTerm take one KL kernel pass, which also gives the variance weights', () => {
    const calls: boolean[] = [];
    const layer = make(3);
    const x = uniform([2, 2, 5, 5], { generator: new Generator(2), low: -1, high: 1 });
    watchingCalls(
      ['sparseVariationalDropoutKl'],
      (_, args) => calls.push(args[6] !== null),
      () => backward(add(sum(layer.forward(x)), layer.lossTerm())),
    );
    expect(calls).toEqual([true]);
    expect(layer.weight.grad).not.toBeNull();
  });

  it('output mean and variance match N(conv(x, θ) + b, conv(x², σ²)) at a fixed seed', () => {
    const layer = make(1, { initLogSigma2: -2 });
    layer.logSigma2.storage.set(
      uniform([54], { generator: new Generator(2), low: -3, high: 0 }).storage,
    );
    const M = 8000;
    const one = uniform([1, 2, 3, 3], { generator: new Generator(3), low: -1, high: 1 });
    const x = reshape(tensor(Array.from({ length: M }, () => Array.from(one.storage))), [
      M,
      2,
      3,
      3,
    ]);
    const y = noGrad(() => layer.forward(x)); // [M, 3, 1, 1]
    expect(y.shape).toEqual([M, 3, 1, 1]);
    const mu = conv2d(one, layer.weight, { bias: layer.bias }).storage;
    const s2 = conv2d(mul(one, one), exp(layer.logSigma2)).storage;
    for (let j = 0; j < 3; j++) {
      let m = 0;
      for (let n = 0; n < M; n++) m += y.storage[n * 3 + j]! / M;
      let v = 0;
      for (let n = 0; n < M; n++) v += (y.storage[n * 3 + j]! - m) ** 2 / (M - 1);
      const variance = s2[j]! + 1e-8;
      expect(Math.abs(m - mu[j]!)).toBeLessThan(4 * Math.sqrt(variance / M));
      expect(Math.abs(v - variance)).toBeLessThan(4 * variance * Math.sqrt(2 / (M - 1)));
    }
  });

  it('gradcheck through the reparameterisation (x, θ, log σ², bias) with one fixed draw', () => {
    const g = new Generator(4);
    const x = uniform([2, 2, 4, 4], { generator: g, low: -1, high: 1 });
    const theta = uniform([3, 2, 3, 3], { generator: g, low: -1, high: 1 });
    const logSigma2 = uniform([3, 2, 3, 3], { generator: g, low: -2, high: 0 });
    const bias = uniform([3], { generator: g });
    const f = (a: Tensor, t: Tensor, s: Tensor, b: Tensor) =>
      conv2dSvdSample(a, t, exp(s), b, { padding: 1, stride: 2 }, new Generator(7));
    const r = gradcheck(f, [x, theta, logSigma2, bias]);
    expect(r.ok, JSON.stringify(r.worst)).toBe(true);
    // Through the module, its own generator frozen.
    const layer = make(5, { initLogSigma2: -1, padding: 1 }).freezeMask();
    expect(layer.forward(x).data()).toEqual(layer.forward(x).data());
    expect(gradcheck((a: Tensor) => layer.forward(a), [x]).ok).toBe(true);
  });

  it('inference convolves with the pruned θ; sparsityReport counts it beside LinearSVD; state round trip', () => {
    const layer = make(6, { stride: 2 });
    layer.logSigma2.storage.fill(-10);
    for (const i of [0, 7, 20]) layer.logSigma2.storage[i] = 10; // log α ≥ 10 − log θ² > 3
    const x = uniform([1, 2, 5, 5], { generator: new Generator(7) });
    layer.eval();
    const kept = Array.from(layer.weight.storage).map((w, i) => ([0, 7, 20].includes(i) ? 0 : w));
    const expected = conv2d(x, reshape(tensor(kept), [3, 2, 3, 3]), {
      bias: layer.bias,
      stride: 2,
    });
    expect(Array.from(layer.forward(x).data())).toEqual(Array.from(expected.data()));
    expect(layer.sparsity().pruned).toBeGreaterThanOrEqual(3);
    const net = new Sequential(
      layer,
      new Flatten(),
      make(0) as never,
      new LinearSVD(12, 2, { generator: new Generator(8), datasetSize: 10 }),
    );
    const report = sparsityReport(net);
    expect(report.layers.map((l) => l.name)).toEqual(['0', '2', '3']);
    expect(report.total).toBe(54 + 54 + 24);
    const copy = make(9, { stride: 2 });
    copy.loadStateDict(layer.stateDict());
    expect(copy.eval().forward(x).data()).toEqual(layer.eval().forward(x).data());
  });

  it('rejects bad options: unknown keys, datasetSize, and the geometry, each naming Conv2dSVD', () => {
    const g = new Generator(0);
    expect(
      () => new Conv2dSVD(2, 3, 3, { generator: g, datasetSize: 1, strides: 2 } as never),
    ).toThrow(/Conv2dSVD.*strides/);
    expect(() => new Conv2dSVD(2, 3, 3, { generator: g } as never)).toThrow(/datasetSize/);
    expect(() => new Conv2dSVD(2, 3, 3, { generator: g, datasetSize: 1, groups: 2 })).toThrow(
      /groups/,
    );
    expect(() => new Conv2dSVD(2, 3, 0, { generator: g, datasetSize: 1 })).toThrow(
      /Conv2dSVD.*kernelSize/,
    );
  });
});
