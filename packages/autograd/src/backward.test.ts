import {
  add,
  argmax,
  dropoutWithMask,
  Generator,
  greater,
  logSoftmax,
  matmul,
  mean,
  mul,
  oneHot,
  relu,
  reshape,
  sparseVariationalDropoutKl,
  sum,
  type Tensor,
  tensor,
  uniform,
} from '@lacuna/tensor';
import { describe, expect, it } from 'vitest';
import { backward, computeGradients, zeroGrad } from './backward.js';
import { GradientError } from './errors.js';
import { grad, noGrad, valueAndGrad } from './grad.js';

function param(shape: number[], seed: number): Tensor {
  const t = uniform(shape, { generator: new Generator(seed), low: -1, high: 1 });
  t.requiresGrad = true;
  return t;
}

describe('backward', () => {
  it('gives every leaf its own gradient tensor, even where a rule passes one to several inputs', () => {
    const a = tensor([1, 2]);
    const b = tensor([3, 4]);
    a.requiresGrad = true;
    b.requiresGrad = true;
    backward(sum(add(a, b)));
    expect(a.grad).not.toBe(b.grad);
    // Scaling one in place (as clipGradNorm does) leaves the other as it was.
    a.grad!.storage[0] = 10;
    expect(b.grad!.toArray()).toEqual([1, 1]);
    // Reshapes of one gradient are distinct tensors on one array: still each leaf's own.
    const c = tensor([[1, 2]]);
    const d = tensor([3, 4]);
    c.requiresGrad = true;
    d.requiresGrad = true;
    backward(sum(add(reshape(c, [2]), d)));
    expect(c.grad!.storage).not.toBe(d.grad!.storage);
    // The caller's gradOutput is never a leaf's .grad.
    const e = tensor([1, 2]);
    e.requiresGrad = true;
    const seed = tensor([5, 6]);
    backward(add(e, tensor([0, 0])), { gradOutput: seed });
    expect(e.grad!.toArray()).toEqual([5, 6]);
    expect(e.grad!.storage).not.toBe(seed.storage);
  });

  it('with retainGraph, a saved gradient handed to a leaf is a copy: an in-place edit does not reach the next pass', () => {
    const theta = tensor([0.5, -2]);
    const logSigma2 = tensor([-1, -3]);
    theta.requiresGrad = true;
    logSigma2.requiresGrad = true;
    const kl = sparseVariationalDropoutKl(theta, logSigma2);
    backward(kl, { retainGraph: true });
    const first = theta.grad!.toArray();
    theta.grad!.storage[0] = 123; // what an in-place clip does
    theta.grad = null;
    backward(kl);
    expect(theta.grad!.toArray()).toEqual(first);
  });

  it('accumulates into .grad across calls and zeroGrad clears it', () => {
    const w = tensor([3]);
    w.requiresGrad = true;
    backward(sum(mul(w, w)));
    expect(w.grad?.toArray()).toEqual([6]);
    backward(sum(mul(w, w)));
    expect(w.grad?.toArray()).toEqual([12]);
    zeroGrad([w]);
    expect(w.grad).toBeNull();
  });

  it('two-layer MLP gradients equal the hand-derived formulas', () => {
    // y = softmax-CE(W2·relu(W1·x + b1)), in row form: h = relu(x W1ᵀ + b1), z = h W2ᵀ.
    const x = uniform([5, 4], { generator: new Generator(1) });
    const labels = tensor([0, 2, 1, 2, 0], { dtype: 'int32' });
    const W1 = param([6, 4], 2);
    const b1 = param([6], 3);
    const W2 = param([3, 6], 4);
    const pre = add(matmul(x, W1, { transB: true }), b1);
    const h = relu(pre);
    const z = matmul(h, W2, { transB: true });
    const Y = oneHot(labels, 3);
    const loss = mean(mul(sum(mul(logSoftmax(z), Y), { axis: 1 }), -1));
    backward(loss);

    // By hand: dz = (softmax(z) - Y)/N; dW2 = dzᵀ h; dh = dz W2; dpre = dh·[pre>0];
    // dW1 = dpreᵀ x; db1 = Σ_rows dpre.
    const N = 5;
    const zs = z.toArray() as number[][];
    const ys = Y.toArray() as number[][];
    const dz = zs.map((row, i) => {
      const m = Math.max(...row);
      const e = row.map((v) => Math.exp(v - m));
      const s = e.reduce((a, v) => a + v, 0);
      return e.map((v, j) => (v / s - ys[i]![j]!) / N);
    });
    const hs = h.toArray() as number[][];
    const w2 = W2.toArray() as number[][];
    const pres = pre.toArray() as number[][];
    const xs = x.toArray() as number[][];
    const dW2 = w2.map((_, a) =>
      w2[0]!.map((_, b) => dz.reduce((acc, row, i) => acc + row[a]! * hs[i]![b]!, 0)),
    );
    const dpre = dz.map((row, i) =>
      w2[0]!.map((_, b) =>
        pres[i]![b]! > 0 ? row.reduce((acc, v, a) => acc + v * w2[a]![b]!, 0) : 0,
      ),
    );
    const dW1 = dpre[0]!.map((_, a) =>
      xs[0]!.map((_, b) => dpre.reduce((acc, row, i) => acc + row[a]! * xs[i]![b]!, 0)),
    );
    const db1 = dpre[0]!.map((_, a) => dpre.reduce((acc, row) => acc + row[a]!, 0));
    const close = (t: Tensor | null, want: number[][] | number[]) =>
      want.flat().forEach((v, i) => {
        expect(t!.storage[i]).toBeCloseTo(v, 5);
      });
    close(W2.grad, dW2);
    close(W1.grad, dW1);
    close(b1.grad, db1);
  });

  it('dropout gradient equals mask × scale exactly for the same generator state', () => {
    const x = param([64, 32], 7);
    const { output, mask } = dropoutWithMask(x, {
      p: 0.3,
      training: true,
      generator: new Generator(11),
    });
    backward(sum(output));
    const scale = 1 / (1 - 0.3);
    for (let i = 0; i < x.size; i++) {
      expect(x.grad!.storage[i]).toBe(mask!.storage[i] ? Math.fround(scale) : 0);
    }
  });

  it('releases the graph after backward unless retainGraph', () => {
    const w = param([3], 8);
    const y = mul(w, w);
    const loss = sum(y);
    backward(loss, { retainGraph: true });
    expect(y.gradNode).not.toBeNull();
    backward(loss);
    // released: the node keeps its op name for error messages but no inputs or saved tensors
    expect(y.gradNode).toMatchObject({ op: 'mul', inputs: [], saved: {}, released: true });
    expect(loss.gradNode).toMatchObject({ inputs: [], released: true });
  });

  it('a second backward through a released graph is a GradientError, not a silent no-op', () => {
    const w = param([3], 8);
    const loss = sum(mul(w, w));
    backward(loss);
    const first = w.grad!.toArray();
    expect(() => backward(loss)).toThrow(GradientError);
    expect(() => backward(loss)).toThrow(
      /backward: .*output.*released by an earlier backward\(\).*second time.*retainGraph: true/,
    );
    expect(w.grad!.toArray()).toEqual(first); // nothing accumulated by the refused passes
    expect(loss.grad).toBeNull();
  });

  it('a new output built on a released intermediate is refused too (no wrong partial gradients)', () => {
    const w = param([3], 8);
    const h = mul(w, w);
    backward(sum(h));
    expect(() => backward(sum(mul(h, 2)))).toThrow(/intermediate of op 'mul'.*retainGraph/);
    expect(w.grad!.toArray()).toEqual((w.toArray() as number[]).map((v) => 2 * v));
    expect(h.grad).toBeNull();
  });

  it('an op without a gradient rule is refused before any node is freed', () => {
    const w = param([3], 8);
    const h = mul(w, w);
    const loss = sum(h);
    Object.assign(h, { gradNode: { ...h.gradNode!, op: 'noSuchOp' } });
    expect(() => backward(loss)).toThrow(/depends on op 'noSuchOp', which has no gradient rule/);
    expect(loss.gradNode?.released).toBeUndefined(); // the graph is intact
  });

  it('a backward that fails partway leaves nodes that name the failure, not "a second time"', () => {
    const w = param([3], 8);
    const h = mul(w, w);
    const loss = sum(mul(h, h));
    // h's rule reads its saved operands; without them it throws after the outer nodes ran.
    Object.assign(h, { gradNode: { ...h.gradNode!, saved: {}, inputs: [] } });
    const broken = () => backward(loss);
    expect(broken).toThrow();
    expect(() => backward(loss)).toThrow(/released by an earlier backward\(\) that failed partway/);
    expect(w.grad).toBeNull();
  });

  it('retainGraph allows repeated passes, and a fresh graph each step always works', () => {
    const w = param([3], 8);
    const loss = sum(mul(w, w));
    backward(loss, { retainGraph: true });
    backward(loss, { retainGraph: true });
    backward(loss);
    expect(w.grad!.toArray()).toEqual((w.toArray() as number[]).map((v) => Math.fround(6 * v)));
    expect(() => backward(loss)).toThrow(GradientError);
    zeroGrad([w]);
    for (let step = 0; step < 3; step++) backward(sum(mul(w, w)));
    expect(w.grad!.toArray()).toEqual((w.toArray() as number[]).map((v) => Math.fround(6 * v)));
  });

  it('says clearly when no gradient exists', () => {
    expect(() => backward(tensor([1]))).toThrow(GradientError);
    const w = param([3], 9);
    expect(() => backward(sum(greater(w, 0)))).toThrow(
      /not computed from any tensor with requiresGrad.*comparisons, argmax/,
    );
    expect(() => backward(argmax(w, 0))).toThrow(GradientError);
    expect(() => backward(mul(w, 2))).toThrow(
      /gradOutput' is required for an output of shape \[3\]/,
    );
    expect(() => backward(noGrad(() => sum(w)))).toThrow(GradientError);
    const labels = tensor([1, 2], { dtype: 'int32' });
    expect(() => {
      labels.requiresGrad = true;
    }).toThrow(
      /requiresGrad: argument 'this' must be a float32 tensor to require gradients \(int32 values are not differentiable\)/,
    );
  });

  it('takes a gradOutput for non-scalar outputs', () => {
    const w = param([2], 10);
    const g = computeGradients(mul(w, 3), { gradOutput: tensor([1, 2]) });
    expect(g.get(w)?.toArray()).toEqual([3, 6]);
  });
});

describe('valueAndGrad / grad', () => {
  it('returns value and gradients without touching inputs', () => {
    const x = tensor([1, 2, 3]);
    const { value, grads } = valueAndGrad((t: Tensor) => sum(mul(t, t)))(x);
    expect(value.item()).toBe(14);
    expect(grads[0]?.toArray()).toEqual([2, 4, 6]);
    expect(x.grad).toBeNull();
    expect(x.requiresGrad).toBe(false);
    expect(
      grad((a: Tensor, b: Tensor) => sum(mul(a, b)))(tensor([1, 2]), tensor([3, 4])).map((g) =>
        g.toArray(),
      ),
    ).toEqual([
      [3, 4],
      [1, 2],
    ]);
  });

  it('gives zeros for an argument the value does not depend on', () => {
    const [, gb] = grad((a: Tensor, _b: Tensor) => sum(a))(tensor([1]), tensor([5, 6]));
    expect(gb?.toArray()).toEqual([0, 0]);
  });
});
