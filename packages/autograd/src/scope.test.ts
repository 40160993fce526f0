import {
  DisposedTensorError,
  Generator,
  matmul,
  mul,
  relu,
  scope,
  sum,
  type Tensor,
  uniform,
} from '@lacuna/tensor';
import { describe, expect, it } from 'vitest';
import { backward } from './backward.js';
import { grad } from './grad.js';

function leaves(seed: number) {
  const g = new Generator(seed);
  const w = uniform([32, 16], { generator: g, low: -1 });
  const x = uniform([8, 32], { generator: g, low: -1 });
  w.requiresGrad = true;
  return { w, x };
}

const loss = (x: Tensor, w: Tensor) => sum(mul(relu(matmul(x, w)), 2));

describe('autograd in scopes', () => {
  it('backward in a scope leaves the same gradients as outside, alive after it ends', () => {
    const outside = leaves(1);
    backward(loss(outside.x, outside.w));
    const inside = leaves(1);
    let hidden: Tensor | undefined;
    scope(() => {
      hidden = matmul(inside.x, inside.w);
      backward(loss(inside.x, inside.w));
    });
    expect(hidden!.isDisposed).toBe(true);
    expect(inside.w.grad!.isDisposed).toBe(false);
    expect(inside.w.grad!.data()).toEqual(outside.w.grad!.data());
  });

  it('gradients accumulated over two scoped steps equal two steps outside', () => {
    const outside = leaves(2);
    backward(loss(outside.x, outside.w));
    backward(loss(outside.x, outside.w));
    const inside = leaves(2);
    scope(() => backward(loss(inside.x, inside.w)));
    scope(() => backward(loss(inside.x, inside.w)));
    expect(inside.w.grad!.data()).toEqual(outside.w.grad!.data());
  });

  it('grad() returns gradients that survive the scope they are returned from', () => {
    const { x, w } = leaves(3);
    const [dw] = scope(() => grad((v: Tensor) => loss(x, v))(w) as Tensor[]);
    expect(dw!.isDisposed).toBe(false);
    expect(dw!.shape).toEqual([32, 16]);
  });

  it('a graph kept past its scope refuses a second backward: its saved tensors were released', () => {
    const { x, w } = leaves(4);
    const value = scope(() => {
      const l = loss(x, w);
      backward(l, { retainGraph: true });
      return l;
    });
    expect(() => backward(value)).toThrow(DisposedTensorError);
  });
});
