import type { ReduceOpName } from '../backend/backend.js';
import { getBackend } from '../backend/registry.js';
import { allocate, type DType } from '../dtype.js';
import { fmtShape, ShapeError } from '../errors.js';
import { record } from '../record.js';
import { normalizeAxes, normalizeAxis, sizeOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import { checkTensor } from './util.js';

/** Options of the reductions. */
export interface ReduceOptions {
  /** Axis or axes to reduce (negative counts from the end); all axes when omitted. */
  axis?: number | readonly number[];
  /** Keep reduced axes as size-1 dimensions, so the result broadcasts against the input. */
  keepDims?: boolean;
}

function reducedShape(
  shape: readonly number[],
  axes: readonly number[],
  keepDims: boolean,
): number[] {
  return keepDims
    ? shape.map((d, i) => (axes.includes(i) ? 1 : d))
    : shape.filter((_, i) => !axes.includes(i));
}

function reduceOp(
  op: ReduceOpName,
  name: string,
  x: Tensor,
  options: ReduceOptions,
  dtype: DType,
  average = false,
): Tensor {
  checkTensor(name, 'x', x);
  const axes = normalizeAxes(name, options.axis, x.rank);
  const keepDims = options.keepDims ?? false;
  if (op !== 'sum' && axes.some((a) => x.shape[a] === 0)) {
    throw new ShapeError(
      name,
      'x',
      `has shape ${fmtShape(x.shape)}: cannot take the ${op} over an empty axis`,
    );
  }
  const shape = reducedShape(x.shape, axes, keepDims);
  const out = new Tensor(allocate(dtype, sizeOf(shape)), shape, dtype);
  getBackend().reduce(op, x.storage, x.shape, axes, out.storage);
  const count = sizeOf(axes.map((a) => x.shape[a]!));
  if (average) {
    const s = out.storage;
    for (let i = 0; i < s.length; i++) s[i] = s[i]! / count;
  }
  return record(name, [x], out, { axes, keepDims, count, output: out });
}

/**
 * Sum over axes (all by default). float32 stays float32; int32 and bool sum to int32.
 *
 * @example
 * ```ts
 * import { sum, tensor } from '@lacuna/tensor';
 * sum(tensor([[1, 2], [3, 4]])).item();                    // 10
 * sum(tensor([[1, 2], [3, 4]]), { axis: 1 }).toArray();    // [3, 7]
 * ```
 */
export function sum(x: Tensor, options: ReduceOptions = {}): Tensor {
  return reduceOp(
    'sum',
    'sum',
    x,
    options,
    checkTensor('sum', 'x', x).dtype === 'float32' ? 'float32' : 'int32',
  );
}

/**
 * Arithmetic mean over axes (all by default), as float32. The mean over zero elements is NaN.
 *
 * @example
 * ```ts
 * import { mean, tensor } from '@lacuna/tensor';
 * mean(tensor([[1, 2], [3, 4]]), { axis: 0 }).toArray(); // [2, 3]
 * ```
 */
export function mean(x: Tensor, options: ReduceOptions = {}): Tensor {
  return reduceOp('sum', 'mean', x, options, 'float32', true);
}

/**
 * Maximum over axes (all by default). Gradients flow to the first maximal element.
 *
 * @example
 * ```ts
 * import { max, tensor } from '@lacuna/tensor';
 * max(tensor([[1, 5], [7, 2]]), { axis: 1 }).toArray(); // [5, 7]
 * ```
 */
export function max(x: Tensor, options: ReduceOptions = {}): Tensor {
  return reduceOp('max', 'max', x, options, checkTensor('max', 'x', x).dtype);
}

/**
 * Minimum over axes (all by default).
 *
 * @example
 * ```ts
 * import { min, tensor } from '@lacuna/tensor';
 * min(tensor([[1, 5], [7, 2]]), { axis: 1 }).toArray(); // [1, 2]
 * ```
 */
export function min(x: Tensor, options: ReduceOptions = {}): Tensor {
  return reduceOp('min', 'min', x, options, checkTensor('min', 'x', x).dtype);
}

/**
 * Index of the largest element along `axis` (first one on ties), as int32. Not differentiable.
 *
 * @param x - Input of any dtype.
 * @param axis - The axis to search; negative counts from the end.
 * @example
 * ```ts
 * import { argmax, tensor } from '@lacuna/tensor';
 * argmax(tensor([[1, 5, 2], [9, 0, 3]]), 1).toArray(); // [1, 0]
 * ```
 */
export function argmax(x: Tensor, axis: number): Tensor {
  checkTensor('argmax', 'x', x);
  const ax = normalizeAxis('argmax', axis, x.rank);
  const size = x.shape[ax]!;
  if (size === 0) {
    throw new ShapeError('argmax', 'x', `has shape ${fmtShape(x.shape)}: axis ${axis} is empty`);
  }
  const inner = sizeOf(x.shape.slice(ax + 1));
  const outer = sizeOf(x.shape.slice(0, ax));
  const out = new Int32Array(outer * inner);
  const s = x.storage;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * size * inner + i;
      let best = 0;
      let bestValue = s[base]!;
      for (let k = 1; k < size; k++) {
        const v = s[base + k * inner]!;
        if (v > bestValue || (Number.isNaN(v) && !Number.isNaN(bestValue))) {
          best = k;
          bestValue = v;
        }
      }
      out[o * inner + i] = best;
    }
  }
  return new Tensor(
    out,
    x.shape.filter((_, i) => i !== ax),
    'int32',
  );
}
