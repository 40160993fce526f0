import {
  addcmul,
  Generator,
  type RecordedNode,
  sum,
  type Tensor,
  tensor,
  uniform,
} from '@lacuna/tensor';
import { expect, it } from 'vitest';
import { backward } from '../backward.js';
import { gradcheck } from '../gradcheck.js';
import { describeBackends, FALLBACK_ELEMENTS } from '../test-util/backends.js';
import { addcmulRule } from './addcmul.js';

const draw = (generator: Generator, shape: number[]) =>
  uniform(shape, { generator, low: -2, high: 2 });

function expectOk(fn: (...xs: Tensor[]) => Tensor, xs: Tensor[]): void {
  const r = gradcheck(fn, xs);
  expect(r.ok, JSON.stringify(r)).toBe(true);
}

describeBackends('addcmul gradient rule', () => {
  it('passes gradcheck for every operand, and for each alone', () => {
    const generator = new Generator('addcmul');
    const [input, a, b] = [
      draw(generator, [3, 4]),
      draw(generator, [3, 4]),
      draw(generator, [3, 4]),
    ];
    expectOk(addcmul, [input, a, b]);
    expectOk((x) => addcmul(x, a, b), [input]);
    expectOk((x) => addcmul(input, x, b), [a]);
    expectOk((x) => addcmul(input, a, x), [b]);
    // One tensor in two places: its gradient is the sum of both (g·b + g·a with a = b = x is 2gx).
    expectOk((x) => addcmul(input, x, x), [a]);
  });

  it('over operands too big for the capped backend: d a of Σ(input + a·b) is b exactly', () => {
    const generator = new Generator('addcmul big');
    const big = () => draw(generator, [FALLBACK_ELEMENTS]);
    const [input, a, b] = [big(), big(), big()];
    a.requiresGrad = true;
    backward(sum(addcmul(input, a, b)));
    const [g, want] = [a.grad!.storage, b.storage];
    for (let i = 0; i < want.length; i++) {
      if (g[i] !== want[i]) throw new Error(`element ${i}: ${g[i]} ≠ ${want[i]}`);
    }
  });

  it('gives d input = g, d a = g·b, d b = g·a, and null where no gradient is required', () => {
    const [input, a, b] = [tensor([1, 2]), tensor([3, -4]), tensor([0.5, 6])];
    for (const t of [input, a, b]) t.requiresGrad = true;
    backward(addcmul(input, a, b), { gradOutput: tensor([2, 3]) });
    expect(Array.from(input.grad!.data())).toEqual([2, 3]);
    expect(Array.from(a.grad!.data())).toEqual([1, 18]);
    expect(Array.from(b.grad!.data())).toEqual([6, -12]);
    const [c, d] = [tensor([1, 1]), tensor([2, 2])];
    const node = addcmul(c, d, a).gradNode!;
    const grads = addcmulRule(tensor([1, -1]), node as RecordedNode<'addcmul'>, {
      take: () => undefined,
    });
    expect(grads.slice(0, 2)).toEqual([null, null]);
    expect(Array.from(grads[2]!.data())).toEqual([2, -2]);
  });
});
