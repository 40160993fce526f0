import { backward, gradcheck, noGrad } from '@lacuna/autograd';
import {
  ArgumentRangeError,
  Generator,
  LacunaError,
  linear,
  mul,
  randint,
  ShapeError,
  sum,
  Tensor,
  tensor,
  uniform,
} from '@lacuna/tensor';
import { describe, expect, it } from 'vitest';
import { crossEntropy } from '../losses/classification.js';
import { Module } from '../module.js';
import { Conv2d } from '../modules/conv.js';
import { Linear } from '../modules/linear.js';
import { Sequential } from '../modules/sequential.js';
import { sgd } from '../test-util/training-run.js';
import { fit } from '../training/fit.js';
import { ConcreteDropout, type ConcreteDropoutOptions } from './concrete.js';
import { concreteDrop, concreteRegularizer, logisticNoise } from './concrete-math.js';
import { mcPredict } from './mc.js';

/** Passes its input through: wrapped, it exposes the scaled keep mask (1 − z̃)/(1 − p). */
class Pass extends Module {
  forward(x: Tensor): Tensor {
    return x;
  }
}

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
const logit = (p: number) => Math.log(p / (1 - p));

function wrapLinear(seed: number, options: Partial<ConcreteDropoutOptions> = {}) {
  const g = new Generator(seed);
  return new ConcreteDropout(new Linear(5, 3, { generator: g }), {
    datasetSize: 100,
    generator: g.fork(),
    ...options,
  });
}

describe('ConcreteDropout', () => {
  it('gradcheck w.r.t. x, the p logit and the wrapped weights at a fixed noise draw', () => {
    const g = new Generator(1);
    const x = uniform([4, 5], { generator: g, low: -1, high: 1 });
    const W = uniform([3, 5], { generator: g, low: -1, high: 1 });
    const b = uniform([3], { generator: g, low: -1, high: 1 });
    // Temperature 0.5 keeps the relaxed mask smooth at the finite-difference step.
    for (const [t, l] of [
      [0.5, logit(0.3)],
      [0.1, logit(0.2)],
    ] as const) {
      const noise = logisticNoise([4, 5], new Generator(2));
      const fn = (xi: Tensor, li: Tensor, Wi: Tensor, bi: Tensor) =>
        linear(concreteDrop(xi, li, noise, t), Wi, bi);
      const r = gradcheck(fn, [x, tensor([l]), W, b], { eps: t === 0.1 ? 1e-3 : 1e-2 });
      expect(r.ok, JSON.stringify(r.worst)).toBe(true);
    }
  });

  it('the layer’s gradients are those of the checked function at the same noise', () => {
    const layer = wrapLinear(3, { initP: 0.25 });
    const x = uniform([4, 5], { generator: new Generator(4), low: -1, high: 1 });
    const state = layer.randomState();
    backward(sum(mul(layer.forward(x), 0.7)));
    const replay = new Generator(0);
    replay.setState(state); // the noise the layer drew
    const noise = logisticNoise([4, 5], replay);
    const [xi, li, Wi, bi] = [x, layer.pLogit, layer.layer.weight, layer.layer.bias!].map(
      (t) => new Tensor(Float32Array.from(t.data()), [...t.shape], 'float32'),
    );
    for (const t of [xi, li, Wi, bi]) t!.requiresGrad = true;
    backward(sum(mul(linear(concreteDrop(xi!, li!, noise, 0.1), Wi!, bi!), 0.7)));
    expect(layer.pLogit.grad!.data()).toEqual(li!.grad!.data());
    expect(layer.layer.weight.grad!.data()).toEqual(Wi!.grad!.data());
    expect(layer.layer.bias!.grad!.data()).toEqual(bi!.grad!.data());
    // Through the layer itself, x with a frozen mask.
    layer.freezeMask();
    const r = gradcheck((input: Tensor) => layer.forward(input), [x], { eps: 1e-3 });
    expect(r.ok, JSON.stringify(r.worst)).toBe(true);
  });

  it('regulariser: the formula’s value, and gradcheck w.r.t. the p logit and the weights', () => {
    const layer = wrapLinear(5, { initP: 0.3, lengthScale: 0.5, precision: 2 });
    layer.forward(uniform([2, 5], { generator: new Generator(6) }));
    const N = 100;
    expect(layer.weightRegularizer).toBeCloseTo(0.25 / (2 * N), 12);
    expect(layer.dropoutRegularizer).toBeCloseTo(2 / (2 * N), 12);
    const p = layer.p;
    const squares = layer.layer
      .parameters()
      .reduce((s, w) => s + Array.from(w.data()).reduce((a, v) => a + v * v, 0), 0);
    const expected =
      (layer.weightRegularizer * squares) / (1 - p) +
      layer.dropoutRegularizer * 5 * (p * Math.log(p) + (1 - p) * Math.log(1 - p));
    const term = layer.lossTerm();
    expect(term.shape).toEqual([]);
    expect(term.item()).toBeCloseTo(expected, 6);
    expect(term.item()).toBeLessThan(0); // the negative entropy dominates at these weights
    const r = gradcheck(
      (l: Tensor, W: Tensor, b: Tensor) => concreteRegularizer(l, [W, b], 5, 0.3, 0.2),
      [tensor([logit(0.3)]), layer.layer.weight, layer.layer.bias!],
    );
    expect(r.ok, JSON.stringify(r.worst)).toBe(true);
    // On its own the dropout term is smallest at p = 0.5: its gradient pushes the logit up from 0.3.
    const l = tensor([logit(0.3)]);
    l.requiresGrad = true;
    backward(concreteRegularizer(l, [], 5, 0, 1));
    expect(l.grad!.item()).toBeLessThan(0);
  });

  it('the mask follows the relaxed Bernoulli distribution (fixed seed, within 4 standard errors)', () => {
    const n = 40000;
    for (const [p, t] of [
      [0.1, 0.1],
      [0.3, 0.1],
      [0.6, 0.5],
    ] as const) {
      const layer = new ConcreteDropout(new Pass(), {
        datasetSize: 10,
        initP: p,
        temperature: t,
        generator: new Generator(7),
      });
      const keep = layer.forward(new Tensor(new Float32Array(n).fill(1), [1, n], 'float32')).data();
      const z = Array.from(keep, (v) => 1 - v * (1 - layer.p));
      const frac = (f: (v: number) => boolean) => z.filter(f).length / n;
      const within = (observed: number, expected: number, se: number) =>
        expect(Math.abs(observed - expected), `${observed} vs ${expected}`).toBeLessThan(4 * se);
      const binomial = (q: number) => Math.sqrt((q * (1 - q)) / n);
      within(
        frac((v) => v > 0.5),
        p,
        binomial(p),
      ); // P(z̃ > 0.5) = p
      for (const c of [0.05, 0.3, 0.7, 0.95]) {
        const cdf = sigmoid(t * logit(c) - logit(p)); // P(z̃ ≤ c)
        within(
          frac((v) => v <= c),
          cdf,
          binomial(cdf),
        );
      }
      // E z̃ = ∫₀¹ sigmoid((logit p + logit u)/t) du, by the midpoint rule.
      let mean = 0;
      const m = 200000;
      for (let i = 0; i < m; i++) mean += sigmoid((logit(p) + logit((i + 0.5) / m)) / t) / m;
      const sample = z.reduce((a, v) => a + v, 0) / n;
      const sd = Math.sqrt(z.reduce((a, v) => a + (v - sample) ** 2, 0) / (n - 1));
      within(sample, mean, sd / Math.sqrt(n));
    }
  });

  it('eval: the wrapped layer on x as is, drawing nothing; training draws a fresh mask per call', () => {
    const layer = wrapLinear(8, { initP: 0.4 });
    const x = uniform([3, 5], { generator: new Generator(9) });
    const first = layer.forward(x).data();
    expect(layer.forward(x).data()).not.toEqual(first);
    layer.eval();
    const state = JSON.stringify(layer.randomState());
    expect(layer.forward(x).data()).toEqual(layer.layer.forward(x).data());
    expect(JSON.stringify(layer.randomState())).toBe(state);
  });

  it('state dict: p_logit and the wrapped layer’s parameters, restored exactly', () => {
    const a = wrapLinear(10, { initP: 0.2 });
    a.pLogit.storage[0] = -0.123456; // as if learned
    expect([...a.stateDict().keys()]).toEqual(['p_logit', 'layer.weight', 'layer.bias']);
    const b = wrapLinear(11, { initP: 0.7 });
    b.loadStateDict(a.stateDict());
    expect(b.p).toBe(a.p);
    expect(b.pLogit.data()).toEqual(a.pLogit.data());
    const x = uniform([2, 5], { generator: new Generator(12) });
    expect(b.eval().forward(x).data()).toEqual(a.eval().forward(x).data());
  });

  it('typed errors for bad options, unknown keys and wrong inputs', () => {
    const g = new Generator(0);
    const fc = () => new Linear(5, 3, { generator: g });
    const make = (o: object) =>
      new ConcreteDropout(fc(), { generator: g, ...o } as ConcreteDropoutOptions);
    expect(() => make({ datasetSize: 10, init_p: 0.2 })).toThrow(/init_p.*initP/s);
    for (const initP of [0, 1, Number.NaN, '0.2'])
      expect(() => make({ datasetSize: 10, initP })).toThrow(ArgumentRangeError);
    expect(() => make({ datasetSize: 10, temperature: 0 })).toThrow(/options\.temperature/);
    expect(() => make({ datasetSize: 10, lengthScale: -1 })).toThrow(/options\.lengthScale/);
    expect(() => make({ datasetSize: 10, precision: Infinity })).toThrow(/options\.precision/);
    expect(() => make({ datasetSize: 2.5 })).toThrow(/datasetSize.*positive integer/);
    expect(() => make({})).toThrow(/datasetSize.*is required/);
    expect(() => make({ datasetSize: 10, spatial: 1 })).toThrow(/spatial.*true or false/);
    expect(() => make({ weightRegularizer: 1e-6 })).toThrow(/only one regulariser weight/);
    expect(() =>
      make({ weightRegularizer: 1e-6, dropoutRegularizer: 1e-5, datasetSize: 5 }),
    ).toThrow(/either datasetSize.*got datasetSize/);
    expect(() => make({ weightRegularizer: -1, dropoutRegularizer: 1e-5 })).toThrow(
      /weightRegularizer.*≥ 0/,
    );
    const direct = make({ weightRegularizer: 1e-6, dropoutRegularizer: 1e-5 });
    expect([direct.weightRegularizer, direct.dropoutRegularizer]).toEqual([1e-6, 1e-5]);
    expect(() => new ConcreteDropout({} as Module, { datasetSize: 1, generator: g })).toThrow(
      /layer.*must be a Module/,
    );
    expect(() => new ConcreteDropout(fc(), { datasetSize: 1 } as never)).toThrow(LacunaError);
    const layer = make({ datasetSize: 10 });
    expect(() => layer.lossTerm()).toThrow(/call forward once first/);
    expect(() => layer.forward(tensor([1, 2, 3, 4, 5]))).toThrow(ShapeError);
    const spatial = make({ datasetSize: 10, spatial: true });
    expect(() => spatial.forward(new Tensor(new Float32Array(10), [2, 5], 'float32'))).toThrow(
      /\[N, C, H, W\]/,
    );
  });

  it('spatial: one mask value per (sample, channel) in front of a Conv2d; K is the channels', () => {
    const g = new Generator(13);
    const layer = new ConcreteDropout(new Conv2d(3, 4, 3, { generator: g }), {
      datasetSize: 50,
      initP: 0.3,
      spatial: true,
      generator: g.fork(),
    });
    const x = uniform([2, 3, 6, 6], { generator: g, low: 0.5, high: 1 });
    expect(layer.forward(x).shape).toEqual([2, 4, 4, 4]);
    const mask = new ConcreteDropout(new Pass(), { datasetSize: 50, spatial: true, generator: g });
    const ratio = Array.from(mask.forward(x).data(), (v, i) => v / x.data()[i]!);
    for (let nc = 0; nc < 6; nc++) {
      const plane = ratio.slice(nc * 36, nc * 36 + 36);
      for (const v of plane) expect(v).toBeCloseTo(plane[0]!, 5);
    }
    const p = layer.p;
    const negEntropy = p * Math.log(p) + (1 - p) * Math.log(1 - p);
    const weights = layer.weightRegularizer / (1 - p);
    const squares = layer.layer
      .parameters()
      .reduce((s, w) => s + Array.from(w.data()).reduce((a, v) => a + v * v, 0), 0);
    expect(layer.lossTerm().item()).toBeCloseTo(
      weights * squares + layer.dropoutRegularizer * 3 * negEntropy,
      6,
    );
  });

  it('takes part in mcPredict: stochastic passes at inference, reproducible, modes restored', () => {
    const g = new Generator(14);
    const net = new Sequential(
      new ConcreteDropout(new Linear(5, 8, { generator: g }), {
        datasetSize: 10,
        initP: 0.5,
        generator: g.fork(),
      }),
      new ConcreteDropout(new Linear(8, 3, { generator: g }), {
        datasetSize: 10,
        initP: 0.5,
        generator: g.fork(),
      }),
    );
    const x = uniform([4, 5], { generator: g });
    const a = mcPredict(net, x, { samples: 20, generator: new Generator(15) });
    const b = mcPredict(net, x, { samples: 20, generator: new Generator(15) });
    expect(a.mean.data()).toEqual(b.mean.data());
    expect(Math.max(...a.variance.data())).toBeGreaterThan(1e-4);
    expect(net.training).toBe(true);
    expect(net.mcDropoutEnabled).toBe(false);
  });

  it('a short fit with regularization: true moves p (towards 0.5 when N is small)', async () => {
    const run = async (regularization: boolean) => {
      const layer = wrapLinear(16, { datasetSize: 10, initP: 0.1 });
      const g = new Generator(17);
      const batches = Array.from({ length: 4 }, () => ({
        x: uniform([16, 5], { generator: g }),
        y: randint(0, 3, [16], { generator: g }),
      }));
      await fit(layer, {
        data: { batches: () => batches },
        optimizer: sgd(layer.parameters(), 0.1),
        loss: crossEntropy,
        epochs: 5,
        regularization,
      });
      return layer.p;
    };
    const withTerm = await run(true);
    const without = await run(false);
    expect(withTerm).toBeGreaterThan(0.15);
    expect(withTerm - 0.1).toBeGreaterThan(5 * Math.abs(without - 0.1));
    expect(noGrad(() => wrapLinear(16).p)).toBeCloseTo(0.1, 6);
  });
});
