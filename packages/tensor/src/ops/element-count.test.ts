import { describe, expect, it } from 'vitest';
import { ArgumentRangeError } from '../errors.js';
import { Generator } from '../random/generator.js';
import { checkElementCount, MAX_ELEMENTS } from '../shape.js';
import { add } from './binary.js';
import { broadcastTo } from './broadcast-to.js';
import { conv2d } from './conv2d.js';
import { arange, eye, full, linspace, ones, tensor, zeros } from './creation.js';
import { indexSelect } from './gather.js';
import { linear } from './linear.js';
import { matmul } from './matmul.js';
import { oneHot } from './one-hot.js';
import { pad } from './pad.js';
import { bernoulli, normal, permutation, randint, uniform } from './random.js';
import { where } from './where.js';

// Every op that allocates from a shape rejects one past what a typed array can hold with a typed
// error naming the op and the shape, before allocating anything (a bare RangeError before).
const huge = (op: string, shape = '\\[10000000000\\]') =>
  new RegExp(`^${op}: argument '\\w+' must give at most 2147483647 elements.*got shape ${shape}`);

describe('element count limit (2^31 - 1 elements per tensor)', () => {
  it('the boundary is exact; zero-size shapes with huge axes are fine', () => {
    expect(MAX_ELEMENTS).toBe(2 ** 31 - 1);
    expect(() => checkElementCount('op', 'shape', [2 ** 31 - 1])).not.toThrow();
    expect(() => checkElementCount('op', 'shape', [2 ** 31])).toThrow(ArgumentRangeError);
    expect(() => checkElementCount('op', 'shape', [2 ** 16, 2 ** 15])).toThrow(
      /got shape \[65536,32768\] with 2147483648 elements/,
    );
    expect(zeros([1e10, 0]).shape).toEqual([1e10, 0]);
    // 1e300·1e300·0 is NaN, which slipped past a `>` comparison into a confusing storage error.
    expect(() => zeros([1e300, 1e300, 0])).toThrow(huge('zeros', '\\[1e\\+300,1e\\+300,0\\]'));
  });

  it('creation ops name themselves and the shape', () => {
    const g = () => new Generator(0);
    const cases: [string, () => unknown][] = [
      ['zeros', () => zeros([1e10])],
      ['ones', () => ones([1e10])],
      ['full', () => full([1e10], 2)],
      ['tensor', () => tensor(new Float32Array(0), { shape: [1e10] })],
      ['uniform', () => uniform([1e10], { generator: g() })],
      ['normal', () => normal([1e10], { generator: g() })],
      ['bernoulli', () => bernoulli([1e10], { generator: g(), p: 0.5 })],
      ['randint', () => randint(0, 2, [1e10], { generator: g() })],
    ];
    for (const [op, make] of cases) {
      expect(make, op).toThrow(ArgumentRangeError);
      expect(make, op).toThrow(huge(op));
    }
    expect(() => eye(1e5)).toThrow(huge('eye', '\\[100000,100000\\]'));
    expect(() => arange(1e10)).toThrow(huge('arange'));
    expect(() => linspace(0, 1, 1e10)).toThrow(huge('linspace'));
    expect(() => permutation(1e10, { generator: g() })).toThrow(huge('permutation'));
  });

  it('ops whose output shape grows from their inputs check it before allocating', () => {
    const col = zeros([1e5, 1]);
    const row = zeros([1, 1e5]);
    const big = '\\[100000,100000\\]';
    expect(() => add(col, row)).toThrow(huge('add', big));
    expect(() => where(tensor([true]), col, row)).toThrow(huge('where', big));
    expect(() => broadcastTo(col, [1e5, 1e5])).toThrow(huge('broadcastTo', big));
    expect(() => matmul(col, row)).toThrow(huge('matmul', big));
    expect(() => linear(col, col)).toThrow(huge('linear', big));
    expect(() => oneHot(tensor([0, 1], { dtype: 'int32' }), 2e9)).toThrow(
      huge('oneHot', '\\[2,2000000000\\]'),
    );
    expect(() => pad(zeros([1]), [[0, 1e10]])).toThrow(huge('pad', '\\[10000000001\\]'));
    expect(() => indexSelect(row, 0, zeros([1e5], { dtype: 'int32' }))).toThrow(
      huge('indexSelect', big),
    );
    expect(() => conv2d(zeros([1, 1, 1, 1]), zeros([1, 1, 1, 1]), { padding: 5e4 })).toThrow(
      huge('conv2d', '\\[1,1,100001,100001\\]'),
    );
  });
});
