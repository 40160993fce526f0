import { Generator, ones, tensor, uniform } from '@lacuna/tensor';
import { describe, expect, it } from 'vitest';
import { Module } from '../module.js';
import { ReLU } from '../modules/activations.js';
import { BatchNorm1d } from '../modules/batch-norm.js';
import { Linear } from '../modules/linear.js';
import { Sequential } from '../modules/sequential.js';
import { Dropout } from './dropout.js';
import { mcPredict } from './mc.js';

function net(seed: number) {
  const g = new Generator(seed);
  const bn = new BatchNorm1d(16);
  const model = new Sequential(
    new Linear(4, 16, { generator: g }),
    bn,
    new ReLU(),
    new Dropout(0.5, { generator: g.fork() }),
    new Linear(16, 3, { generator: g }),
  );
  return { model, bn };
}

describe('mcPredict', () => {
  it('summarises T stochastic passes: mean, variance, entropy, mutual information, vote', () => {
    const { model } = net(0);
    const x = uniform([5, 4], { generator: new Generator(1), low: -2, high: 2 });
    const r = mcPredict(model, x, { samples: 50, generator: new Generator(2) });
    expect(r.mean.shape).toEqual([5, 3]);
    expect(r.variance.shape).toEqual([5, 3]);
    expect(r.entropy.shape).toEqual([5]);
    expect(r.vote.dtype).toBe('int32');
    const mean = r.mean.toArray() as number[][];
    for (const row of mean) expect(row.reduce((a, v) => a + v, 0)).toBeCloseTo(1, 5);
    expect(Array.from(r.variance.storage).some((v) => v > 0)).toBe(true);
    const mi = Array.from(r.mutualInformation.storage);
    const h = Array.from(r.entropy.storage);
    mi.forEach((v, i) => {
      expect(v).toBeGreaterThan(0);
      expect(v).toBeLessThanOrEqual(h[i]! + 1e-6);
      expect(h[i]).toBeLessThanOrEqual(Math.log(3) + 1e-6);
    });
  });

  it('keeps batch norm in inference mode, restores every mode, and reproduces from its generator', () => {
    const { model, bn } = net(3);
    model.train();
    const x = uniform([6, 4], { generator: new Generator(4) });
    // Give the running statistics values that differ from any batch's statistics.
    bn.runningMean.storage.fill(5);
    const before = bn.runningMean.data();
    const a = mcPredict(model, x, { samples: 10, generator: new Generator(5) });
    const b = mcPredict(model, x, { samples: 10, generator: new Generator(5) });
    expect(b.mean.data()).toEqual(a.mean.data());
    expect(bn.runningMean.data()).toEqual(before); // inference mode: no running-stat updates
    expect(model.training).toBe(true);
    expect(model.mcDropoutEnabled).toBe(false);
    // With dropout at p = 0 the passes agree: zero variance and zero mutual information.
    const g = new Generator(6);
    const plain = new Sequential(
      new Linear(4, 3, { generator: g }),
      new Dropout(0, { generator: g }),
    );
    const r = mcPredict(plain, x, { samples: 5 });
    expect(Array.from(r.variance.storage).every((v) => v < 1e-12)).toBe(true);
    expect(() => mcPredict(plain, x, { samples: 0 })).toThrow(RangeError);
  });

  it('votes for the majority class', () => {
    class Fixed extends Module {
      forward() {
        return tensor([[0, 10, 0]]);
      }
    }
    expect(mcPredict(new Fixed(), ones([1, 1]), { samples: 3 }).vote.toArray()).toEqual([1]);
  });
});
