import {
  abs,
  add,
  div,
  dropout,
  exp,
  Generator,
  log,
  logSoftmax,
  matmul,
  max,
  maximum,
  mean,
  min,
  minimum,
  mul,
  neg,
  relu,
  reshape,
  sigmoid,
  softmax,
  sqrt,
  sub,
  sum,
  type Tensor,
  tanh,
  uniform,
} from '@lacuna/tensor';
import { describe, expect, it } from 'vitest';
import { gradcheck } from '../gradcheck.js';

let seed = 100;
/** Random float32 input away from 0 (kinks of relu/abs) when `awayFromZero`. */
function input(shape: number[], { positive = false, awayFromZero = false } = {}): Tensor {
  const t = uniform(shape, { generator: new Generator(seed++), low: positive ? 0.5 : -2, high: 2 });
  if (awayFromZero)
    for (let i = 0; i < t.size; i++) t.storage[i] = t.storage[i]! + Math.sign(t.storage[i]!) * 0.1;
  return t;
}

function expectOk(fn: (...xs: Tensor[]) => Tensor, xs: Tensor[]): void {
  const r = gradcheck(fn, xs);
  expect(r.ok, JSON.stringify(r)).toBe(true);
}

describe('gradient rules pass gradcheck', () => {
  const shapes: [number[], number[]][] = [
    [
      [3, 4],
      [3, 4],
    ],
    [[3, 4], [4]],
    [
      [2, 1, 4],
      [3, 1],
    ],
    [[5], []],
    [
      [1, 3],
      [2, 1],
    ],
  ];

  it.each(shapes)('binary ops with broadcasting %j × %j', (sa, sb) => {
    expectOk(add, [input(sa), input(sb)]);
    expectOk(sub, [input(sa), input(sb)]);
    expectOk(mul, [input(sa), input(sb)]);
    expectOk(div, [input(sa), input(sb, { positive: true })]);
    expectOk(maximum, [input(sa), input(sb)]);
    expectOk(minimum, [input(sa), input(sb)]);
  });

  it('fan-out: one tensor used several times', () => {
    expectOk((x) => mul(add(x, x), mul(x, exp(x))), [input([2, 3])]);
    expectOk(
      (x, y) => add(matmul(x, y), matmul(x, y, { transB: false })),
      [input([2, 3]), input([3, 2])],
    );
  });

  it('unary ops', () => {
    expectOk(neg, [input([2, 3])]);
    expectOk(exp, [input([2, 3])]);
    expectOk(log, [input([2, 3], { positive: true })]);
    expectOk(sqrt, [input([2, 3], { positive: true })]);
    expectOk(relu, [input([2, 3], { awayFromZero: true })]);
    expectOk(abs, [input([2, 3], { awayFromZero: true })]);
    expectOk(sigmoid, [input([2, 3])]);
    expectOk(tanh, [input([2, 3])]);
  });

  it('reductions over every axis set, with and without keepDims', () => {
    for (const axis of [undefined, 0, 1, -1, [0, 2]] as const) {
      for (const keepDims of [false, true]) {
        expectOk((x) => sum(x, { axis, keepDims }), [input([2, 3, 2])]);
        expectOk((x) => mean(x, { axis, keepDims }), [input([2, 3, 2])]);
        expectOk((x) => max(x, { axis, keepDims }), [input([2, 3, 2])]);
        expectOk((x) => min(x, { axis, keepDims }), [input([2, 3, 2])]);
      }
    }
  });

  it('matmul in every transpose combination, batched and with a shared operand', () => {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        const a = input(transA ? [4, 3] : [3, 4]);
        const b = input(transB ? [5, 4] : [4, 5]);
        expectOk((x, y) => matmul(x, y, { transA, transB }), [a, b]);
        const ba = input(transA ? [2, 4, 3] : [2, 3, 4]);
        const bb = input(transB ? [2, 5, 4] : [2, 4, 5]);
        expectOk((x, y) => matmul(x, y, { transA, transB }), [ba, bb]);
        expectOk((x, y) => matmul(x, y, { transA, transB }), [ba, b]);
        expectOk((x, y) => matmul(x, y, { transA, transB }), [a, bb]);
      }
    }
  });

  it('logSoftmax and softmax along each axis, reshape', () => {
    for (const axis of [0, 1, -1]) {
      expectOk((x) => logSoftmax(x, axis), [input([3, 4])]);
      expectOk((x) => softmax(x, axis), [input([3, 4])]);
    }
    expectOk((x) => reshape(x, [4, -1]), [input([2, 3, 2])]);
  });

  it('dropout (same generator seed inside fn each evaluation)', () => {
    expectOk(
      (x) => dropout(x, { p: 0.4, training: true, generator: new Generator(5) }),
      [input([4, 6])],
    );
  });

  it('reports the worst element when a gradient is wrong', () => {
    // sqrt near 0 has a steep derivative: a wide eps makes the finite difference inaccurate.
    const r = gradcheck(sqrt, [input([4], { positive: true })], { eps: 0.4 });
    expect(r.ok).toBe(false);
    expect(r.worst).not.toBeNull();
    expect(r.maxRelError).toBeGreaterThan(0.01);
  });
});
