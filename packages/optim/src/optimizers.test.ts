import { backward } from '@lacuna/autograd';
import { ArgumentRangeError, add, mul, sub, sum, type Tensor, tensor } from '@lacuna/tensor';
import { describe, expect, it } from 'vitest';
import optimizerTrajectories from './__fixtures__/optimizer-trajectories.json';
import { Adagrad } from './adagrad.js';
import { Adam, AdamW } from './adam.js';
import type { Optimizer } from './optimizer.js';
import { RMSprop } from './rmsprop.js';
import { SGD } from './sgd.js';
import { expectGolden, type GoldenFile } from './test-util/golden.js';

function param(values: number[]): Tensor {
  const t = tensor(values);
  t.requiresGrad = true;
  return t;
}

/** f(x, y) = (1 - x)² + 100 (y - x²)², minimum at (1, 1). */
function rosenbrock(w: Tensor): Tensor {
  const xs = mul(w, tensor([1, 0]));
  const ys = mul(w, tensor([0, 1]));
  const a = sub(1, sum(xs));
  const b = sub(sum(ys), mul(sum(xs), sum(xs)));
  return add(mul(a, a), mul(mul(b, b), 100));
}

describe('trajectories on fixed gradients follow PyTorch (scripts/golden-trajectories.py)', () => {
  const golden = optimizerTrajectories as GoldenFile;
  it.each(golden.cases.map((c) => [c.name, c] as const))('%s', (_, c) => expectGolden(c));

  it('the fixtures cover every optimizer and every option', () => {
    const covered = new Set(golden.cases.flatMap((c) => Object.keys(c.options)));
    expect(new Set(golden.cases.map((c) => c.optimizer))).toEqual(
      new Set(['SGD', 'Adam', 'AdamW', 'RMSprop', 'Adagrad']),
    );
    for (const opt of [
      new SGD([param([0])], { lr: 1 }),
      new Adam([param([0])], { lr: 1 }),
      new RMSprop([param([0])], { lr: 1 }),
      new Adagrad([param([0])], { lr: 1 }),
    ])
      for (const key of opt.optionKeys) expect(covered, key).toContain(key);
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
