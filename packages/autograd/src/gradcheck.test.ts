import {
  add,
  conv2d,
  gather,
  LacunaError,
  logSoftmax,
  matmul,
  mul,
  reshape,
  sub,
  sum,
  Tensor,
  tensor,
} from '@lacuna/tensor';
import { describe, expect, it } from 'vitest';
import { detach, valueAndGrad } from './grad.js';
import { gradcheck } from './gradcheck.js';

/** float32 sin(a·i + b): the same inputs in scripts/pytorch-gradcheck-chain.py, no data file. */
function wave(shape: number[], a: number, b: number): Tensor {
  const n = shape.reduce((p, d) => p * d, 1);
  return new Tensor(
    Float32Array.from({ length: n }, (_, i) => Math.sin(a * i + b)),
    shape,
    'float32',
  );
}

const labels = tensor([[1], [3]], { dtype: 'int32' });
/** The chain of the bug report: conv2d → reshape → matmul → logSoftmax → pick → sum. */
const chain = (x: Tensor, w: Tensor, w2: Tensor) =>
  sum(gather(logSoftmax(matmul(reshape(conv2d(x, w), [2, -1]), w2), 1), 1, labels));
const point = (): [Tensor, Tensor, Tensor] => [
  wave([2, 2, 6, 6], 0.37, 0.1),
  wave([4, 2, 3, 3], 0.91, 0.5),
  wave([64, 10], 0.53, 0.2),
];

/** `f` with the same value but a gradient scaled by `1 + k` (y + k·(y - detach(y)) = y). */
const offBy =
  (k: number, f: (...xs: Tensor[]) => Tensor) =>
  (...xs: Tensor[]) => {
    const y = f(...xs);
    return add(y, mul(sub(y, detach(y)), k));
  };

describe('gradcheck in float32', () => {
  it('autograd matches float64 PyTorch on the conv2d → matmul → logSoftmax chain', () => {
    const { value, grads } = valueAndGrad(chain)(...point());
    // scripts/pytorch-gradcheck-chain.py (torch 1.13, float64)
    expect(value.item()).toBeCloseTo(-8.849053285211582, 4);
    expect(grads[0]!.storage[11]).toBeCloseTo(-0.016013332571012506, 5);
    expect(grads[0]!.storage[42]).toBeCloseTo(0.19835314523945763, 5);
    expect(grads[1]!.storage[7]).toBeCloseTo(-0.5086724701752721, 5);
    expect(grads[2]!.storage[23]).toBeCloseTo(6.235337989223482, 4);
  });

  it('passes that correct gradient with default options (the old defaults failed 13 elements)', () => {
    const r = gradcheck(chain, point());
    expect(r.ok, JSON.stringify(r)).toBe(true);
    const w = r.worst!;
    expect(Math.abs(w.analytic - w.numeric)).toBeLessThanOrEqual(w.tolerance);
    expect(w.noise).toBeGreaterThan(0);
  });

  it('detects a gradient off by 10 % on the same chain, at the element it reports', () => {
    const r = gradcheck(offBy(0.1, chain), point());
    expect(r.ok).toBe(false);
    const w = r.worst!;
    expect(w.analytic / w.numeric).toBeGreaterThan(1.08);
    expect(w.analytic / w.numeric).toBeLessThan(1.12);
    // far outside the tolerance, not at its edge: the check cannot pass by a hair
    expect(Math.abs(w.analytic - w.numeric)).toBeGreaterThan(3 * w.tolerance);
    expect(r.maxRelError).toBeGreaterThan(0.05);
  });

  it('detects a wrong gradient in a single element of a small elementwise function', () => {
    const x = tensor([
      [0.5, -1.2, 2],
      [1.5, 0.3, -0.7],
    ]);
    const mask = tensor([
      [0, 0, 0],
      [0, 1, 0],
    ]);
    // d/dx Σ x·x = 2x everywhere except element 4, whose gradient is 2x·1.1
    const f = (t: Tensor) => {
      const y = mul(t, t);
      return sum(add(y, mul(mul(sub(y, detach(y)), mask), 0.1)));
    };
    const r = gradcheck(f, [x]);
    expect(r.ok).toBe(false);
    expect(r.worst).toMatchObject({ input: 0, index: 4 });
    // both carry the fixed projection weight of the scalar output; their ratio is the error
    expect(r.worst!.analytic / r.worst!.numeric).toBeCloseTo(1.1, 3);
    expect(gradcheck((t: Tensor) => mul(t, t), [x]).ok).toBe(true);
  });

  it('validates its options and inputs', () => {
    const x = tensor([1, 2]);
    expect(() => gradcheck((t) => t, [x], { eps: 0 })).toThrow(LacunaError);
    expect(() => gradcheck((t) => t, [x], { atol: Number.NaN })).toThrow(
      /gradcheck: argument 'options.atol' must be a positive finite number, got NaN/,
    );
    expect(() => gradcheck((t) => t, [x], { atoll: 1e-3 } as never)).toThrow(
      /options.atoll.*did you mean 'atol'/,
    );
    expect(() => gradcheck((t) => t, [tensor([1], { dtype: 'int32' })])).toThrow(
      /inputs\[0\].*float32/,
    );
  });
});
