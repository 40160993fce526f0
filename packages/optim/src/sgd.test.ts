import { backward } from '@lacuna/autograd';
import { ArgumentRangeError, add, mul, sub, sum, type Tensor, tensor } from '@lacuna/tensor';
import { describe, expect, it } from 'vitest';
import { SGD } from './sgd.js';

function param(values: number[]): Tensor {
  const t = tensor(values);
  t.requiresGrad = true;
  return t;
}

/** Sets fixed gradients and steps; returns the parameter values after each step. */
function trajectory(opt: SGD, p: Tensor, grads: number[][]): number[][] {
  return grads.map((g) => {
    p.grad = tensor(g);
    opt.step();
    return Array.from(p.storage);
  });
}

describe('SGD', () => {
  it('plain SGD: p ← p - η·g', () => {
    const p = param([1, 2]);
    expect(
      trajectory(new SGD([p], { lr: 0.1 }), p, [
        [1, -1],
        [0.5, 0.5],
      ]),
    ).toEqual([
      [Math.fround(0.9), Math.fround(2.1)],
      [Math.fround(Math.fround(0.9) - 0.05), Math.fround(Math.fround(2.1) - 0.05)],
    ]);
  });

  it('momentum: the first buffer is the gradient, then b ← μb + (1-τ)g (hand-computed)', () => {
    const p = param([0]);
    const opt = new SGD([p], { lr: 0.1, momentum: 0.9, dampening: 0.5 });
    // b1 = 1 → p = -0.1; b2 = 0.9·1 + 0.5·1 = 1.4 → p = -0.24; b3 = 0.9·1.4 + 0.5·2 = 2.26 → p = -0.466
    const out = trajectory(opt, p, [[1], [1], [2]]).map((r) => r[0]!);
    expect(out[0]).toBeCloseTo(-0.1, 6);
    expect(out[1]).toBeCloseTo(-0.24, 6);
    expect(out[2]).toBeCloseTo(-0.466, 6);
  });

  it('nesterov and weight decay (hand-computed)', () => {
    const p = param([1]);
    const opt = new SGD([p], { lr: 0.1, momentum: 0.5, nesterov: true, weightDecay: 0.1 });
    // step 1: d = 1 + 0.1·1 = 1.1; b = 1.1; d = 1.1 + 0.5·1.1 = 1.65; p = 1 - 0.165 = 0.835
    // step 2: d = 1 + 0.0835 = 1.0835; b = 0.55 + 1.0835 = 1.6335; d = 1.0835 + 0.81675 = 1.90025; p = 0.644975
    const out = trajectory(opt, p, [[1], [1]]).map((r) => r[0]!);
    expect(out[0]).toBeCloseTo(0.835, 6);
    expect(out[1]).toBeCloseTo(0.644975, 6);
  });

  it('converges on a quadratic', () => {
    const w = param([3, -4]);
    const target = tensor([1, 2]);
    const opt = new SGD([w], { lr: 0.1, momentum: 0.9 });
    for (let i = 0; i < 400; i++) {
      opt.zeroGrad();
      const d = sub(w, target);
      backward(sum(mul(d, d)));
      opt.step();
    }
    expect(w.storage[0]).toBeCloseTo(1, 4);
    expect(w.storage[1]).toBeCloseTo(2, 4);
  });

  it('save → load → continue equals an uninterrupted run, bit for bit', () => {
    const grads = Array.from({ length: 10 }, (_, i) => [Math.sin(i), Math.cos(i)]);
    const a = param([1, 1]);
    const full = trajectory(new SGD([a], { lr: 0.05, momentum: 0.9 }), a, grads);
    const b = param([1, 1]);
    const first = new SGD([b], { lr: 0.05, momentum: 0.9 });
    trajectory(first, b, grads.slice(0, 4));
    const saved = JSON.parse(JSON.stringify(first.stateDict()));
    const resumed = new SGD([b], { lr: 0.05, momentum: 0.9 });
    resumed.loadStateDict(saved);
    const rest = trajectory(resumed, b, grads.slice(4));
    expect(rest).toEqual(full.slice(4));
  });

  it('validates hyper-parameters with clear errors', () => {
    const p = param([1]);
    expect(() => new SGD([p], { lr: -1 })).toThrow(ArgumentRangeError);
    expect(() => new SGD([p], { lr: Number.NaN })).toThrow(
      "SGD: argument 'lr' must be a positive finite number, got NaN",
    );
    expect(() => new SGD([p], { lr: 0.1, momentum: -0.5 })).toThrow(/momentum/);
    expect(() => new SGD([p], { lr: 0.1, nesterov: true })).toThrow(/nesterov' needs momentum > 0/);
    expect(() => new SGD([tensor([1], { dtype: 'int32' })], { lr: 0.1 })).toThrow(/float32/);
    expect(() => new SGD([p], { lr: 0.1 }).loadStateDict({ step: 1, momentumBuffers: [] })).toThrow(
      /1 momentum buffers/,
    );
  });

  it('skips parameters without a gradient', () => {
    const p = param([1]);
    const q = param([2]);
    q.grad = tensor([1]);
    new SGD([p, q], { lr: 1 }).step();
    expect(add(p, 0).toArray()).toEqual([1]);
    expect(q.toArray()).toEqual([1]);
  });
});
