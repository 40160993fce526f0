import { backward, gradcheck } from '@lacuna/autograd';
import {
  add,
  DTypeError,
  Generator,
  logSoftmax,
  matmul,
  mul,
  normal,
  ones,
  relu,
  ShapeError,
  sum,
  type Tensor,
  tensor,
  uniform,
} from '@lacuna/tensor';
import { describe, expect, it } from 'vitest';
import { DropPath } from './dropout/drop-path.js';
import { Dropout } from './dropout/dropout.js';
import { binaryCrossEntropyWithLogits, crossEntropy, nllLoss } from './losses/classification.js';
import { ReLU, Softmax } from './modules/activations.js';
import { BatchNorm1d, BatchNorm2d } from './modules/batch-norm.js';
import { Conv2d } from './modules/conv.js';
import { Linear } from './modules/linear.js';
import { Flatten, MaxPool2d } from './modules/pool.js';
import { Residual } from './modules/residual.js';
import { Sequential } from './modules/sequential.js';
import { summary } from './summary.js';
import { firstDifference } from './test-util/exact.js';

const g = () => new Generator(0);

describe('Module modes', () => {
  it('call() overrides the mode for one call and restores it', () => {
    const net = new Sequential(
      new Linear(3, 3, { generator: g() }),
      new Dropout(0.5, { generator: g() }),
    );
    const x = ones([4, 3]);
    const inference = net.call(x, { training: false });
    expect(net.training).toBe(true);
    expect(net.layers[1]!.training).toBe(true);
    expect(net.eval().forward(x).data()).toEqual(inference.data());
    net.eval();
    const trained = net.call(x, { training: true });
    expect(trained.data()).not.toEqual(inference.data());
    expect(net.layers.every((l) => !l.training)).toBe(true);
  });

  it('mcDropout turns on dropout layers only', () => {
    const drop = new Dropout(0.5, { generator: g() });
    const bn = new BatchNorm1d(2);
    const net = new Sequential(bn, drop).eval().mcDropout();
    expect(drop.active).toBe(true);
    expect(bn.training).toBe(false);
    expect(net.forward(ones([64, 2])).storage.some((v) => v === 0)).toBe(true);
  });
});

describe('layers', () => {
  it('Conv2d, MaxPool2d, Flatten chain to the expected shapes; summary counts parameters like Keras', () => {
    const net = new Sequential(
      new Conv2d(1, 4, 3, { generator: g(), padding: 1 }),
      new ReLU(),
      new MaxPool2d(2),
      new Flatten(),
      new Linear(4 * 4 * 4, 10, { generator: g() }),
      new Softmax(),
    );
    expect(net.forward(ones([2, 1, 8, 8])).shape).toEqual([2, 10]);
    const s = summary(net, [1, 1, 8, 8]);
    expect(s.totalParams).toBe(4 * 9 + 4 + 64 * 10 + 10);
    expect(s.rows.map((r) => r.outputShape)).toEqual([
      [1, 10],
      [1, 4, 8, 8],
      [1, 4, 8, 8],
      [1, 4, 4, 4],
      [1, 64],
      [1, 10],
      [1, 10],
    ]);
    expect(s.text).toContain('0 (Conv2d)');
    expect(s.text).toContain('Total params: 690');
    expect(net.training).toBe(true);
  });

  it('Linear (one fused op) gives the output and gradients of matmul then add, bit for bit', () => {
    const fc = new Linear(37, 19, { generator: g() });
    const x = uniform([13, 37], { generator: g(), low: -2, high: 2 });
    const upstream = uniform([13, 19], { generator: new Generator(1) });
    const run = (forward: () => Tensor) => {
      fc.weight.grad = null;
      fc.bias!.grad = null;
      const y = forward();
      backward(sum(mul(y, upstream)));
      return [y.storage, fc.weight.grad!.storage, fc.bias!.grad!.storage];
    };
    const fused = run(() => fc.forward(x));
    const unfused = run(() => add(matmul(x, fc.weight, { transB: true }), fc.bias!));
    expect(fc.forward(x).gradNode?.op).toBe('linear');
    expect(firstDifference(fused, unfused)).toBeNull();
  });

  it('Sequential runs Linear then ReLU as one fused op, with the values and gradients of the two', () => {
    const net = new Sequential(
      new Linear(6, 5, { generator: g() }),
      new ReLU(),
      new Linear(5, 3, { generator: g() }),
    );
    const [fc1, , fc2] = net.layers as [Linear, ReLU, Linear];
    const x = uniform([4, 6], { generator: g(), low: -2, high: 2 });
    const run = (forward: () => Tensor) => {
      for (const p of net.parameters()) p.grad = null;
      const y = forward();
      backward(sum(mul(y, y)));
      return [y.storage, ...net.parameters().map((p) => p.grad!.storage)];
    };
    const fused = run(() => net.forward(x));
    const separate = run(() => fc2.forward(relu(fc1.forward(x))));
    expect(firstDifference(fused, separate)).toBeNull();
    const hidden = net.forward(x).gradNode?.inputs[0];
    expect(hidden?.gradNode?.op).toBe('linear');
  });

  it('Sequential fuses Linear, ReLU and Dropout: the same outputs, masks and gradients as the layers', () => {
    const make = () =>
      new Sequential(
        new Linear(6, 9, { generator: g() }),
        new ReLU(),
        new Dropout(0.5, { generator: new Generator(7) }),
        new Linear(9, 5, { generator: g() }),
        new Dropout(0.3, { generator: new Generator(8), scaling: 'classic' }),
        new Linear(5, 3, { generator: g() }),
      );
    const x = uniform([4, 6], { generator: g(), low: -2, high: 2 });
    const run = (net: Sequential, forward: () => Tensor) => {
      const y = forward();
      backward(sum(mul(y, y)));
      return [y.storage, ...net.parameters().map((p) => p.grad!.storage)];
    };
    for (const training of [true, false]) {
      const [fusedNet, layered] = [make(), make()];
      if (!training) {
        fusedNet.eval();
        layered.eval();
      }
      for (let step = 0; step < 2; step++) {
        // Two steps: each draws fresh masks, in the same order either way.
        const fused = run(fusedNet, () => fusedNet.forward(x));
        const separate = run(layered, () => layered.layers.reduce((h, l) => l.forward(h), x));
        expect(firstDifference(fused, separate)).toBeNull();
      }
    }
    // The second Linear's input came out of one fused op (Linear, ReLU and Dropout).
    const trained = make();
    expect(trained.forward(x).gradNode?.inputs[0]?.gradNode?.inputs[0]?.gradNode?.op).toBe(
      'linear',
    );
  });

  it('Sequential leaves a ReLU or Linear whose forward was replaced to run on its own', () => {
    class DoubledReLU extends ReLU {
      override forward(x: Tensor): Tensor {
        return mul(relu(x), 2);
      }
    }
    const fc = new Linear(3, 2, { generator: g() });
    const x = uniform([2, 3], { generator: g(), low: -2, high: 2 });
    const expected = mul(relu(fc.forward(x)), 2).storage;
    expect(new Sequential(fc, new DoubledReLU()).forward(x).storage).toEqual(expected);
    const patched = new ReLU();
    patched.forward = (t: Tensor) => mul(relu(t), 2);
    expect(new Sequential(fc, patched).forward(x).storage).toEqual(expected);
  });

  it('Conv2d gradients pass gradcheck through the module', () => {
    const conv = new Conv2d(2, 3, 3, { generator: g(), stride: 2, padding: 1 });
    expect(
      gradcheck((x: Tensor) => conv.forward(x), [uniform([1, 2, 5, 5], { generator: g() })]).ok,
    ).toBe(true);
  });

  it('BatchNorm normalises with batch statistics in training, running statistics at inference', () => {
    const bn = new BatchNorm1d(3);
    const x = normal([256, 3], { generator: g(), mean: 4, std: 2 });
    const y = bn.forward(x).toArray() as number[][];
    for (let c = 0; c < 3; c++) {
      const col = y.map((r) => r[c]!);
      const m = col.reduce((a, v) => a + v, 0) / col.length;
      const v = col.reduce((a, u) => a + (u - m) ** 2, 0) / col.length;
      expect(m).toBeCloseTo(0, 4);
      expect(v).toBeCloseTo(1, 2);
    }
    // running mean moved 10 % of the way to ≈ 4
    for (const v of bn.runningMean.storage) expect(v).toBeGreaterThan(0.3);
    bn.eval();
    const one = bn.forward(tensor([[0, 0, 0]])).storage;
    for (let c = 0; c < 3; c++) {
      expect(one[c]).toBeCloseTo(
        -bn.runningMean.storage[c]! / Math.sqrt(bn.runningVar.storage[c]! + 1e-5),
        4,
      );
    }
    bn.train();
    expect(gradcheck((t: Tensor) => bn.forward(t), [normal([6, 3], { generator: g() })]).ok).toBe(
      true,
    );
    const bn2 = new BatchNorm2d(2);
    expect(bn2.forward(normal([4, 2, 3, 3], { generator: g() })).shape).toEqual([4, 2, 3, 3]);
    expect(() => bn2.forward(ones([4, 2]))).toThrow(ShapeError);
    expect(bn.namedBuffers().map(([n]) => n)).toEqual(['runningMean', 'runningVar']);
  });

  it('Residual adds the branch; DropPath on the branch leaves the identity path', () => {
    const branch = new Linear(4, 4, { generator: g() });
    const block = new Residual(branch, { dropPath: new DropPath(0.5, { generator: g() }) });
    const x = uniform([200, 4], { generator: g() });
    const y = block.forward(x).toArray() as number[][];
    const xb = x.toArray() as number[][];
    const fx = block.block.forward(x).toArray() as number[][];
    let identity = 0;
    y.forEach((row, i) => {
      const same = row.every((v, j) => Math.abs(v - xb[i]![j]!) < 1e-6);
      const doubled = row.every((v, j) => Math.abs(v - (xb[i]![j]! + 2 * fx[i]![j]!)) < 1e-4);
      expect(same || doubled).toBe(true);
      if (same) identity++;
    });
    expect(identity).toBeGreaterThan(60);
    expect(identity).toBeLessThan(140);
    expect(() => new Residual(new Linear(4, 2, { generator: g() })).forward(x)).toThrow(
      /keep its input's shape/,
    );
  });
});

describe('losses', () => {
  const logits = tensor([
    [2, 0, -1],
    [0.5, 1, 0],
  ]);
  const labels = tensor([0, 1], { dtype: 'int32' });

  it('cross-entropy: integer labels equal one-hot targets; label smoothing mixes in the uniform target', () => {
    const oneHot = tensor([
      [1, 0, 0],
      [0, 1, 0],
    ]);
    expect(crossEntropy(logits, oneHot).item()).toBeCloseTo(crossEntropy(logits, labels).item(), 6);
    const lp = logSoftmax(logits).toArray() as number[][];
    const eps = 0.1;
    const want =
      -(
        lp[0]!.reduce((a, v, k) => a + v * ((k === 0 ? 1 - eps : 0) + eps / 3), 0) +
        lp[1]!.reduce((a, v, k) => a + v * ((k === 1 ? 1 - eps : 0) + eps / 3), 0)
      ) / 2;
    expect(crossEntropy(logits, labels, { labelSmoothing: eps }).item()).toBeCloseTo(want, 5);
    expect(crossEntropy(logits, labels, { reduction: 'none' }).shape).toEqual([2]);
    expect(crossEntropy(logits, labels, { reduction: 'sum' }).item()).toBeCloseTo(
      2 * crossEntropy(logits, labels).item(),
      5,
    );
    expect(() => crossEntropy(logits, labels, { labelSmoothing: 1 })).toThrow(RangeError);
    expect(() => crossEntropy(logits, tensor([true, false]))).toThrow(DTypeError);
    expect(
      gradcheck((z: Tensor) => crossEntropy(z, labels, { labelSmoothing: 0.2 }), [logits]).ok,
    ).toBe(true);
  });

  it('nll and binary cross-entropy with logits', () => {
    expect(nllLoss(logSoftmax(logits), labels).item()).toBeCloseTo(
      crossEntropy(logits, labels).item(),
      6,
    );
    const z = tensor([-30, -1, 0, 2, 40]);
    const y = tensor([0, 1, 1, 0, 1]);
    const want = [-30, -1, 0, 2, 40].map((v, i) => {
      const t = [0, 1, 1, 0, 1][i]!;
      return Math.max(v, 0) - v * t + Math.log1p(Math.exp(-Math.abs(v)));
    });
    expect(binaryCrossEntropyWithLogits(z, y).item()).toBeCloseTo(
      want.reduce((a, v) => a + v, 0) / 5,
      5,
    );
    expect(Number.isFinite(binaryCrossEntropyWithLogits(tensor([1000]), tensor([0])).item())).toBe(
      true,
    );
    expect(
      gradcheck((t: Tensor) => binaryCrossEntropyWithLogits(t, y), [tensor([-2, -1, 0.5, 2, 3])])
        .ok,
    ).toBe(true);
  });
});
