import { backward, gradcheck, noGrad, valueAndGrad } from '@lacuna/autograd';
import {
  ArgumentRangeError,
  add,
  Generator,
  LacunaError,
  linear,
  mul,
  reshape,
  sum,
  Tensor,
  tensor,
  uniform,
  variationalDropoutKl,
} from '@lacuna/tensor';
import { describe, expect, it } from 'vitest';
import { parseSafetensors, serializeSafetensors } from '../checkpoint/safetensors.js';
import { crossEntropy } from '../losses/classification.js';
import { ReLU } from '../modules/activations.js';
import { Sequential } from '../modules/sequential.js';
import { watchingCalls } from '../test-util/backend-calls.js';
import { sgd } from '../test-util/training-run.js';
import { fit } from '../training/fit.js';
import { localReparameterization } from './local-reparameterization.js';
import { mcPredict } from './mc.js';
import type { AlphaGranularity, VariationalDropoutOptions } from './variational.js';
import { VariationalLinear } from './variational-linear.js';

const make = (
  inF: number,
  outF: number,
  seed: number,
  extra: Partial<VariationalDropoutOptions> = {},
) =>
  new VariationalLinear(inF, outF, { generator: new Generator(seed), datasetSize: 100, ...extra });

/** Writes `f(i)` into every element of a parameter, as an optimiser would. */
const setValues = (t: Tensor, f: (i: number) => number) => {
  for (let i = 0; i < t.size; i++) t.storage[i] = f(i);
};

const granularities: AlphaGranularity[] = ['layer', 'unit', 'weight'];

describe('VariationalLinear: local reparameterisation', () => {
  it.each(granularities)(
    "alpha '%s': sample mean and variance match μ = x·θᵀ + b and σ² = x²·(αθ²)ᵀ at a fixed seed",
    (alpha) => {
      const [inF, outF, n] = [6, 3, 4000];
      const layer = make(inF, outF, 1, { alpha });
      setValues(layer.logAlpha, (i) => -1.5 + 0.25 * (i % 7)); // α from 0.22 to 1
      const row = Array.from({ length: inF }, (_, i) => Math.fround(0.9 * Math.sin(i + 1)));
      // n identical rows: n independent draws of each pre-activation, one ε per element.
      const x = new Tensor(
        Float32Array.from({ length: n * inF }, (_, k) => row[k % inF]!),
        [n, inF],
        'float32',
      );
      const y = layer.forward(x).data();
      const W = layer.weight.storage;
      const b = layer.bias!.storage;
      const la = layer.logAlpha.storage;
      const logAlphaAt = (j: number, i: number) =>
        la[alpha === 'layer' ? 0 : alpha === 'unit' ? j : j * inF + i]!;
      for (let j = 0; j < outF; j++) {
        let mu = b[j]!;
        let s2 = 1e-8;
        for (let i = 0; i < inF; i++) {
          const w = W[j * inF + i]!;
          mu += row[i]! * w;
          s2 += row[i]! ** 2 * Math.exp(logAlphaAt(j, i)) * w * w;
        }
        let m = 0;
        for (let r = 0; r < n; r++) m += y[r * outF + j]! / n;
        let v = 0;
        for (let r = 0; r < n; r++) v += (y[r * outF + j]! - m) ** 2 / (n - 1);
        // Four standard errors: of the mean σ/√n, of the sample variance σ²·√(2/(n−1)).
        expect(Math.abs(m - mu)).toBeLessThan(4 * Math.sqrt(s2 / n));
        expect(Math.abs(v - s2)).toBeLessThan(4 * s2 * Math.sqrt(2 / (n - 1)));
      }
    },
  );

  it('draws fresh ε on every call, reproducibly from the seed; eval uses the mean weights', () => {
    const x = uniform([5, 4], { generator: new Generator(2), low: -1, high: 1 });
    const a = make(4, 3, 3);
    const b = make(4, 3, 3);
    const first = a.forward(x).data();
    expect(a.forward(x).data()).not.toEqual(first);
    expect(b.forward(x).data()).toEqual(first);
    const rows = first.slice(0, 3);
    expect(first.slice(3, 6)).not.toEqual(rows);
    a.eval();
    const state = a.randomState();
    const mean = linear(x, a.weight, a.bias).data();
    expect(a.forward(x).data()).toEqual(mean);
    expect(a.randomState()).toEqual(state); // inference draws nothing
    a.mcDropout(true);
    expect(a.forward(x).data()).not.toEqual(mean);
    expect(a.randomState()).not.toEqual(state);
  });

  it.each(granularities)(
    "alpha '%s': gradcheck w.r.t. x, θ, b and log α through the sample (same ε every evaluation)",
    (alpha) => {
      const g = new Generator(4);
      const [inF, outF] = [4, 3];
      const shape = alpha === 'layer' ? [1, 1] : alpha === 'unit' ? [outF, 1] : [outF, inF];
      const inputs = [
        uniform([2, inF], { generator: g, low: -1, high: 1 }),
        uniform([outF, inF], { generator: g, low: -1, high: 1 }),
        uniform([outF], { generator: g, low: -1, high: 1 }),
        uniform(shape, { generator: g, low: -2, high: -0.1 }),
      ];
      const result = gradcheck(
        (x, w, b, la) => localReparameterization(linear, x, w!, b!, la!, new Generator(9)),
        inputs,
      );
      expect(result.ok, JSON.stringify(result)).toBe(true);
    },
  );

  it('the module’s gradients are those of the checked function at the same ε', () => {
    const layer = make(4, 3, 5, { alpha: 'unit' });
    const x = uniform([3, 4], { generator: new Generator(6), low: -1, high: 1 });
    const w = tensor([0.7, -0.4, 1.1]);
    const state = layer.randomState();
    backward(sum(mul(layer.forward(x), w)));
    const g = new Generator(0);
    g.setState(state);
    const { grads } = valueAndGrad((theta: Tensor, b: Tensor, la: Tensor) =>
      sum(mul(localReparameterization(linear, x, theta, b, reshape(la, [3, 1]), g), w)),
    )(layer.weight, layer.bias!, layer.logAlpha);
    layer.parameters().forEach((p, i) => {
      expect(p.grad!.data()).toEqual(grads[i]!.data());
    });
  });
});

describe('VariationalLinear: KL term', () => {
  const [c1, c2, c3] = [1.16145124, -1.50204118, 0.58629921];
  const kl = (la: number) => {
    const a = Math.exp(la);
    return -(0.5 * la + c1 * a + c2 * a * a + c3 * a ** 3) + (c1 + c2 + c3);
  };

  it('is the paper’s eq. 7 per weight, / datasetSize: α entries count once per weight', () => {
    const values = [-4, -1.3, -0.2, 0];
    const [inF, outF, N] = [5, 4, 250];
    for (const alpha of granularities) {
      const layer = make(inF, outF, 7, { alpha, datasetSize: N });
      setValues(layer.logAlpha, (i) => values[i % values.length]!);
      const covers = alpha === 'layer' ? inF * outF : alpha === 'unit' ? inF : 1;
      let expected = 0;
      for (const v of layer.logAlpha.data()) expected += (kl(v) * covers) / N;
      expect(layer.lossTerm().item()).toBeCloseTo(expected, 5);
      expect(layer.regularization().item()).toBeCloseTo(expected, 5);
    }
    // The constant makes KL(1) = 0; it decreases on (0, 1], so it is ≥ 0 there.
    const one = make(2, 2, 8, { initLogAlpha: 0 });
    expect(Math.abs(one.lossTerm().item())).toBeLessThan(1e-6);
    expect(kl(-6)).toBeGreaterThan(kl(-2));
    expect(kl(-2)).toBeGreaterThan(kl(-0.1));
    expect(kl(-0.1)).toBeGreaterThan(0);
  });

  it('is recorded for autograd: d/dlog α = −(0.5 + c1α + 2c2α² + 3c3α³)·covers/N', () => {
    const layer = make(3, 2, 9, { alpha: 'unit', datasetSize: 10 });
    setValues(layer.logAlpha, (i) => [-2, -0.5][i]!);
    const term = layer.lossTerm();
    expect(term.gradNode?.op).toBe('variationalDropoutKl'); // covers/N folded into the one op
    backward(term);
    const grad = layer.logAlpha.grad!.data();
    [-2, -0.5].forEach((la, i) => {
      const a = Math.exp(la);
      const d = -(0.5 + c1 * a + 2 * c2 * a * a + 3 * c3 * a ** 3) * (3 / 10);
      expect(grad[i]).toBeCloseTo(d, 5);
    });
    expect(layer.weight.grad ?? null).toBeNull();
  });
});

describe('VariationalLinear: a recorded sampled forward and lossTerm share one pass (α per weight)', () => {
  /** Counts the backend's KL calls (and those that also wrote α⊙θ²) and scaledSquare calls. */
  function counting(f: () => void): { kl: number; withSquare: number; scaledSquare: number } {
    const seen = { kl: 0, withSquare: 0, scaledSquare: 0 };
    watchingCalls(
      ['variationalDropoutKl', 'scaledSquare'],
      (entry, args) => {
        if (entry === 'scaledSquare') seen.scaledSquare++;
        else {
          seen.kl++;
          if (args[4]) seen.withSquare++;
        }
      },
      f,
    );
    return seen;
  }
  const x = uniform([5, 4], { generator: new Generator(3), low: -1, high: 1 });

  it('lossTerm after the forward is the KL that pass computed, and the gradients are unchanged', () => {
    const layer = make(4, 3, 1, { initLogAlpha: -2 });
    let loss: Tensor | null = null;
    const seen = counting(() => {
      loss = add(sum(layer.forward(x)), layer.lossTerm());
    });
    expect(seen).toEqual({ kl: 1, withSquare: 1, scaledSquare: 0 });
    backward(loss!);
    // The same step through the separate ops (scaledSquare, then the KL op), same generator state.
    const g = new Generator(1);
    const twin = new VariationalLinear(4, 3, { generator: g, datasetSize: 100, initLogAlpha: -2 });
    const sample = localReparameterization(
      (input, w, b) => linear(input, w, b),
      x,
      twin.weight,
      twin.bias,
      twin.logAlpha,
      g,
    );
    backward(add(sum(sample), variationalDropoutKl(twin.logAlpha, { scale: 1 / 100 })));
    for (const name of ['weight', 'logAlpha', 'bias'] as const)
      expect(Array.from(layer[name]!.grad!.data())).toEqual(Array.from(twin[name]!.grad!.data()));
  });

  it('after backward (or loadStateDict, or under noGrad) lossTerm computes from the current α', () => {
    const layer = make(4, 3, 2);
    backward(add(sum(layer.forward(x)), layer.lossTerm()));
    setValues(layer.logAlpha, (i) => -1 - i / 10);
    const fresh = () => variationalDropoutKl(layer.logAlpha, { scale: 1 / 100 }).item();
    const want = fresh();
    expect(counting(() => expect(layer.lossTerm().item()).toBe(want)).kl).toBe(1);
    layer.forward(x);
    layer.loadStateDict(make(4, 3, 9).stateDict());
    expect(layer.lossTerm().item()).toBe(fresh());
    const seen = counting(() => noGrad(() => layer.forward(x)));
    expect(seen).toEqual({ kl: 0, withSquare: 0, scaledSquare: 1 });
    expect(layer.lossTerm().item()).toBe(fresh());
    // Handed out once; never after a backward reached the weights (here one keeping its graph).
    const again = make(4, 3, 5);
    const out = again.forward(x);
    expect(counting(() => again.lossTerm()).kl).toBe(0);
    expect(counting(() => again.lossTerm()).kl).toBe(1);
    again.forward(x);
    backward(sum(out), { retainGraph: true });
    setValues(again.logAlpha, () => -0.5);
    expect(again.lossTerm().item()).toBe(
      variationalDropoutKl(again.logAlpha, { scale: 1 / 100 }).item(),
    );
    // α per unit keeps the separate ops: its α⊙θ² needs log α broadcast first.
    const perUnit = make(4, 3, 4, { alpha: 'unit' });
    const unitSeen = counting(() => backward(add(sum(perUnit.forward(x)), perUnit.lossTerm())));
    expect(unitSeen).toEqual({ kl: 1, withSquare: 0, scaledSquare: 1 });
  });
});

describe('VariationalLinear: α ≤ 1 by projection', () => {
  it('writes min(log α, 0) into the parameter on use, and the gradient still flows at the bound', () => {
    const layer = make(3, 2, 10, { alpha: 'unit' });
    setValues(layer.logAlpha, (i) => [2, -0.5][i]!); // as an optimiser step past 0 would leave it
    expect(Array.from(layer.alpha().data())).toEqual([1, Math.fround(Math.exp(-0.5))]);
    expect(Array.from(layer.logAlpha.data())).toEqual([0, -0.5]);
    setValues(layer.logAlpha, (i) => [3, -0.5][i]!);
    const x = uniform([4, 3], { generator: new Generator(11), low: 0.5, high: 1 });
    backward(sum(mul(layer.forward(x), layer.forward(x))));
    expect(layer.logAlpha.storage[0]).toBe(0);
    // A clamp in the graph would give 0 here forever; the projected parameter gets its gradient.
    expect(Math.abs(layer.logAlpha.grad!.storage[0]!)).toBeGreaterThan(0);
  });
});

describe('VariationalLinear: the variance weights α⊙θ²', () => {
  /** The ops recorded on the way to `t`. */
  const opsOf = (t: Tensor, found = new Set<string>()): Set<string> => {
    if (t.gradNode) {
      found.add(t.gradNode.op);
      for (const input of t.gradNode.inputs) opsOf(input, found);
    }
    return found;
  };

  it('are one fused scaledSquare, of log α itself per weight, broadcast to θ per unit or per layer', () => {
    const x = uniform([2, 3], { generator: new Generator(1) });
    const perWeight = opsOf(make(3, 2, 1, { alpha: 'weight' }).forward(x));
    expect(perWeight.has('scaledSquare')).toBe(true);
    expect(perWeight.has('broadcastTo')).toBe(false);
    // No reshape in between: log α's gradient from the variance then folds into its KL gradient
    // (scaledSquareBackward's addend) instead of costing an add over every weight.
    expect(perWeight.has('reshape')).toBe(false);
    for (const alpha of ['unit', 'layer'] as const) {
      const shared = opsOf(make(3, 2, 1, { alpha }).forward(x));
      expect(shared.has('scaledSquare')).toBe(true);
      expect(shared.has('broadcastTo')).toBe(true);
      expect(shared.has('exp')).toBe(false);
    }
  });
});

describe('VariationalLinear: the projection over many α', () => {
  it('sets exactly the values above 0 to 0, in the groups of eight and the tail alike', () => {
    const layer = make(7, 3, 10, { alpha: 'weight' }); // 21 entries: two groups of 8, 5 left
    const [nan, inf] = [Number.NaN, Number.POSITIVE_INFINITY];
    // Group 1 all ≤ 0 (NaN and −0 included), group 2 with one value above 0 first, the tail's
    // last above 0.
    const before = [-1, 0, -0, nan, -inf, -2, -3, -4, 0.5, -1, nan, -0, -5, -6, inf, 1e-40];
    before.push(-1, nan, -2, 0, 7);
    setValues(layer.logAlpha, (i) => before[i]!);
    layer.alpha();
    const want = before.map((v) => Math.min(v, 0));
    expect(Array.from(layer.logAlpha.data())).toEqual(want.map(Math.fround));
  });
});

describe('VariationalLinear: options', () => {
  it('rejects bad and unknown options with typed errors naming the key', () => {
    const generator = new Generator(0);
    const build = (options: unknown) =>
      new VariationalLinear(2, 2, options as VariationalDropoutOptions);
    expect(() => build(undefined)).toThrow(LacunaError);
    expect(() => build({ generator })).toThrow(ArgumentRangeError);
    expect(() => build({ generator })).toThrow(/datasetSize/);
    for (const datasetSize of [0, -3, 2.5, Number.NaN, '100'])
      expect(() => build({ generator, datasetSize })).toThrow(/'datasetSize' must be a positive/);
    expect(() => build({ generator, datasetSize: 10, alpha: 'units' })).toThrow(
      /did you mean 'unit'/,
    );
    for (const initLogAlpha of [0.5, Number.NaN, Number.NEGATIVE_INFINITY, '-1'])
      expect(() => build({ generator, datasetSize: 10, initLogAlpha })).toThrow(ArgumentRangeError);
    expect(() => build({ generator, datasetSize: 10, dataset_size: 10 })).toThrow(
      /options\.dataset_size.*did you mean 'datasetSize'/,
    );
    expect(() => build({ generator, datasetSize: 10, bias: 'no' })).toThrow(/bias/);
    expect(() => build({ datasetSize: 10 })).toThrow(/generator/);
    expect(() => new VariationalLinear(0, 2, { generator, datasetSize: 1 })).toThrow(/inFeatures/);
    expect(() => make(3, 2, 0).forward(uniform([2, 4], { generator }))).toThrow(/\[N, 3\]/);
    const plain = make(3, 2, 0, { bias: false, alpha: 'layer', initLogAlpha: -1 });
    expect(plain.bias).toBeNull();
    expect(plain.logAlpha.shape).toEqual([1]);
    expect(Array.from(plain.logAlpha.data())).toEqual([-1]);
  });
});

describe('VariationalLinear: state', () => {
  it('saves θ, b and log α; a restored copy gives bit-identical outputs, sampled and mean', () => {
    const a = make(4, 3, 12, { alpha: 'weight' });
    setValues(a.logAlpha, (i) => -0.1 * i);
    const names = [...a.stateDict().keys()];
    expect(names).toEqual(['weight', 'bias', 'log_alpha']);
    const b = make(4, 3, 13, { alpha: 'weight' });
    b.loadStateDict(parseSafetensors(serializeSafetensors(a.stateDict())).tensors);
    for (const name of names)
      expect(b.stateDict().get(name)!.data()).toEqual(a.stateDict().get(name)!.data());
    const x = uniform([5, 4], { generator: new Generator(14), low: -1, high: 1 });
    b.setRandomState(a.randomState());
    expect(b.forward(x).data()).toEqual(a.forward(x).data());
    expect(b.eval().forward(x).data()).toEqual(a.eval().forward(x).data());
  });
});

describe('VariationalLinear: with mcPredict and fit', () => {
  const net = (seed: number, N: number) => {
    const g = new Generator(seed);
    return new Sequential(
      new VariationalLinear(4, 16, { generator: g.fork(), datasetSize: N }),
      new ReLU(),
      new VariationalLinear(16, 2, { generator: g.fork(), datasetSize: N }),
    );
  };

  it('mcPredict samples it at inference, reproducibly from its generator, and restores modes', () => {
    const model = net(20, 100);
    const layer = model.namedModules()[1]![1] as VariationalLinear;
    setValues(layer.logAlpha, () => -0.5);
    const x = uniform([6, 4], { generator: new Generator(21), low: -1, high: 1 });
    const own = layer.randomState();
    const p = mcPredict(model, x, { samples: 16, generator: new Generator(22) });
    const q = mcPredict(model, x, { samples: 16, generator: new Generator(22) });
    expect(p.mean.data()).toEqual(q.mean.data());
    expect(Math.max(...p.variance.data())).toBeGreaterThan(1e-6);
    expect(layer.randomState()).toEqual(own); // drew from the given generator only
    expect(model.training).toBe(true);
    expect(layer.mcDropoutEnabled).toBe(false);
  });

  it('fit({ regularization: true }) trains on a synthetic task and moves α', async () => {
    const N = 128;
    const g = new Generator(30);
    const x = uniform([N, 4], { generator: g, low: -1, high: 1 });
    const xs = x.data();
    const y = new Tensor(
      Int32Array.from({ length: N }, (_, i) => (xs[i * 4]! + xs[i * 4 + 1]! > 0 ? 1 : 0)),
      [N],
      'int32',
    );
    const batches = [0, 1, 2, 3].map((k) => ({
      x: new Tensor(xs.slice(k * 128, (k + 1) * 128), [32, 4], 'float32'),
      y: new Tensor(y.data().slice(k * 32, (k + 1) * 32), [32], 'int32'),
    }));
    const model = net(31, N);
    const history = await fit(model, {
      data: { batches: () => batches },
      trainEval: { x, y },
      optimizer: sgd(model.parameters(), 0.05),
      epochs: 15,
      loss: crossEntropy,
      regularization: true,
    });
    const [first, last] = [history.epochs[0]!.train, history.epochs.at(-1)!.train];
    expect(last.loss).toBeLessThan(first.loss);
    expect(last.accuracy!).toBeGreaterThan(0.95);
    const layers = model
      .namedModules()
      .flatMap(([, m]) => (m instanceof VariationalLinear ? [m] : []));
    for (const layer of layers) {
      const logAlpha = Array.from(layer.logAlpha.data());
      const mean = logAlpha.reduce((s, v) => s + v, 0) / logAlpha.length;
      expect(mean).toBeGreaterThan(-2.95); // from initLogAlpha −3: the KL term raises α
    }
  });
});
