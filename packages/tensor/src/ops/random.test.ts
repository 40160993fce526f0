import { expect, it } from 'vitest';
import { ArgumentRangeError, LacunaError } from '../errors.js';
import { Generator, requireGenerator } from '../random/generator.js';
import {
  describeBackends,
  expectSameBits,
  FALLBACK_ELEMENTS,
  onReference,
} from '../test-util/backends.js';
import { ones, tensor } from './creation.js';
import { dropout, dropoutWithMask } from './dropout.js';
import { bernoulli, normal, permutation, randint, uniform } from './random.js';

const N = 200_000;

function stats(data: ArrayLike<number>): { mean: number; variance: number } {
  let s = 0;
  for (let i = 0; i < data.length; i++) s += data[i]!;
  const mean = s / data.length;
  let v = 0;
  for (let i = 0; i < data.length; i++) v += (data[i]! - mean) ** 2;
  return { mean, variance: v / data.length };
}

describeBackends('random ops at a fixed seed', () => {
  it('uniform has mean 1/2 and variance 1/12 within 5 standard errors, inside [low, high)', () => {
    const u = uniform([N], { generator: new Generator(1) });
    const { mean, variance } = stats(u.storage);
    expect(Math.abs(mean - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / N));
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(0.002);
    const r = uniform([N], { generator: new Generator(2), low: -3, high: -2 });
    expect(Array.from(r.storage).reduce((m, v) => Math.min(m, v), 0)).toBeGreaterThanOrEqual(-3);
    expect(Array.from(r.storage).reduce((m, v) => Math.max(m, v), -3)).toBeLessThan(-2);
  });

  it('normal has the requested mean and std', () => {
    const x = normal([N], { generator: new Generator(3), mean: 2, std: 0.5 });
    const { mean, variance } = stats(x.storage);
    expect(Math.abs(mean - 2)).toBeLessThan((5 * 0.5) / Math.sqrt(N));
    expect(Math.abs(Math.sqrt(variance) - 0.5)).toBeLessThan(0.005);
    // Tails: about 4.55 % of a normal lies beyond 2 std.
    const beyond = x.storage.filter((v) => Math.abs(v - 2) > 1).length / N;
    expect(Math.abs(beyond - 0.0455)).toBeLessThan(0.003);
  });

  it('bernoulli rate lies inside binomial bounds', () => {
    for (const p of [0.1, 0.5, 0.9]) {
      const b = bernoulli([N], { generator: new Generator(4), p });
      const rate = stats(b.storage).mean;
      expect(Math.abs(rate - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / N));
    }
    expect(
      bernoulli([100], { generator: new Generator(4), p: 0 }).storage.every((v) => v === 0),
    ).toBe(true);
    expect(
      bernoulli([100], { generator: new Generator(4), p: 1 }).storage.every((v) => v === 1),
    ).toBe(true);
  });

  it('randint covers [low, high) evenly and permutation is a permutation', () => {
    const r = randint(-2, 3, [N], { generator: new Generator(5) });
    const counts = new Map<number, number>();
    for (const v of r.storage) counts.set(v, (counts.get(v) ?? 0) + 1);
    expect([...counts.keys()].sort()).toEqual([-1, -2, 0, 1, 2].sort());
    for (const c of counts.values()) expect(Math.abs(c / N - 0.2)).toBeLessThan(0.005);
    const p = permutation(1000, { generator: new Generator(6) });
    expect([...p.storage].sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect([...p.storage]).not.toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });

  it('draws the reference backend’s bits, at a size too big for the capped backend’s memory', () => {
    const draw = () => {
      const g = new Generator(11);
      return [
        uniform([FALLBACK_ELEMENTS], { generator: g }).storage,
        normal([FALLBACK_ELEMENTS + 3], { generator: g }).storage,
        bernoulli([FALLBACK_ELEMENTS], { generator: g, p: 0.3 }).storage,
        uniform([1001], { generator: g }).storage,
      ];
    };
    const [got, want] = [draw(), onReference(draw)];
    for (const [i, values] of got.entries()) expectSameBits(values, want[i]!);
  });

  it('the same seed reproduces every op bit for bit; the next call differs', () => {
    const draw = (g: Generator) => [
      uniform([64], { generator: g }).storage,
      normal([63], { generator: g }).storage,
      dropout(ones([64]), { p: 0.3, training: true, generator: g }).storage,
      permutation(10, { generator: g }).storage,
    ];
    const a = draw(new Generator('seed'));
    const b = draw(new Generator('seed'));
    expect(b).toEqual(a);
    const g = new Generator('seed');
    const first = uniform([64], { generator: g }).storage;
    const second = uniform([64], { generator: g }).storage;
    expect(second).not.toEqual(first);
  });

  it('generator state restores exactly and forks are independent streams', () => {
    const g = new Generator(7);
    g.nextFloat();
    const saved = JSON.parse(JSON.stringify(g.getState()));
    const a = normal([10], { generator: g }).storage;
    g.setState(saved);
    expect(normal([10], { generator: g }).storage).toEqual(a);
    const root = new Generator(7);
    const f1 = root.fork();
    const f2 = root.fork();
    expect(uniform([8], { generator: f1 }).storage).not.toEqual(
      uniform([8], { generator: f2 }).storage,
    );
    expect(() => g.setState({ algorithm: 'alea', c: Number.NaN } as never)).toThrow(
      ArgumentRangeError,
    );
    expect(() => new Generator(Number.NaN)).toThrow(/Generator: argument 'seed'/);
  });

  it('random ops demand an explicit generator', () => {
    expect(() => uniform([2], {} as never)).toThrow(LacunaError);
    expect(() => uniform([2], {} as never)).toThrow(
      /uniform: argument 'generator' must be a Generator/,
    );
  });

  it('requireGenerator returns a generator and names the op and argument otherwise', () => {
    const g = new Generator(1);
    expect(requireGenerator('Linear', g, 'options.generator')).toBe(g);
    expect(() => requireGenerator('Linear', 42, 'options.generator')).toThrow(
      "Linear: argument 'options.generator' must be a Generator (e.g. new Generator(seed) or parent.fork()), got 42 (a number)",
    );
  });
});

describeBackends('dropout', () => {
  it('zeroes a p fraction (binomial bounds) and scales the rest by 1/(1-p)', () => {
    const p = 0.3;
    const { output, mask } = dropoutWithMask(ones([N]), {
      p,
      training: true,
      generator: new Generator(8),
    });
    const kept = Array.from(mask!.storage).reduce((a, v) => a + v, 0);
    expect(Math.abs(kept / N - (1 - p))).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / N));
    const scaled = Math.fround(1 / (1 - p));
    const wrong = output.storage.filter((v, i) => v !== (mask!.storage[i] ? scaled : 0)).length;
    expect(wrong).toBe(0);
    expect(Math.abs(stats(output.storage).mean - 1)).toBeLessThan(0.01);
  });

  it('draws the reference backend’s masks, at a size too big for the capped backend’s memory', () => {
    const draw = () => {
      const x = tensor(Float32Array.from({ length: FALLBACK_ELEMENTS }, (_, i) => (i % 9) - 4));
      const g = new Generator(12);
      const { output, mask } = dropoutWithMask(x, { p: 0.4, training: true, generator: g });
      const again = dropout(x, { p: 0.1, training: true, generator: g });
      return [output.storage, mask!.storage, again.storage];
    };
    const [got, want] = [draw(), onReference(draw)];
    for (const [i, values] of got.entries()) expectSameBits(values, want[i]!);
  });

  it('inverted and classic scaling give the same expected output at training vs inference', () => {
    const x = tensor(Float32Array.from({ length: N }, (_, i) => (i % 10) / 10));
    const expected = stats(x.storage).mean;
    const inv = dropout(x, { p: 0.5, training: true, generator: new Generator(9) });
    const classicTrain = dropout(x, {
      p: 0.5,
      training: true,
      generator: new Generator(9),
      scaling: 'classic',
    });
    const classicEval = dropout(x, {
      p: 0.5,
      training: false,
      generator: new Generator(9),
      scaling: 'classic',
    });
    const invEval = dropout(x, { p: 0.5, training: false, generator: new Generator(9) });
    expect(invEval).toBe(x);
    expect(Math.abs(stats(inv.storage).mean - expected)).toBeLessThan(0.01);
    // classic: E[train] = (1-p)·x = inference output
    expect(
      Math.abs(stats(classicTrain.storage).mean - stats(classicEval.storage).mean),
    ).toBeLessThan(0.01);
    expect(stats(classicEval.storage).mean).toBeCloseTo(expected * 0.5, 5);
  });

  it('draws a fresh mask each call and validates p and training', () => {
    const g = new Generator(10);
    const a = dropout(ones([256]), { p: 0.5, training: true, generator: g });
    const b = dropout(ones([256]), { p: 0.5, training: true, generator: g });
    expect(a.storage).not.toEqual(b.storage);
    expect(dropout(ones([4]), { p: 0, training: true, generator: g }).storage).toEqual(
      new Float32Array([1, 1, 1, 1]),
    );
    for (const p of [-0.1, 1, 1.5, Number.NaN]) {
      expect(() => dropout(ones([4]), { p, training: true, generator: g })).toThrow(
        ArgumentRangeError,
      );
    }
    expect(() => dropout(ones([4]), { p: 1, training: true, generator: g })).toThrow(
      "dropout: argument 'p' is the drop probability and must lie in [0, 1), got 1",
    );
    expect(() => dropout(ones([4]), { p: 0.5, generator: g } as never)).toThrow(
      /training.*no default/,
    );
  });
});
