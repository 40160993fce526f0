import { LacunaError, logsumexp, mul, sum, tensor, variance } from '@lacuna/tensor';
import { describe, expect, it } from 'vitest';
import { backward } from './backward.js';
import { valueAndGrad } from './grad.js';
import { gradcheck } from './gradcheck.js';

// Issue 14: options that cannot be mistyped, and reductions that take their axis positionally.

describe('autograd options are strict', () => {
  it('backward rejects an unknown key and a non-boolean retainGraph', () => {
    const w = tensor([1, 2]);
    w.requiresGrad = true;
    const call = () => backward(sum(mul(w, w)), { retain_graph: true } as never);
    expect(call).toThrow(LacunaError);
    expect(call).toThrow(
      /backward: argument 'options\.retain_graph' is not a known option\. did you mean 'retainGraph'\?/,
    );
    expect(() => backward(sum(mul(w, w)), { retainGraph: 'yes' } as never)).toThrow(
      /backward: argument 'options\.retainGraph' must be true or false/,
    );
  });

  it('valueAndGrad and gradcheck reject unknown keys', () => {
    expect(() => valueAndGrad((x) => sum(x), { retainGraf: true } as never)).toThrow(
      /valueAndGrad: argument 'options\.retainGraf' .*did you mean 'retainGraph'\?/,
    );
    // Checked when valueAndGrad is called, not on first use of the function it returns.
    expect(() => valueAndGrad((x) => sum(x), { retainGraph: 'yes' } as never)).toThrow(
      /valueAndGrad: argument 'options\.retainGraph' must be true or false/,
    );
    expect(() => gradcheck((x) => mul(x, x), [tensor([1])], { tol: 1e-3 } as never)).toThrow(
      /gradcheck: argument 'options\.tol' is not a known option/,
    );
  });
});

describe('gradients of reductions called with a positional axis', () => {
  it('sum(x, 1), variance(x, 1) and logsumexp(x, -1) reduce one axis and differentiate', () => {
    const x = tensor([
      [1, 2, 4],
      [0, 3, 3],
    ]);
    const { value, grads } = valueAndGrad((a) => sum(mul(sum(a, 1), tensor([1, 10]))))(x);
    expect(value.item()).toBe(7 + 60);
    expect(grads[0]!.toArray()).toEqual([
      [1, 1, 1],
      [10, 10, 10],
    ]);
    const v = valueAndGrad((a) => sum(variance(a, 1)))(x);
    expect(v.value.item()).toBeCloseTo(7 / 3 + 3, 5);
    expect(gradcheck((a) => variance(a, 1), [x]).ok).toBe(true);
    expect(gradcheck((a) => logsumexp(a, -1), [x]).ok).toBe(true);
    expect(gradcheck((a) => sum(a, [0]), [x]).ok).toBe(true);
  });
});
