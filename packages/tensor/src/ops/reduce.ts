import type { ReduceOpName } from '../backend/backend.js';
import { getBackend } from '../backend/registry.js';
import type { DType } from '../dtype.js';
import { ArgumentRangeError, fmtShape, LacunaError, ShapeError } from '../errors.js';
import { checkOptionKeys, describeValue, optionBoolean, optionKeys } from '../options.js';
import { record, withoutRecording } from '../record.js';
import { normalizeAxes, normalizeAxis, sizeOf } from '../shape.js';
import { allocate } from '../storage.js';
import { Tensor } from '../tensor.js';
import { add, div, mul, sub } from './binary.js';
import { reshape } from './reshape.js';
import { exp, log } from './unary.js';
import { checkFloat, checkTensor } from './util.js';

/** Options of the reductions. */
export interface ReduceOptions {
  /** Axis or axes to reduce (negative counts from the end); all axes when omitted. */
  axis?: number | readonly number[];
  /** Keep reduced axes as size-1 dimensions, so the result broadcasts against the input. */
  keepDims?: boolean;
}

/** The axis argument of a reduction: one axis, a list of axes, or the full options. */
export type ReduceAxisOrOptions<O extends ReduceOptions = ReduceOptions> =
  | number
  | readonly number[]
  | O;

const REDUCE_KEYS = optionKeys<ReduceOptions>({ axis: true, keepDims: true });
const VARIANCE_KEYS = optionKeys<VarianceOptions>({ axis: true, keepDims: true, correction: true });

/**
 * Reads a reduction's second argument: a number or array is the axis (so `sum(x, 1)` reduces
 * axis 1, as `softmax(x, axis)` does, instead of being ignored), an object is checked strictly.
 */
function reduceArgs<O extends ReduceOptions>(
  op: string,
  arg: ReduceAxisOrOptions<O> | undefined,
  known: readonly string[],
  rank: number,
): { axes: number[]; keepDims: boolean; options: Partial<O> } {
  let options: Partial<O>;
  if (arg === undefined) options = {};
  else if (typeof arg === 'number' || Array.isArray(arg)) options = { axis: arg } as Partial<O>;
  else if (typeof arg === 'object' && arg !== null && !Array.isArray(arg)) {
    checkOptionKeys(op, arg, known);
    options = arg as O;
  } else
    throw new LacunaError(
      op,
      'axis',
      `must be an axis (number), a list of axes or an options object, got ${describeValue(arg)}`,
    );
  const axis = options.axis;
  if (
    axis !== undefined &&
    typeof axis !== 'number' &&
    !(Array.isArray(axis) && axis.every((a) => typeof a === 'number'))
  )
    throw new ArgumentRangeError(
      op,
      'axis',
      `must be an integer or a list of integers, got ${describeValue(axis)}`,
    );
  return {
    axes: normalizeAxes(op, axis, rank),
    keepDims: optionBoolean(op, 'keepDims', options.keepDims, false),
    options,
  };
}

/** What sum, mean, max and min record for their gradient. */
export interface ReduceSaved {
  /** The reduced axes, sorted and non-negative. */
  readonly axes: readonly number[];
  /** Whether the reduced axes were kept as size 1. */
  readonly keepDims: boolean;
  /** How many elements each output reduced (mean's divisor). */
  readonly count: number;
  /** The op's result (max and min find their winners by it). */
  readonly output: Tensor;
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
  name: 'sum' | 'mean' | 'max' | 'min',
  x: Tensor,
  options: ReduceAxisOrOptions | undefined,
  dtype: DType,
  average = false,
): Tensor {
  checkTensor(name, 'x', x);
  const { axes, keepDims } = reduceArgs(name, options, REDUCE_KEYS, x.rank);
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
 * Every reduction takes its axes the same way: an axis (`sum(x, 1)`, negative counts from the
 * end), a list of axes (`sum(x, [0, 2])`) or the options `{ axis, keepDims }`. Unknown option
 * keys, repeated axes and axes outside the rank are errors.
 *
 * @param x - Input of any dtype.
 * @param options - An axis, a list of axes, or `{ axis, keepDims }`; all axes when omitted.
 * @example
 * ```ts
 * import { sum, tensor } from '@lacuna/tensor';
 * sum(tensor([[1, 2], [3, 4]])).item();                    // 10
 * sum(tensor([[1, 2], [3, 4]]), 1).toArray();              // [3, 7]
 * sum(tensor([[1, 2], [3, 4]]), { axis: -1, keepDims: true }).toArray(); // [[3], [7]]
 * ```
 */
export function sum(x: Tensor, options?: ReduceAxisOrOptions): Tensor {
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
 * @param x - Input of any dtype.
 * @param options - An axis, a list of axes, or `{ axis, keepDims }`; all axes when omitted.
 *
 * @example
 * ```ts
 * import { mean, tensor } from '@lacuna/tensor';
 * mean(tensor([[1, 2], [3, 4]]), 0).toArray(); // [2, 3]
 * ```
 */
export function mean(x: Tensor, options?: ReduceAxisOrOptions): Tensor {
  return reduceOp('sum', 'mean', x, options, 'float32', true);
}

/**
 * Maximum over axes (all by default). Gradients flow to the first maximal element.
 *
 * @param x - Input of any dtype.
 * @param options - An axis, a list of axes, or `{ axis, keepDims }`; all axes when omitted.
 *
 * @example
 * ```ts
 * import { max, tensor } from '@lacuna/tensor';
 * max(tensor([[1, 5], [7, 2]]), 1).toArray(); // [5, 7]
 * ```
 */
export function max(x: Tensor, options?: ReduceAxisOrOptions): Tensor {
  return reduceOp('max', 'max', x, options, checkTensor('max', 'x', x).dtype);
}

/**
 * Minimum over axes (all by default).
 *
 * @param x - Input of any dtype.
 * @param options - An axis, a list of axes, or `{ axis, keepDims }`; all axes when omitted.
 *
 * @example
 * ```ts
 * import { min, tensor } from '@lacuna/tensor';
 * min(tensor([[1, 5], [7, 2]]), { axis: 1 }).toArray(); // [1, 2]
 * ```
 */
export function min(x: Tensor, options?: ReduceAxisOrOptions): Tensor {
  return reduceOp('min', 'min', x, options, checkTensor('min', 'x', x).dtype);
}

function argReduce(op: 'max' | 'min', name: string, x: Tensor, axis: number): Tensor {
  checkTensor(name, 'x', x);
  const ax = normalizeAxis(name, axis, x.rank);
  const size = x.shape[ax] ?? 1;
  if (size === 0) {
    throw new ShapeError(name, 'x', `has shape ${fmtShape(x.shape)}: axis ${axis} is empty`);
  }
  const outer = sizeOf(x.shape.slice(0, ax));
  const inner = sizeOf(x.shape.slice(ax + 1));
  const out = new Int32Array(outer * inner);
  getBackend().argReduce(op, x.storage, out, { outer, size, inner });
  return new Tensor(
    out,
    x.shape.filter((_, i) => i !== ax),
    'int32',
  );
}

/**
 * Index of the largest element along `axis` (first one on ties; NaN counts as largest), as int32.
 * Not differentiable.
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
  return argReduce('max', 'argmax', x, axis);
}

/**
 * Index of the smallest element along `axis` (first one on ties; NaN counts as smallest), as
 * int32. Not differentiable.
 *
 * @example
 * ```ts
 * import { argmin, tensor } from '@lacuna/tensor';
 * argmin(tensor([[1, 5, 2], [9, 0, 3]]), 1).toArray(); // [0, 1]
 * ```
 */
export function argmin(x: Tensor, axis: number): Tensor {
  return argReduce('min', 'argmin', x, axis);
}

/** Options of {@link variance}. */
export interface VarianceOptions extends ReduceOptions {
  /** Subtracted from the count in the denominator: 1 (default) for the unbiased estimate, 0 for the population variance. */
  correction?: number;
}

/**
 * Variance over axes: `Σ (x - mean)² / (n - correction)`, as float32 (PyTorch's `var`, unbiased by
 * default). Differentiable (built from differentiable ops).
 *
 * @example
 * ```ts
 * import { tensor, variance } from '@lacuna/tensor';
 * variance(tensor([1, 2, 3, 4])).item();                    // 1.6666… (unbiased)
 * variance(tensor([1, 2, 3, 4]), { correction: 0 }).item(); // 1.25
 * variance(tensor([[1, 2], [3, 5]]), 1).toArray();           // [0.5, 2]
 * ```
 */
export function variance(x: Tensor, options?: ReduceAxisOrOptions<VarianceOptions>): Tensor {
  checkTensor('variance', 'x', x);
  const { axes, keepDims, options: o } = reduceArgs('variance', options, VARIANCE_KEYS, x.rank);
  const correction = o.correction ?? 1;
  if (!Number.isInteger(correction) || correction < 0) {
    throw new ArgumentRangeError(
      'variance',
      'correction',
      `must be a non-negative integer, got ${correction}`,
    );
  }
  const n = sizeOf(axes.map((a) => x.shape[a]!));
  const d = sub(x, mean(x, { axis: axes, keepDims: true }));
  const ss = sum(mul(d, d), { axis: axes, keepDims });
  return div(ss, Math.max(n - correction, 0));
}

/**
 * `log Σ exp(x)` over axes, computed stably as `m + log Σ exp(x - m)` with m the maximum.
 * Differentiable; its gradient is softmax(x).
 *
 * @example
 * ```ts
 * import { logsumexp, tensor } from '@lacuna/tensor';
 * logsumexp(tensor([1000, 1000])).item(); // 1000.6931…
 * logsumexp(tensor([[0, 0], [1, 1]]), -1).toArray(); // [0.6931…, 1.6931…]
 * ```
 */
export function logsumexp(x: Tensor, options?: ReduceAxisOrOptions): Tensor {
  checkFloat('logsumexp', 'x', x);
  const { axes, keepDims } = reduceArgs('logsumexp', options, REDUCE_KEYS, x.rank);
  // The shift needs no gradient: the result does not depend on it.
  const m = withoutRecording(() => {
    const raw = max(x, { axis: axes, keepDims: true });
    const s = raw.storage;
    for (let i = 0; i < s.length; i++) if (!Number.isFinite(s[i]!)) s[i] = 0;
    return raw;
  });
  const lse = add(log(sum(exp(sub(x, m)), { axis: axes, keepDims: true })), m);
  return keepDims
    ? lse
    : reshape(
        lse,
        x.shape.filter((_, i) => !axes.includes(i)),
      );
}
