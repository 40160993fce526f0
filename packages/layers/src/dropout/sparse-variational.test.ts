import { backward, gradcheck, noGrad } from '@lacuna/autograd';
import {
  add,
  exp,
  Generator,
  LacunaError,
  normal,
  ones,
  sparseVariationalDropoutKl,
  sum,
  type Tensor,
  tensor,
  uniform,
} from '@lacuna/tensor';
import { describe, expect, it } from 'vitest';
import { crossEntropy } from '../losses/classification.js';
import { ReLU } from '../modules/activations.js';
import { Linear } from '../modules/linear.js';
import { Sequential } from '../modules/sequential.js';
import { watchingCalls } from '../test-util/backend-calls.js';
import { sgd } from '../test-util/training-run.js';
import { fit } from '../training/fit.js';
import { mcPredict } from './mc.js';
import { LinearSVD, type LinearSVDOptions, linearSvdSample } from './sparse-variational.js';
import { sparsityReport } from './sparsity-report.js';

const make = (inF: number, outF: number, seed = 0, extra: Partial<LinearSVDOptions> = {}) =>
  new LinearSVD(inF, outF, { generator: new Generator(seed), datasetSize: 100, ...extra });

/** The paper's −KL approximation, in float64, negated: the reference the layer must match. */
function klReference(logAlpha: number): number {
  const [k1, k2, k3] = [0.63576, 1.8732, 1.48695];
  const la = Math.min(10, Math.max(-10, logAlpha));
  const negKl = k1 / (1 + Math.exp(-(k2 + k3 * la))) - 0.5 * Math.log1p(Math.exp(-la)) - k1;
  return -negKl;
}

describe('LinearSVD', () => {
  it('gradcheck through the local reparameterisation (x, θ, log σ², bias) with one fixed noise draw', () => {
    const g = new Generator(1);
    const x = uniform([3, 4], { generator: g, low: -1, high: 1 });
    const theta = uniform([2, 4], { generator: g, low: -1, high: 1 });
    const logSigma2 = uniform([2, 4], { generator: g, low: -2, high: 0 });
    const bias = uniform([2], { generator: g });
    // A fresh generator from the same seed per evaluation: the same ε every time.
    const f = (a: Tensor, t: Tensor, s: Tensor, b: Tensor) =>
      linearSvdSample(a, t, exp(s), b, new Generator(7));
    const r = gradcheck(f, [x, theta, logSigma2, bias]);
    expect(r.ok, JSON.stringify(r.worst)).toBe(true);
    // Through the module too, with its own generator frozen (freezeMask replays one state).
    const layer = make(4, 2, 3, { initLogSigma2: -1 }).freezeMask();
    expect(layer.forward(x).data()).toEqual(layer.forward(x).data());
    expect(gradcheck((a: Tensor) => layer.forward(a), [x]).ok).toBe(true);
  });

  it('output mean and variance match N(x·θᵀ + b, x²·σ²ᵀ) at a fixed seed, within standard errors', () => {
    const layer = make(3, 2, 4, { initLogSigma2: -1 });
    layer.logSigma2.storage.set([-1, 0, -2, 0.5, -0.5, -3]);
    const row = [0.5, -1, 2];
    const M = 20000;
    const x = tensor(Array.from({ length: M }, () => row));
    const y = noGrad(() => layer.forward(x)).data();
    const theta = layer.weight.storage;
    const ls2 = layer.logSigma2.storage;
    for (let j = 0; j < 2; j++) {
      let mu = layer.bias!.storage[j]!;
      let s2 = 1e-8;
      for (let i = 0; i < 3; i++) {
        mu += row[i]! * theta[j * 3 + i]!;
        s2 += row[i]! ** 2 * Math.exp(ls2[j * 3 + i]!);
      }
      let m = 0;
      for (let n = 0; n < M; n++) m += y[n * 2 + j]! / M;
      let v = 0;
      for (let n = 0; n < M; n++) v += (y[n * 2 + j]! - m) ** 2 / (M - 1);
      expect(Math.abs(m - mu)).toBeLessThan(4 * Math.sqrt(s2 / M));
      expect(Math.abs(v - s2)).toBeLessThan(4 * s2 * Math.sqrt(2 / (M - 1)));
    }
    // A fresh draw per call: training never repeats the noise.
    const small = ones([2, 3]);
    expect(layer.forward(small).data()).not.toEqual(layer.forward(small).data());
  });

  it('KL matches the formula at chosen log α, clipped to [−10, 10], scaled by 1/datasetSize', () => {
    const logAlphas = [-12, -8, -3, 0, 2, 5, 9, 15];
    const layer = make(logAlphas.length, 1, 5, { datasetSize: 50 });
    layer.weight.storage.fill(1); // θ² = 1, so log α = log σ²
    layer.logSigma2.storage.set(logAlphas);
    expect(Array.from(layer.logAlpha().data())).toEqual(
      logAlphas.map((v) => Math.min(10, Math.max(-10, v))),
    );
    // One weight at a time through the layer's op: θ = 1, log σ² = log α.
    const perWeight = logAlphas.map((v) =>
      sparseVariationalDropoutKl(tensor([1]), tensor([v])).item(),
    );
    for (const [i, v] of perWeight.entries()) expect(v).toBeCloseTo(klReference(logAlphas[i]!), 5);
    const total = logAlphas.reduce((a, v) => a + klReference(v), 0);
    expect(layer.lossTerm().item()).toBeCloseTo(total / 50, 5);
    // One op with the 1/N folded in, no separate mul.
    expect(layer.lossTerm().gradNode?.op).toBe('sparseVariationalDropoutKl');
    // Large α costs almost nothing, small α a lot: the prior pushes towards dropping.
    expect(perWeight[6]!).toBeLessThan(1e-3);
    expect(perWeight[1]!).toBeGreaterThan(4);
    expect(layer.regularization().item()).toBeCloseTo(total / 50, 5);
  });

  describe('a recorded sampled forward and lossTerm share one pass over the weights', () => {
    /** Counts the backend's KL calls (and those that also wrote σ²) and exp calls while `f` runs. */
    function counting(f: () => void): { kl: number; withSigma2: number; exp: number } {
      const seen = { kl: 0, withSigma2: 0, exp: 0 };
      watchingCalls(
        ['sparseVariationalDropoutKl', 'unary'],
        (entry, args) => {
          if (entry === 'unary') seen.exp += args[0] === 'exp' ? 1 : 0;
          else {
            seen.kl++;
            if (args[6]) seen.withSigma2++;
          }
        },
        f,
      );
      return seen;
    }
    const x = uniform([5, 4], { generator: new Generator(3), low: -1, high: 1 });

    it('lossTerm after the forward is the KL that pass computed, and the gradients are unchanged', () => {
      const layer = make(4, 3, 1, { initLogSigma2: -2 });
      let loss: Tensor | null = null;
      const seen = counting(() => {
        loss = add(sum(layer.forward(x)), layer.lossTerm());
      });
      expect(seen).toEqual({ kl: 1, withSigma2: 1, exp: 0 });
      const fresh = sparseVariationalDropoutKl(layer.weight, layer.logSigma2, { scale: 1 / 100 });
      expect(layer.lossTerm().item()).toBe(fresh.item());
      backward(loss!);
      // The same step through the separate ops (exp, then the KL op), from the same generator state.
      const g = new Generator(1);
      const twin = new LinearSVD(4, 3, { generator: g, datasetSize: 100, initLogSigma2: -2 });
      const manual = add(
        sum(linearSvdSample(x, twin.weight, exp(twin.logSigma2), twin.bias, g)),
        sparseVariationalDropoutKl(twin.weight, twin.logSigma2, { scale: 1 / 100 }),
      );
      backward(manual);
      for (const name of ['weight', 'logSigma2', 'bias'] as const)
        expect(Array.from(layer[name]!.grad!.data())).toEqual(Array.from(twin[name]!.grad!.data()));
    });

    it('after backward (or loadStateDict, or under noGrad) lossTerm computes from the current weights', () => {
      const layer = make(4, 3, 2);
      backward(add(sum(layer.forward(x)), layer.lossTerm()));
      noGrad(() => layer.logSigma2.storage.fill(-1));
      const fresh = () =>
        sparseVariationalDropoutKl(layer.weight, layer.logSigma2, { scale: 1 / 100 }).item();
      const want = fresh();
      expect(counting(() => expect(layer.lossTerm().item()).toBe(want)).kl).toBe(1);
      // A forward kept its term; loadStateDict then overwrites the weights it came from.
      layer.forward(x);
      const other = make(4, 3, 9);
      layer.loadStateDict(other.stateDict());
      expect(layer.lossTerm().item()).toBe(fresh());
      // A forward under noGrad records nothing and keeps nothing: plain exp for σ².
      const seen = counting(() => noGrad(() => layer.forward(x)));
      expect(seen).toEqual({ kl: 0, withSigma2: 0, exp: 1 });
      expect(layer.lossTerm().item()).toBe(fresh());
    });

    it('hands the kept KL out once, and never after a backward reached the weights (retainGraph)', () => {
      const layer = make(4, 3, 5);
      const fresh = () =>
        sparseVariationalDropoutKl(layer.weight, layer.logSigma2, { scale: 1 / 100 }).item();
      const out = layer.forward(x);
      const first = layer.lossTerm();
      const second = counting(() => expect(layer.lossTerm()).not.toBe(first));
      expect(second.kl).toBe(1);
      // A backward that keeps the graph, then a step: the kept term would be stale.
      layer.forward(x);
      backward(sum(out), { retainGraph: true });
      noGrad(() => layer.weight.storage.fill(0.5));
      const want = fresh();
      expect(counting(() => expect(layer.lossTerm().item()).toBe(want)).kl).toBe(1);
    });

    it('under noGrad lossTerm is unrecorded and leaves the kept KL for the loss', () => {
      const layer = make(4, 3, 6);
      layer.forward(x);
      const logged = noGrad(() => layer.lossTerm());
      expect(logged.gradNode).toBeNull();
      const seen = counting(() => expect(layer.lossTerm().item()).toBe(logged.item()));
      expect(seen.kl).toBe(0);
    });

    it('stops computing the KL in forwards whose KL goes unused, and resumes when asked', () => {
      const layer = make(4, 3, 7);
      const steps = [
        counting(() => backward(sum(layer.forward(x)))),
        counting(() => backward(sum(layer.forward(x)))),
        counting(() => backward(add(sum(layer.forward(x)), layer.lossTerm()))),
        counting(() => backward(add(sum(layer.forward(x)), layer.lossTerm()))),
      ];
      expect(steps).toEqual([
        { kl: 1, withSigma2: 1, exp: 0 }, // optimistic at first
        { kl: 0, withSigma2: 0, exp: 1 }, // the first pass's KL went unused
        { kl: 1, withSigma2: 0, exp: 1 }, // lossTerm computes it alone, and asks for it again
        { kl: 1, withSigma2: 1, exp: 0 }, // one pass for both
      ]);
    });

    it('R-Drop’s second forward on the same weights reuses σ²; a frozen log σ² keeps plain exp', () => {
      const layer = make(4, 3, 8);
      const seen = counting(() =>
        backward(add(add(sum(layer.forward(x)), sum(layer.forward(x))), layer.lossTerm())),
      );
      expect(seen).toEqual({ kl: 1, withSigma2: 1, exp: 0 });
      const frozen = make(4, 3, 8);
      frozen.logSigma2.requiresGrad = false;
      const frozenSeen = counting(() => backward(add(sum(frozen.forward(x)), frozen.lossTerm())));
      expect(frozenSeen).toEqual({ kl: 1, withSigma2: 0, exp: 1 });
      expect(frozen.weight.grad).not.toBeNull();
    });
  });

  it('inference uses θ with log α > threshold pruned; sparsity and sparsityReport count them', () => {
    const layer = make(4, 2, 6, { threshold: 2 });
    layer.weight.storage.set([1, -2, 0.5, 3, -1, 2, 0.25, -0.5]);
    // log α = log σ² − log θ²: 3, 3.61, −3.61, −2.20, 0, −0.39, 2.77, −2.61; above 2 at 0, 1 and 6.
    layer.logSigma2.storage.set([3, 5, -5, 0, 0, 1, 0, -4]);
    expect(layer.logAlpha().data()[1]).toBeCloseTo(5 - Math.log(4), 5);
    const kept = [0, 0, 1, 1, 1, 1, 0, 1];
    layer.eval();
    const pruned = Array.from(layer.prunedWeight().data());
    expect(pruned).toEqual(Array.from(layer.weight.data()).map((w, i) => (kept[i] ? w : 0)));
    const x = tensor([
      [1, 2, 3, 4],
      [-1, 0.5, 0, 2],
    ]);
    const y = layer.forward(x).toArray() as number[][];
    for (let n = 0; n < 2; n++)
      for (let j = 0; j < 2; j++) {
        let e = layer.bias!.storage[j]!;
        for (let i = 0; i < 4; i++) e += x.storage[n * 4 + i]! * pruned[j * 4 + i]!;
        expect(y[n]![j]).toBeCloseTo(e, 5);
      }
    expect(layer.forward(x).data()).toEqual(layer.forward(x).data()); // deterministic
    expect(layer.sparsity()).toEqual({ pruned: 3, total: 8, fraction: 0.375 });

    const dense = new Linear(2, 3, { generator: new Generator(0) });
    const other = make(2, 5, 7);
    other.logSigma2.storage.fill(10); // every log α ≥ 10 − log θ² > 3
    const net = new Sequential(layer, new ReLU(), dense, other);
    const report = sparsityReport(net);
    expect(report.layers).toEqual([
      { name: '0', pruned: 3, total: 8, fraction: 0.375 },
      { name: '3', pruned: 10, total: 10, fraction: 1 },
    ]);
    expect(report).toMatchObject({ pruned: 13, total: 18, fraction: 13 / 18 });
    expect(sparsityReport(dense)).toEqual({ layers: [], pruned: 0, total: 0, fraction: 0 });
  });

  it('stateDict saves θ, log σ² and the bias; a round trip is exact', () => {
    const a = make(5, 3, 8);
    a.logSigma2.storage.set(normal([15], { generator: new Generator(9) }).storage);
    const state = a.stateDict();
    expect([...state.keys()].sort()).toEqual(['bias', 'log_sigma2', 'weight']);
    const b = make(5, 3, 99);
    b.loadStateDict(state);
    for (const [name, p] of b.namedParameters())
      expect(p.data()).toEqual(
        a
          .namedParameters()
          .find(([n]) => n === name)![1]
          .data(),
      );
    const x = uniform([4, 5], { generator: new Generator(10) });
    expect(b.eval().forward(x).data()).toEqual(a.eval().forward(x).data());
    expect(b.sparsity()).toEqual(a.sparsity());
    // A dense Linear's weight and bias load as θ and the bias (log σ² stays), with strict: false.
    const dense = new Linear(5, 3, { generator: new Generator(1) });
    b.loadStateDict(dense.stateDict(), { strict: false });
    expect(b.weight.data()).toEqual(dense.weight.data());
    expect(b.logSigma2.data()).toEqual(a.logSigma2.data());
  });

  it('rejects bad options with typed errors naming the option', () => {
    const g = new Generator(0);
    const bad = (options: unknown) => () => new LinearSVD(3, 2, options as LinearSVDOptions);
    expect(bad({ generator: g })).toThrow(
      /LinearSVD.*datasetSize.*positive integer, got undefined/,
    );
    expect(bad({ generator: g, datasetSize: 0 })).toThrow(LacunaError);
    expect(bad({ generator: g, datasetSize: 2.5 })).toThrow(/datasetSize/);
    expect(bad({ generator: g, datasetSize: 10, threshold: Number.NaN })).toThrow(/threshold/);
    expect(bad({ generator: g, datasetSize: 10, initLogSigma2: 'x' })).toThrow(/initLogSigma2/);
    expect(bad({ generator: g, datasetSize: 10, bias: 1 })).toThrow(/bias/);
    expect(bad({ generator: g, datasetsize: 10 })).toThrow(/datasetsize.*datasetSize/s);
    expect(bad({ datasetSize: 10 })).toThrow(/generator/);
    expect(bad(undefined)).toThrow(/options/);
    expect(() => new LinearSVD(0, 2, { generator: g, datasetSize: 1 })).toThrow(/inFeatures/);
    expect(() => make(3, 2).forward(ones([2, 4]))).toThrow(/LinearSVD.forward.*\[N, 3\]/);
  });

  it('mcPredict samples it at inference, reproducibly; plain eval stays deterministic', () => {
    const g = new Generator(11);
    const net = new Sequential(
      new LinearSVD(4, 8, { generator: g.fork(), datasetSize: 10, initLogSigma2: -1 }),
      new ReLU(),
      new LinearSVD(8, 3, { generator: g.fork(), datasetSize: 10, initLogSigma2: -1 }),
    );
    const x = uniform([5, 4], { generator: new Generator(12) });
    const a = mcPredict(net, x, { samples: 20, generator: new Generator(13) });
    const b = mcPredict(net, x, { samples: 20, generator: new Generator(13) });
    expect(a.mean.data()).toEqual(b.mean.data());
    expect(Array.from(a.variance.data()).some((v) => v > 0)).toBe(true);
    expect(net.training).toBe(true); // modes restored
    net.eval();
    expect(net.forward(x).data()).toEqual(net.forward(x).data());
  });

  it('fit with regularization: true drives log α up on useless inputs, and sparsity grows', async () => {
    // Two classes decided by the first of 8 inputs; the other 7 carry nothing.
    const g = new Generator(14);
    const N = 256;
    const x = uniform([N, 8], { generator: g, low: -1, high: 1 });
    const y = tensor(
      Array.from({ length: N }, (_, n) => (x.storage[n * 8]! > 0 ? 1 : 0)),
      {
        dtype: 'int32',
      },
    );
    const batches = Array.from({ length: 4 }, (_, k) => ({
      x: tensor(
        Array.from({ length: 64 }, (_, n) =>
          Array.from(x.storage.subarray((k * 64 + n) * 8, (k * 64 + n + 1) * 8)),
        ),
      ),
      y: tensor(Array.from(y.storage.subarray(k * 64, (k + 1) * 64)), { dtype: 'int32' }),
    }));
    const layer = new LinearSVD(8, 2, { generator: g.fork(), datasetSize: N, initLogSigma2: -6 });
    const meanLogAlpha = () => Array.from(layer.logAlpha().data()).reduce((a, v) => a + v, 0) / 16;
    const before = { logAlpha: meanLogAlpha(), sparsity: layer.sparsity().fraction };
    await fit(layer, {
      data: { batches: () => batches },
      optimizer: sgd(layer.parameters(), 0.05),
      loss: crossEntropy,
      epochs: 60,
      regularization: true,
    });
    expect(meanLogAlpha()).toBeGreaterThan(before.logAlpha + 2);
    expect(before.sparsity).toBe(0);
    expect(layer.sparsity().fraction).toBeGreaterThanOrEqual(0.75); // 14 of 16 at this seed
    // The informative weights (input 0) survive.
    const la = layer.logAlpha().data();
    expect(Math.max(la[0]!, la[8]!)).toBeLessThan(layer.threshold);
  });
});
