import { type DType, dtypeOfArray, isDType, type TypedArray } from '../dtype.js';
import { ArgumentRangeError, DTypeError, fmtShape, ShapeError } from '../errors.js';
import { checkOptionKeys, optionKeys } from '../options.js';
import { checkElementCount, checkShape, type Shape, sizeOf } from '../shape.js';
import { allocate } from '../storage.js';
import { type NestedArray, Tensor } from '../tensor.js';
import { checkTensor } from './util.js';

/** Options shared by the creation functions. */
export interface CreationOptions {
  /** Element type; defaults to `float32` (or the typed array's own type). */
  dtype?: DType;
}

/** Options of {@link tensor}. */
export interface TensorOptions extends CreationOptions {
  /** Shape for flat typed-array input; defaults to `[data.length]`. */
  shape?: Shape;
}

const CREATION_KEYS = optionKeys<CreationOptions>({ dtype: true });
const TENSOR_KEYS = optionKeys<TensorOptions>({ dtype: true, shape: true });

function checkDType(op: string, dtype: unknown): DType {
  if (!isDType(dtype)) {
    throw new DTypeError(
      op,
      'dtype',
      `must be 'float32', 'int32' or 'bool', got ${JSON.stringify(dtype)}`,
    );
  }
  return dtype;
}

/** Writes `values` into new storage of `dtype`, refusing values the dtype cannot hold. */
function fill(op: string, values: ArrayLike<number | boolean>, dtype: DType): TypedArray {
  const out = allocate(dtype, values.length);
  for (let i = 0; i < values.length; i++) {
    const raw = values[i]!;
    const v = typeof raw === 'boolean' ? Number(raw) : raw;
    if (typeof v !== 'number') {
      throw new DTypeError(
        op,
        'data',
        `must hold numbers or booleans, got ${typeof raw} at flat index ${i}`,
      );
    }
    if (dtype === 'int32' && !(Number.isInteger(v) && v >= -2147483648 && v <= 2147483647)) {
      throw new ArgumentRangeError(
        op,
        'data',
        `must hold 32-bit integers for dtype int32, got ${v} at flat index ${i}`,
      );
    }
    if (dtype === 'bool' && v !== 0 && v !== 1) {
      throw new ArgumentRangeError(
        op,
        'data',
        `must hold 0/1 or booleans for dtype bool, got ${v} at flat index ${i}`,
      );
    }
    out[i] = v;
  }
  return out;
}

function inferShape(data: NestedArray): number[] {
  const shape: number[] = [];
  let level: NestedArray = data;
  while (Array.isArray(level)) {
    shape.push(level.length);
    if (level.length === 0) break;
    level = level[0] as NestedArray;
  }
  return shape;
}

function flatten(
  data: NestedArray,
  shape: readonly number[],
  out: (number | boolean)[],
  dim: number,
  path: number[],
): void {
  if (dim === shape.length) {
    if (Array.isArray(data)) {
      throw new ShapeError(
        'tensor',
        'data',
        `is ragged: expected a scalar at [${path.join('][')}], got an array`,
      );
    }
    out.push(data as number | boolean);
    return;
  }
  if (!Array.isArray(data) || data.length !== shape[dim]) {
    const got = Array.isArray(data) ? `length ${data.length}` : 'a scalar';
    throw new ShapeError(
      'tensor',
      'data',
      `is ragged: expected length ${shape[dim]} at ${path.length ? `[${path.join('][')}]` : 'the top level'}, got ${got}`,
    );
  }
  for (let i = 0; i < data.length; i++)
    flatten(data[i] as NestedArray, shape, out, dim + 1, [...path, i]);
}

/**
 * Creates a tensor from a number, nested arrays, or a typed array (copied).
 *
 * Nested arrays must be rectangular. The dtype defaults to the typed array's own, `bool` for
 * nested booleans, and `float32` otherwise; int32 refuses non-integers and bool refuses values
 * other than 0/1 rather than truncating them.
 *
 * @param data - The values.
 * @param options - `dtype`, and `shape` for flat typed-array input.
 * @example
 * ```ts
 * import { tensor } from '@lacuna/tensor';
 * const a = tensor([[1, 2, 3], [4, 5, 6]]);              // float32 [2, 3]
 * const labels = tensor([3, 1, 4], { dtype: 'int32' });  // int32 [3]
 * const b = tensor(new Float32Array(6), { shape: [3, 2] });
 * ```
 */
export function tensor(data: NestedArray | TypedArray, options: TensorOptions = {}): Tensor {
  checkOptionKeys('tensor', options, TENSOR_KEYS);
  const typed = dtypeOfArray(data);
  if (typed !== undefined || ArrayBuffer.isView(data)) {
    const arr = data as TypedArray;
    const shape =
      options.shape === undefined ? [arr.length] : checkShape('tensor', 'shape', options.shape);
    if (sizeOf(shape) !== arr.length) {
      throw new ShapeError(
        'tensor',
        'shape',
        `${fmtShape(shape)} holds ${sizeOf(shape)} elements, but data has ${arr.length}`,
      );
    }
    const dtype =
      options.dtype === undefined ? (typed ?? 'float32') : checkDType('tensor', options.dtype);
    return new Tensor(fill('tensor', arr, dtype), shape, dtype);
  }
  const nested = data as NestedArray;
  const shape = inferShape(nested);
  const flat: (number | boolean)[] = [];
  flatten(nested, shape, flat, 0, []);
  if (options.shape !== undefined) {
    throw new ShapeError(
      'tensor',
      'shape',
      'may only be given with typed-array data; nested arrays carry their own shape',
    );
  }
  const dtype =
    options.dtype === undefined
      ? flat.length > 0 && flat.every((v) => typeof v === 'boolean')
        ? 'bool'
        : 'float32'
      : checkDType('tensor', options.dtype);
  return new Tensor(fill('tensor', flat, dtype), shape, dtype);
}

/**
 * A tensor of `shape` with every element equal to `value`.
 *
 * @param shape - The shape, e.g. `[2, 3]`; `[]` for a scalar.
 * @param value - The fill value; must be representable in `dtype`.
 * @example
 * ```ts
 * import { full } from '@lacuna/tensor';
 * full([2, 2], 0.5).toArray(); // [[0.5, 0.5], [0.5, 0.5]]
 * ```
 */
export function full(shape: Shape, value: number | boolean, options: CreationOptions = {}): Tensor {
  checkOptionKeys('full', options, CREATION_KEYS);
  return filled('full', shape, value, options);
}

/** {@link full} under the public op's name, so errors name `zeros`, `ones`, `eye`... */
function filled(
  op: string,
  shape: Shape,
  value: number | boolean,
  options: CreationOptions,
): Tensor {
  checkShape(op, 'shape', shape);
  const dtype = checkDType(op, options.dtype ?? 'float32');
  const storage = allocate(dtype, sizeOf(shape));
  const [v] = fill(op, [value], dtype);
  storage.fill(v!);
  return new Tensor(storage, shape, dtype);
}

/**
 * A tensor of zeros.
 *
 * @example
 * ```ts
 * import { zeros } from '@lacuna/tensor';
 * zeros([2, 3]).shape; // [2, 3]
 * ```
 */
export function zeros(shape: Shape, options: CreationOptions = {}): Tensor {
  checkOptionKeys('zeros', options, CREATION_KEYS);
  return filled('zeros', shape, 0, options);
}

/**
 * A tensor of ones.
 *
 * @example
 * ```ts
 * import { ones } from '@lacuna/tensor';
 * ones([3], { dtype: 'int32' }).toArray(); // [1, 1, 1]
 * ```
 */
export function ones(shape: Shape, options: CreationOptions = {}): Tensor {
  checkOptionKeys('ones', options, CREATION_KEYS);
  return filled('ones', shape, 1, options);
}

/**
 * A tensor of the same shape (and, unless overridden, dtype) as `like`, filled with `value`.
 *
 * @example
 * ```ts
 * import { fullLike, tensor } from '@lacuna/tensor';
 * fullLike(tensor([1, 2]), 7).toArray(); // [7, 7]
 * ```
 */
export function fullLike(
  like: Tensor,
  value: number | boolean,
  options: CreationOptions = {},
): Tensor {
  return filledLike('fullLike', like, value, options);
}

/** {@link fullLike} under the public op's name, so errors name `zerosLike` and `onesLike`. */
function filledLike(
  op: string,
  like: Tensor,
  value: number | boolean,
  options: CreationOptions,
): Tensor {
  checkTensor(op, 'like', like);
  checkOptionKeys(op, options, CREATION_KEYS);
  return filled(op, like.shape, value, { dtype: options.dtype ?? like.dtype });
}

/**
 * Zeros shaped like `like`.
 *
 * @example
 * ```ts
 * import { zerosLike, tensor } from '@lacuna/tensor';
 * zerosLike(tensor([[1, 2]])).toArray(); // [[0, 0]]
 * ```
 */
export function zerosLike(like: Tensor, options: CreationOptions = {}): Tensor {
  return filledLike('zerosLike', like, 0, options);
}

/**
 * Ones shaped like `like`.
 *
 * @example
 * ```ts
 * import { onesLike, tensor } from '@lacuna/tensor';
 * onesLike(tensor([[1, 2]])).toArray(); // [[1, 1]]
 * ```
 */
export function onesLike(like: Tensor, options: CreationOptions = {}): Tensor {
  return filledLike('onesLike', like, 1, options);
}

/**
 * Evenly spaced values in [start, stop) with step `step`, like `torch.arange`.
 * With one argument, counts from 0 to `start`. Defaults to float32.
 *
 * @example
 * ```ts
 * import { arange } from '@lacuna/tensor';
 * arange(4).toArray();          // [0, 1, 2, 3]
 * arange(1, 2, 0.25).toArray(); // [1, 1.25, 1.5, 1.75]
 * ```
 */
export function arange(
  start: number,
  stop?: number,
  step = 1,
  options: CreationOptions = {},
): Tensor {
  checkOptionKeys('arange', options, CREATION_KEYS);
  const [lo, hi] = stop === undefined ? [0, start] : [start, stop];
  for (const [name, v] of [
    ['start', lo],
    ['stop', hi],
    ['step', step],
  ] as const) {
    if (!Number.isFinite(v))
      throw new ArgumentRangeError('arange', name, `must be finite, got ${v}`);
  }
  if (step === 0) throw new ArgumentRangeError('arange', 'step', 'must not be 0');
  const n = Math.max(0, Math.ceil((hi - lo) / step));
  checkElementCount('arange', 'stop', [n]);
  const values = Array.from({ length: n }, (_, i) => lo + i * step);
  const dtype = checkDType('arange', options.dtype ?? 'float32');
  return new Tensor(fill('arange', values, dtype), [n], dtype);
}

/**
 * `steps` evenly spaced float32 values from `start` to `end`, both included.
 *
 * @example
 * ```ts
 * import { linspace } from '@lacuna/tensor';
 * linspace(0, 1, 5).toArray(); // [0, 0.25, 0.5, 0.75, 1]
 * ```
 */
export function linspace(start: number, end: number, steps: number): Tensor {
  if (!Number.isFinite(start))
    throw new ArgumentRangeError('linspace', 'start', `must be finite, got ${start}`);
  if (!Number.isFinite(end))
    throw new ArgumentRangeError('linspace', 'end', `must be finite, got ${end}`);
  if (!Number.isInteger(steps) || steps < 0) {
    throw new ArgumentRangeError(
      'linspace',
      'steps',
      `must be a non-negative integer, got ${steps}`,
    );
  }
  checkElementCount('linspace', 'steps', [steps]);
  const out = new Float32Array(steps);
  const delta = steps > 1 ? (end - start) / (steps - 1) : 0;
  for (let i = 0; i < steps; i++) out[i] = i === steps - 1 && steps > 1 ? end : start + i * delta;
  return new Tensor(out, [steps], 'float32');
}

/**
 * The n×m identity matrix (m defaults to n).
 *
 * @example
 * ```ts
 * import { eye } from '@lacuna/tensor';
 * eye(2).toArray(); // [[1, 0], [0, 1]]
 * ```
 */
export function eye(n: number, m = n, options: CreationOptions = {}): Tensor {
  checkOptionKeys('eye', options, CREATION_KEYS);
  const t = filled('eye', checkShape('eye', 'n', [n, m]), 0, options);
  for (let i = 0; i < Math.min(n, m); i++) t.storage[i * m + i] = 1;
  return t;
}

/** A scalar tensor for a number operand of a binary op: float32 unless it is an integer and the
 * other operand is integral. @internal */
export function scalarFor(value: number, other: DType): Tensor {
  const dtype: DType = Number.isInteger(value) && other !== 'float32' ? 'int32' : 'float32';
  const storage = allocate(dtype, 1);
  storage[0] = value;
  return new Tensor(storage, [], dtype);
}
