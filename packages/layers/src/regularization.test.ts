import { Generator, mul, randint, sum, type Tensor, uniform } from '@lacuna/tensor';
import { describe, expect, it } from 'vitest';
import { crossEntropy } from './losses/classification.js';
import { Module } from './module.js';
import { Linear } from './modules/linear.js';
import { Sequential } from './modules/sequential.js';
import { sgd } from './test-util/training-run.js';
import { fit } from './training/fit.js';

/** A Linear whose extra loss term is c·Σw² (a stand-in for a KL term). */
class Penalised extends Module {
  readonly inner: Linear;
  constructor(
    readonly c: number,
    seed: number,
  ) {
    super();
    this.inner = this.registerModule('inner', new Linear(8, 3, { generator: new Generator(seed) }));
  }
  forward(x: Tensor): Tensor {
    return this.inner.forward(x);
  }
  override lossTerm(): Tensor {
    return mul(sum(mul(this.inner.weight, this.inner.weight)), this.c);
  }
}

const squares = (w: Tensor) => Array.from(w.data()).reduce((a, v) => a + v * v, 0);

describe('regularization', () => {
  it('sums every module’s loss term, recorded for autograd; 0 when there is none', () => {
    const a = new Penalised(0.5, 1);
    const b = new Penalised(2, 2);
    const net = new Sequential(a, new Linear(3, 3, { generator: new Generator(3) }), b);
    const expected = 0.5 * squares(a.inner.weight) + 2 * squares(b.inner.weight);
    const total = net.regularization();
    expect(total.item()).toBeCloseTo(expected, 4);
    expect(total.gradNode).not.toBeNull();
    expect(new Linear(2, 2, { generator: new Generator(0) }).regularization().item()).toBe(0);
  });

  it('fit adds it to the loss only when asked', async () => {
    const run = async (regularization: boolean | undefined) => {
      const net = new Penalised(1, 4);
      const g = new Generator(5);
      const batches = [
        { x: uniform([16, 8], { generator: g }), y: randint(0, 3, [16], { generator: g }) },
      ];
      const losses: number[] = [];
      await fit(net, {
        data: { batches: () => batches },
        optimizer: sgd(net.parameters(), 0.1),
        loss: crossEntropy,
        epochs: 3,
        callbacks: [{ onBatchEnd: (_i, _n, l) => void losses.push(l) }],
        ...(regularization === undefined ? {} : { regularization }),
      });
      return { w: squares(net.inner.weight), first: losses[0]! };
    };
    const plain = await run(undefined);
    const off = await run(false);
    const on = await run(true);
    expect(off).toEqual(plain);
    expect(on.w).toBeLessThan(plain.w * 0.8); // weight decay from the term
    expect(on.first).toBeGreaterThan(plain.first); // the reported loss includes the term
    await expect(
      fit(new Penalised(1, 6), {
        data: { batches: () => [] },
        optimizer: sgd([], 0.1),
        loss: crossEntropy,
        epochs: 1,
        regularization: 'yes' as never,
      }),
    ).rejects.toThrow(/fit: argument 'regularization' must be true or false/);
  });
});
