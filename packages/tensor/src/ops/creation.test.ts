import { describe, expect, it } from 'vitest';
import { ArgumentRangeError, DTypeError, ShapeError } from '../errors.js';
import { arange, eye, full, linspace, ones, tensor, zeros, zerosLike } from './creation.js';

describe('tensor()', () => {
  it('infers shape and float32 from nested arrays and reads back', () => {
    const t = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(t.shape).toEqual([2, 3]);
    expect(t.dtype).toBe('float32');
    expect(t.toArray()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(Array.from(t.data())).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('keeps typed arrays dtype and takes a shape', () => {
    const t = tensor(new Int32Array([1, 2, 3, 4]), { shape: [2, 2] });
    expect(t.dtype).toBe('int32');
    expect(t.toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  it('copies its input: later writes to the source do not leak in', () => {
    const src = new Float32Array([1, 2]);
    const t = tensor(src);
    src[0] = 99;
    expect(t.toArray()).toEqual([1, 2]);
  });

  it('handles scalars, empty arrays and booleans', () => {
    expect(tensor(3).shape).toEqual([]);
    expect(tensor(3).item()).toBe(3);
    expect(tensor([]).shape).toEqual([0]);
    expect(tensor([[], []]).shape).toEqual([2, 0]);
    expect(tensor([true, false]).dtype).toBe('bool');
    expect(tensor([true, false]).toArray()).toEqual([true, false]);
  });

  it('rejects ragged arrays with the position', () => {
    expect(() => tensor([[1, 2], [3]])).toThrow(ShapeError);
    expect(() => tensor([[1, 2], [3]])).toThrow(
      /tensor: argument 'data' is ragged: expected length 2 at \[1\], got length 1/,
    );
    expect(() => tensor([[1, 2], 3] as never)).toThrow(/ragged/);
  });

  it('refuses values the dtype cannot hold instead of truncating', () => {
    expect(() => tensor([1.5], { dtype: 'int32' })).toThrow(ArgumentRangeError);
    expect(() => tensor([2], { dtype: 'bool' })).toThrow(/0\/1/);
    expect(() => tensor([1], { dtype: 'float64' as never })).toThrow(DTypeError);
    expect(() => tensor(['a'] as never)).toThrow(DTypeError);
  });

  it('checks an explicit shape against the data length', () => {
    expect(() => tensor(new Float32Array(5), { shape: [2, 3] })).toThrow(
      /\[2,3\] holds 6 elements, but data has 5/,
    );
  });

  it('prints like PyTorch with shape and dtype', () => {
    expect(
      tensor([
        [1, 2],
        [3, 4],
      ]).toString(),
    ).toBe('tensor([[1.0000, 2.0000],\n        [3.0000, 4.0000]], shape=[2, 2], dtype=float32)');
    expect(tensor([1, 2], { dtype: 'int32' }).toString()).toBe(
      'tensor([1, 2], shape=[2], dtype=int32)',
    );
    const big = zeros([2000]).toString();
    expect(big).toContain('...');
    expect(big.length).toBeLessThan(200);
  });
});

describe('creation functions', () => {
  it('zeros, ones, full, *Like', () => {
    expect(zeros([2, 2]).toArray()).toEqual([
      [0, 0],
      [0, 0],
    ]);
    expect(ones([3], { dtype: 'int32' }).toArray()).toEqual([1, 1, 1]);
    expect(full([2], 0.5).toArray()).toEqual([0.5, 0.5]);
    expect(zerosLike(ones([1, 2], { dtype: 'int32' })).dtype).toBe('int32');
    expect(() => zeros([-1])).toThrow(ShapeError);
    expect(() => zeros([1.5])).toThrow(/non-negative integers/);
  });

  it('arange and linspace', () => {
    expect(arange(4).toArray()).toEqual([0, 1, 2, 3]);
    expect(arange(1, 2, 0.25).toArray()).toEqual([1, 1.25, 1.5, 1.75]);
    expect(arange(3, 0, -1).toArray()).toEqual([3, 2, 1]);
    expect(arange(0, 0).shape).toEqual([0]);
    expect(() => arange(0, 1, 0)).toThrow(/step.*must not be 0/);
    expect(() => arange(0, Number.NaN)).toThrow(ArgumentRangeError);
    expect(linspace(0, 1, 5).toArray()).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(linspace(0, 1, 1).toArray()).toEqual([0]);
  });

  it('eye', () => {
    expect(eye(2).toArray()).toEqual([
      [1, 0],
      [0, 1],
    ]);
    expect(eye(2, 3).toArray()).toEqual([
      [1, 0, 0],
      [0, 1, 0],
    ]);
  });
});

describe('error classes', () => {
  it('ArgumentRangeError is a RangeError and a LacunaError; the others keep exact instanceof', async () => {
    const { ArgumentRangeError, DTypeError, LacunaError, ShapeError } = await import(
      '../errors.js'
    );
    const range = new ArgumentRangeError('op', 'p', 'bad');
    expect(range).toBeInstanceOf(RangeError);
    expect(range).toBeInstanceOf(LacunaError);
    expect(range).toBeInstanceOf(ArgumentRangeError);
    expect(range).not.toBeInstanceOf(ShapeError);
    const shape = new ShapeError('op', 'x', 'bad');
    expect(shape).toBeInstanceOf(LacunaError);
    expect(shape).not.toBeInstanceOf(DTypeError);
    expect(new Error('x')).not.toBeInstanceOf(LacunaError);
    expect(range.message).toBe("op: argument 'p' bad");
    expect(range.name).toBe('ArgumentRangeError');
  });
});
