import { valueAndGrad } from '@lacuna/autograd';
import {
  ArgumentRangeError,
  add,
  Generator,
  gather,
  logSoftmax,
  mean,
  mul,
  neg,
  reshape,
  softmax,
  sum,
  type Tensor,
  tensor,
  uniform,
} from '@lacuna/tensor';
import { describe, expect, it } from 'vitest';
import { crossEntropy, nllLoss } from './classification.js';

// Expected values from PyTorch 1.13 in float64: scripts/pytorch-fixtures.py prints them.
const inf = Number.POSITIVE_INFINITY;
const labels = (ys: number[]) => tensor(ys, { dtype: 'int32' });

function lossAndGrad(fn: (z: Tensor) => Tensor, logits: number[][]) {
  const { value, grads } = valueAndGrad(fn)(tensor(logits));
  return { loss: value.item(), grad: grads[0]!.toArray() as number[][] };
}

function expectClose(got: number[][], want: number[][]): void {
  expect(got.length).toBe(want.length);
  got.forEach((row, i) => {
    row.forEach((v, j) => {
      const w = want[i]![j]!;
      if (Number.isNaN(w)) expect(v).toBeNaN();
      else expect(v).toBeCloseTo(w, 6);
    });
  });
}

describe('crossEntropy and nllLoss with infinite logits (as PyTorch)', () => {
  it('a wrong class at -inf leaves the loss and its gradient finite', () => {
    const { loss, grad } = lossAndGrad(
      (z) => crossEntropy(z, labels([0, 1])),
      [
        [0, -inf, 1],
        [2, 0.5, -inf],
      ],
    );
    expect(loss).toBeCloseTo(1.5073374827504877, 6);
    expectClose(grad, [
      [-0.36552928931500245, 0, 0.36552928931500245],
      [0.4087872380968218, -0.4087872380968218, 0],
    ]);
  });

  it('the target class at -inf gives +inf with a finite gradient', () => {
    const { loss, grad } = lossAndGrad((z) => crossEntropy(z, labels([1])), [[0, -inf, 1]]);
    expect(loss).toBe(inf);
    expectClose(grad, [[0.2689414213699951, -1, 0.7310585786300049]]);
  });

  it('label smoothing puts mass on the -inf class: +inf, finite gradient', () => {
    const { loss, grad } = lossAndGrad(
      (z) => crossEntropy(z, labels([0]), { labelSmoothing: 0.1 }),
      [[0, -inf, 1]],
    );
    expect(loss).toBe(inf);
    expectClose(grad, [[-0.6643919119633382, -0.03333333333333333, 0.6977252452966716]]);
  });

  it('probability targets: zero mass at -inf contributes 0 (PyTorch returns NaN here)', () => {
    const { loss, grad } = lossAndGrad(
      (z) => crossEntropy(z, tensor([[0.25, 0, 0.75]])),
      [[0, -inf, 1]],
    );
    // -(0.25·log p0 + 0.75·log p2) with log p = [-1.3132617, -inf, -0.3132617]
    expect(loss).toBeCloseTo(0.25 * 1.3132616875182228 + 0.75 * 0.31326168751822286, 6);
    expectClose(grad, [[0.018941421369995104, 0, -0.018941421369995104]]);
  });

  it('a row with +inf, NaN or only -inf logits is NaN, loss and gradient', () => {
    for (const row of [
      [inf, 0, 1],
      [Number.NaN, 0, 1],
      [-inf, -inf, -inf],
    ]) {
      const { loss, grad } = lossAndGrad((z) => crossEntropy(z, labels([0])), [row]);
      expect(loss).toBeNaN();
      expectClose(grad, [[Number.NaN, Number.NaN, Number.NaN]]);
    }
  });

  it('logSoftmax: -inf entries are -inf; +inf, NaN or all -inf rows are NaN throughout', () => {
    const rows = logSoftmax(
      tensor([
        [0, -inf, 1],
        [inf, 0, 0],
        [-inf, -inf, -inf],
        [Number.NaN, 0, 0],
      ]),
    ).toArray() as number[][];
    expectClose(
      [rows[0]!.slice(0, 1).concat(rows[0]!.slice(2))],
      [[-1.3132616875182228, -0.31326168751822286]],
    );
    expect(rows[0]![1]).toBe(-inf);
    for (const r of rows.slice(1)) for (const v of r) expect(v).toBeNaN();
  });

  it('nllLoss reads only the target entry: -inf elsewhere is harmless', () => {
    const { loss, grad } = lossAndGrad(
      (lp) => nllLoss(lp, labels([0, 1])),
      [
        [0, -inf, -1],
        [-0.5, -1, -inf],
      ],
    );
    expect(loss).toBeCloseTo(0.5, 6);
    expectClose(grad, [
      [-0.5, 0, 0],
      [0, -0.5, 0],
    ]);
  });

  it('class indices outside [0, C) are typed errors naming the loss', () => {
    const z = tensor([[0, 1, 2]]);
    expect(() => crossEntropy(z, labels([3]))).toThrow(ArgumentRangeError);
    expect(() => crossEntropy(z, labels([-1]))).toThrow(/crossEntropy.*targets.*\[0, 3\).*got -1/);
    expect(() => nllLoss(z, labels([5]))).toThrow(/nllLoss.*labels.*\[0, 3\).*got 5/);
  });
});

describe('crossEntropy as one fused op', () => {
  // The composition crossEntropy ran before it was fused: logSoftmax, then the picked or
  // expected log-probability, then the mean. The fused op must give the same losses and
  // gradients to float32 rounding.
  function composed(z: Tensor, t: Tensor, eps: number): Tensor {
    const [n, c] = z.shape as [number, number];
    const logp = logSoftmax(z, 1);
    if (t.dtype === 'int32') {
      const picked = neg(reshape(gather(logp, 1, reshape(t, [n, 1])), [n]));
      return mean(add(mul(picked, 1 - eps), mul(neg(sum(logp, { axis: 1 })), eps / c)));
    }
    return mean(neg(sum(mul(logp, add(mul(t, 1 - eps), eps / c)), { axis: 1 })));
  }

  it('gives the losses and gradients of the composition it replaces', () => {
    const generator = new Generator('fused cross-entropy');
    const z = uniform([16, 10], { generator, low: -6, high: 6 });
    const classes = tensor(
      Array.from({ length: 16 }, (_, i) => (i * 7) % 10),
      { dtype: 'int32' },
    );
    const probs = softmax(uniform([16, 10], { generator, low: -2, high: 2 }));
    for (const t of [classes, probs]) {
      for (const eps of [0, 0.1]) {
        const fused = valueAndGrad((x) => crossEntropy(x, t, { labelSmoothing: eps }))(z);
        const reference = valueAndGrad((x) => composed(x, t, eps))(z);
        expect(fused.value.item()).toBeCloseTo(reference.value.item(), 5);
        const [g, r] = [fused.grads[0]!.storage, reference.grads[0]!.storage];
        for (let i = 0; i < g.length; i++) expect(g[i]).toBeCloseTo(r[i]!, 7);
      }
    }
  });

  it('records one softmaxCrossEntropy node over the logits', () => {
    const z = tensor([[1, 2, 3]]);
    z.requiresGrad = true;
    const loss = crossEntropy(z, tensor([2], { dtype: 'int32' }), { reduction: 'sum' });
    expect(loss.gradNode?.op).toBe('softmaxCrossEntropy');
    expect(loss.gradNode?.inputs).toEqual([z]);
  });
});
