import { backward } from '@lacuna/autograd';
import {
  ArgumentRangeError,
  Generator,
  LacunaError,
  ones,
  ShapeError,
  sum,
  tensor,
  uniform,
} from '@lacuna/tensor';
import { describe, expect, it } from 'vitest';
import { Dropout } from './dropout/dropout.js';
import { crossEntropy } from './losses/classification.js';
import { mseLoss } from './losses/mse.js';
import { ReLU } from './modules/activations.js';
import { Linear } from './modules/linear.js';
import { Sequential } from './modules/sequential.js';

function mlp(seed: number, p = 0.5): Sequential {
  const g = new Generator(seed);
  return new Sequential(
    new Linear(4, 8, { generator: g }),
    new ReLU(),
    new Dropout(p, { generator: g.fork() }),
    new Linear(8, 3, { generator: g }),
  );
}

describe('Module', () => {
  it('names parameters with dotted paths in registration order', () => {
    expect(
      mlp(0)
        .namedParameters()
        .map(([n, t]) => [n, t.shape]),
    ).toEqual([
      ['0.weight', [8, 4]],
      ['0.bias', [8]],
      ['3.weight', [3, 8]],
      ['3.bias', [3]],
    ]);
    expect(
      mlp(0)
        .parameters()
        .every((p) => p.requiresGrad),
    ).toBe(true);
  });

  it('train() and eval() set the mode recursively', () => {
    const net = mlp(0);
    expect(net.training).toBe(true);
    net.eval();
    expect(net.layers.every((l) => !l.training)).toBe(true);
    net.train();
    expect(net.layers.every((l) => l.training)).toBe(true);
  });

  it('a model built twice from the same seed has identical weights; another seed differs', () => {
    const a = mlp(42)
      .parameters()
      .map((p) => p.data());
    const b = mlp(42)
      .parameters()
      .map((p) => p.data());
    const c = mlp(43)
      .parameters()
      .map((p) => p.data());
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  it('zeroGrad clears every parameter gradient', () => {
    const net = mlp(1);
    backward(sum(net.forward(ones([2, 4]))));
    expect(net.parameters().every((p) => p.grad !== null)).toBe(true);
    net.zeroGrad();
    expect(net.parameters().every((p) => p.grad === null)).toBe(true);
  });
});

describe('Linear', () => {
  it('computes x·Wᵀ + b and initialises within ±1/√in', () => {
    const fc = new Linear(3, 2, { generator: new Generator(0) });
    const bound = 1 / Math.sqrt(3);
    expect(fc.weight.storage.every((v) => Math.abs(v) <= bound)).toBe(true);
    const x = tensor([[1, 2, 3]]);
    const w = fc.weight.toArray() as number[][];
    const b = fc.bias!.toArray() as number[];
    const y = fc.forward(x).toArray() as number[][];
    for (let j = 0; j < 2; j++)
      expect(y[0]![j]).toBeCloseTo(w[j]![0]! + 2 * w[j]![1]! + 3 * w[j]![2]! + b[j]!, 5);
    expect(
      new Linear(3, 2, { generator: new Generator(0), bias: false }).parameters(),
    ).toHaveLength(1);
  });

  it('rejects bad sizes and inputs', () => {
    expect(() => new Linear(0, 2, { generator: new Generator(0) })).toThrow(ArgumentRangeError);
    expect(() => new Linear(3, 2, { generator: new Generator(0) }).forward(ones([2, 4]))).toThrow(
      ShapeError,
    );
    expect(() => new Linear(3, 2, { generator: new Generator(0) }).forward(ones([2, 4]))).toThrow(
      "Linear.forward: argument 'x' must have shape [N, 3], got [2,4]",
    );
  });
});

describe('Dropout module', () => {
  it('drops in training, is the identity in eval, and validates p where it is built', () => {
    const drop = new Dropout(0.5, { generator: new Generator(0) });
    const y = drop.forward(ones([1000]));
    expect(y.storage.every((v) => v === 0 || v === 2)).toBe(true);
    const zerosCount = y.storage.filter((v) => v === 0).length;
    expect(Math.abs(zerosCount - 500)).toBeLessThan(5 * Math.sqrt(250));
    const x = ones([4]);
    expect(drop.eval().forward(x)).toBe(x);
    expect(() => new Dropout(1.2, { generator: new Generator(0) })).toThrow(ArgumentRangeError);
  });
});

describe('losses', () => {
  it('crossEntropy matches the formula and validates labels', () => {
    const logits = tensor([
      [2, 0],
      [0, 2],
    ]);
    const want = -Math.log(Math.exp(2) / (Math.exp(2) + 1));
    expect(crossEntropy(logits, tensor([0, 1], { dtype: 'int32' })).item()).toBeCloseTo(want, 5);
    expect(() => crossEntropy(logits, tensor([0, 1]))).toThrow(
      /as probabilities must have shape \[2, 2\]/,
    );
    expect(() => crossEntropy(logits, tensor([0], { dtype: 'int32' }))).toThrow(ShapeError);
    expect(() => crossEntropy(logits, tensor([0, 5], { dtype: 'int32' }))).toThrow(LacunaError);
  });

  it('mseLoss', () => {
    expect(mseLoss(tensor([1, 2]), tensor([1, 4])).item()).toBe(2);
    expect(() => mseLoss(tensor([1, 2]), tensor([1]))).toThrow(ShapeError);
  });

  it('gradient descent on the MLP lowers the loss', () => {
    const net = mlp(3, 0.1);
    const g = new Generator(9);
    const x = uniform([32, 4], { generator: g, low: -1, high: 1 });
    const labels = tensor(
      Array.from({ length: 32 }, (_, i) => i % 3),
      { dtype: 'int32' },
    );
    const lossOf = () => crossEntropy(net.forward(x), labels);
    net.eval();
    const before = lossOf().item();
    net.train();
    for (let step = 0; step < 100; step++) {
      net.zeroGrad();
      backward(lossOf());
      for (const p of net.parameters()) {
        for (let i = 0; i < p.size; i++) p.storage[i] = p.storage[i]! - 0.5 * p.grad!.storage[i]!;
      }
    }
    net.eval();
    expect(lossOf().item()).toBeLessThan(before * 0.8);
  });
});
