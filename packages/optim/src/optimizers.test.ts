import { backward } from '@lacuna/autograd';
import { ArgumentRangeError, add, mul, sub, sum, type Tensor, tensor } from '@lacuna/tensor';
import { describe, expect, it } from 'vitest';
import { Adagrad } from './adagrad.js';
import { Adam, AdamW } from './adam.js';
import type { Optimizer } from './optimizer.js';
import { RMSprop } from './rmsprop.js';
import { SGD } from './sgd.js';

function param(values: number[]): Tensor {
  const t = tensor(values);
  t.requiresGrad = true;
  return t;
}

/** Feeds fixed gradients; returns the first parameter value after each step. */
function trajectory(opt: Optimizer<{ lr: number }>, p: Tensor, grads: number[]): number[] {
  return grads.map((g) => {
    p.grad = tensor([g]);
    opt.step();
    return p.storage[0]!;
  });
}

/** f(x, y) = (1 - x)² + 100 (y - x²)², minimum at (1, 1). */
function rosenbrock(w: Tensor): Tensor {
  const xs = mul(w, tensor([1, 0]));
  const ys = mul(w, tensor([0, 1]));
  const a = sub(1, sum(xs));
  const b = sub(sum(ys), mul(sum(xs), sum(xs)));
  return add(mul(a, a), mul(mul(b, b), 100));
}

describe('trajectories on fixed gradients match hand-computed values', () => {
  it('SGD: plain, momentum with dampening (first buffer = gradient), nesterov with weight decay', () => {
    const plain = param([1]);
    expect(trajectory(new SGD([plain], { lr: 0.1 }), plain, [1, -2])).toEqual([
      Math.fround(0.9),
      Math.fround(Math.fround(0.9) + 0.2),
    ]);
    const p = param([0]);
    const out = trajectory(new SGD([p], { lr: 0.1, momentum: 0.9, dampening: 0.5 }), p, [1, 1, 2]);
    // b1 = 1 → -0.1; b2 = 0.9 + 0.5 = 1.4 → -0.24; b3 = 1.26 + 1 = 2.26 → -0.466
    for (const [i, v] of [-0.1, -0.24, -0.466].entries()) expect(out[i]).toBeCloseTo(v, 6);
    const q = param([1]);
    const nest = trajectory(
      new SGD([q], { lr: 0.1, momentum: 0.5, nesterov: true, weightDecay: 0.1 }),
      q,
      [1, 1],
    );
    // d = 1.1, b = 1.1, d = 1.65 → 0.835; d = 1.0835, b = 1.6335, d = 1.90025 → 0.644975
    for (const [i, v] of [0.835, 0.644975].entries()) expect(nest[i]).toBeCloseTo(v, 6);
  });

  it('Adam: bias-corrected first step moves by lr·sign(g); later steps follow the formula', () => {
    const p = param([1]);
    const out = trajectory(new Adam([p], { lr: 0.1 }), p, [0.5, -0.2, 0.3]);
    // by hand (β = 0.9, 0.999, ε = 1e-8)
    let m = 0;
    let v = 0;
    let w = 1;
    [0.5, -0.2, 0.3].forEach((g, i) => {
      const t = i + 1;
      m = 0.9 * m + 0.1 * g;
      v = 0.999 * v + 0.001 * g * g;
      w -= ((0.1 / (1 - 0.9 ** t)) * m) / (Math.sqrt(v) / Math.sqrt(1 - 0.999 ** t) + 1e-8);
      expect(out[i]).toBeCloseTo(w, 6);
    });
    expect(out[0]).toBeCloseTo(0.9, 6);
  });

  it('Adam with amsgrad keeps the largest second moment; L2 decay enters the gradient', () => {
    const p = param([1]);
    const out = trajectory(new Adam([p], { lr: 0.1, amsgrad: true, weightDecay: 0.5 }), p, [1, 0]);
    let m = 0;
    let v = 0;
    let vmax = 0;
    let w = 1;
    [1, 0].forEach((g0, i) => {
      const t = i + 1;
      const g = g0 + 0.5 * w;
      m = 0.9 * m + 0.1 * g;
      v = 0.999 * v + 0.001 * g * g;
      vmax = Math.max(vmax, v);
      w -= ((0.1 / (1 - 0.9 ** t)) * m) / (Math.sqrt(vmax) / Math.sqrt(1 - 0.999 ** t) + 1e-8);
      expect(out[i]).toBeCloseTo(w, 6);
    });
  });

  it('AdamW decays the weight directly: θ·(1 - ηλ) then Adam', () => {
    const p = param([2]);
    const [first] = trajectory(new AdamW([p], { lr: 0.1, weightDecay: 0.5 }), p, [0.5]);
    expect(first).toBeCloseTo(2 * (1 - 0.05) - 0.1, 6);
  });

  it('RMSprop plain, with momentum, centered', () => {
    const p = param([1]);
    const out = trajectory(new RMSprop([p], { lr: 0.01 }), p, [1, 1]);
    let v = 0.01; // 0.99·0 + 0.01·1
    expect(out[0]).toBeCloseTo(1 - 0.01 / (Math.sqrt(v) + 1e-8), 6);
    v = 0.99 * v + 0.01;
    expect(out[1]).toBeCloseTo(out[0]! - 0.01 / (Math.sqrt(v) + 1e-8), 6);
    const q = param([0]);
    const c = trajectory(
      new RMSprop([q], { lr: 0.01, momentum: 0.9, centered: true, alpha: 0.9 }),
      q,
      [2, 2],
    );
    // step 1: v = 0.4, ḡ = 0.2, d = √(0.4 - 0.04) = 0.6, b = 2/0.6
    const b1 = 2 / (Math.sqrt(0.36) + 1e-8);
    expect(c[0]).toBeCloseTo(-0.01 * b1, 6);
    const v2 = 0.9 * 0.4 + 0.1 * 4;
    const g2 = 0.9 * 0.2 + 0.1 * 2;
    const b2 = 0.9 * b1 + 2 / (Math.sqrt(v2 - g2 * g2) + 1e-8);
    expect(c[1]).toBeCloseTo(-0.01 * b1 - 0.01 * b2, 5);
  });

  it('Adagrad with learning-rate decay', () => {
    const p = param([0]);
    const out = trajectory(new Adagrad([p], { lr: 1, lrDecay: 0.5 }), p, [2, 2]);
    expect(out[0]).toBeCloseTo(-2 / (2 + 1e-10), 6);
    expect(out[1]).toBeCloseTo(out[0]! - ((1 / 1.5) * 2) / (Math.sqrt(8) + 1e-10), 6);
  });
});

describe('convergence', () => {
  const quadratic = (w: Tensor) => {
    const d = sub(w, tensor([1, -2, 3]));
    return sum(mul(d, d));
  };
  const run = (
    make: (w: Tensor) => Optimizer<{ lr: number }>,
    f: (w: Tensor) => Tensor,
    start: number[],
    steps: number,
  ) => {
    const w = param(start);
    const opt = make(w);
    for (let i = 0; i < steps; i++) {
      opt.zeroGrad();
      backward(f(w));
      opt.step();
    }
    return Array.from(w.storage);
  };

  it.each([
    ['SGD', (w: Tensor) => new SGD([w], { lr: 0.1, momentum: 0.9 })],
    ['Adam', (w: Tensor) => new Adam([w], { lr: 0.1 })],
    ['AdamW', (w: Tensor) => new AdamW([w], { lr: 0.1, weightDecay: 0 })],
    ['RMSprop', (w: Tensor) => new RMSprop([w], { lr: 0.01, momentum: 0.5 })],
    ['Adagrad', (w: Tensor) => new Adagrad([w], { lr: 0.5 })],
  ] as const)('%s minimises a quadratic', (_, make) => {
    for (const [i, v] of run(make, quadratic, [0, 0, 0], 600).entries()) {
      expect(v).toBeCloseTo([1, -2, 3][i]!, 2);
    }
  });

  it('SGD with momentum and Adam reach the Rosenbrock minimum', () => {
    const sgd = run((w) => new SGD([w], { lr: 0.001, momentum: 0.9 }), rosenbrock, [-1, 1], 5000);
    expect(sgd[0]).toBeCloseTo(1, 1);
    expect(sgd[1]).toBeCloseTo(1, 1);
    const adam = run((w) => new Adam([w], { lr: 0.02 }), rosenbrock, [-1, 1], 5000);
    expect(adam[0]).toBeCloseTo(1, 1);
    expect(adam[1]).toBeCloseTo(1, 1);
  });
});

describe('groups, state and validation', () => {
  it('parameter groups keep their own hyper-parameters', () => {
    const a = param([1]);
    const b = param([1]);
    const opt = new SGD([{ params: [a] }, { params: [b], options: { lr: 1 } }], { lr: 0.1 });
    a.grad = tensor([1]);
    b.grad = tensor([1]);
    opt.step();
    expect(a.storage[0]).toBeCloseTo(0.9, 6);
    expect(b.storage[0]).toBeCloseTo(0, 6);
    expect(() => new SGD([{ params: [a] }, { params: [a] }], { lr: 0.1 })).toThrow(
      /more than one place/,
    );
  });

  it.each([
    ['SGD', (ps: Tensor[]) => new SGD(ps, { lr: 0.05, momentum: 0.9, nesterov: true })],
    ['Adam', (ps: Tensor[]) => new Adam(ps, { lr: 0.05, amsgrad: true })],
    ['AdamW', (ps: Tensor[]) => new AdamW(ps, { lr: 0.05 })],
    ['RMSprop', (ps: Tensor[]) => new RMSprop(ps, { lr: 0.05, momentum: 0.9, centered: true })],
    ['Adagrad', (ps: Tensor[]) => new Adagrad(ps, { lr: 0.05, lrDecay: 0.01 })],
  ] as const)(
    '%s: save → JSON → load → continue equals an uninterrupted run, bit for bit',
    (_, make) => {
      const grads = Array.from({ length: 12 }, (_, i) => [Math.sin(i), Math.cos(3 * i)]);
      const feed = (opt: Optimizer<{ lr: number }>, p: Tensor, gs: number[][]) =>
        gs.map((g) => {
          p.grad = tensor(g);
          opt.step();
          return Array.from(p.storage);
        });
      const a = param([1, -1]);
      const full = feed(make([a]), a, grads);
      const b = param([1, -1]);
      const first = make([b]);
      feed(first, b, grads.slice(0, 5));
      const saved = JSON.parse(JSON.stringify(first.stateDict()));
      const resumed = make([b]);
      resumed.loadStateDict(saved);
      expect(feed(resumed, b, grads.slice(5))).toEqual(full.slice(5));
    },
  );

  it('rejects bad hyper-parameters with clear errors', () => {
    const p = param([1]);
    expect(() => new SGD([p], { lr: -1 })).toThrow(ArgumentRangeError);
    expect(() => new SGD([p], { lr: Number.NaN })).toThrow(
      "SGD: argument 'lr' must be a finite number ≥ 0, got NaN",
    );
    expect(() => new SGD([p], { lr: 0.1, nesterov: true })).toThrow(/nesterov' needs momentum > 0/);
    expect(() => new Adam([p], { lr: 0.1, betas: [0.9, 1] })).toThrow(
      "Adam: argument 'betas[1]' must be in [0, 1), got 1",
    );
    expect(() => new Adam([p], { lr: 0.1, betas: [-0.1, 0.9] })).toThrow(/betas\[0\]/);
    expect(() => new RMSprop([p], { lr: 0.1, alpha: 1 })).toThrow(/alpha/);
    expect(() => new Adagrad([p], { lr: 0.1, eps: -1 })).toThrow(/eps/);
    expect(() => new SGD([tensor([1], { dtype: 'int32' })], { lr: 0.1 })).toThrow(/float32/);
    const opt = new SGD([p], { lr: 0.1 });
    opt.paramGroups[0]!.options.lr = Number.POSITIVE_INFINITY;
    p.grad = tensor([1]);
    expect(() => opt.step()).toThrow(/lr/);
    expect(() =>
      new SGD([p], { lr: 0.1 }).loadStateDict({ step: 1, groups: [], state: [] }),
    ).toThrow(/0 groups, expected 1/);
  });
});
