import type { TypedArray } from '../dtype.js';
import type { Shape } from '../shape.js';

/** Elementwise ops of two operands that broadcast. */
export type BinaryOpName =
  | 'add'
  | 'sub'
  | 'mul'
  | 'div'
  | 'maximum'
  | 'minimum'
  | 'greater'
  | 'equal';

/** Elementwise ops of one operand. */
export type UnaryOpName = 'neg' | 'exp' | 'log' | 'relu' | 'sqrt' | 'abs' | 'sigmoid' | 'tanh';

/** Reductions over a set of axes. */
export type ReduceOpName = 'sum' | 'max' | 'min';

/** Sizes and layout of a (batched) matrix product `out[b] = op(A[b]) · op(B[b])`. */
export interface MatmulParams {
  /** Number of independent products; A and B hold `batch` matrices each, back to back. */
  readonly batch: number;
  /** Rows of op(A) and of the output. */
  readonly m: number;
  /** Columns of op(B) and of the output. */
  readonly n: number;
  /** Columns of op(A) = rows of op(B). */
  readonly k: number;
  /** A is stored as k×m and used transposed. */
  readonly transA: boolean;
  /** B is stored as n×k and used transposed. */
  readonly transB: boolean;
}

/** A 64-bit key for counter-based random numbers, as two unsigned 32-bit halves. */
export interface RandomKey {
  /** High 32 bits. */
  readonly hi: number;
  /** Low 32 bits. */
  readonly lo: number;
}

/**
 * The kernels every backend provides. Ops validate arguments and allocate outputs, then call one
 * of these on flat row-major storage, so a faster backend (WebAssembly SIMD, threads) drops in
 * without changing the public API. Kernels never allocate their outputs and never throw on
 * input an op has validated.
 */
export interface Backend {
  /** A short name for reports, e.g. `'reference'`. */
  readonly name: string;
  /** `out[i] = a[i'] ∘ b[i'']` with NumPy broadcasting of `aShape` and `bShape` to `outShape`. */
  binary(
    op: BinaryOpName,
    a: TypedArray,
    aShape: Shape,
    b: TypedArray,
    bShape: Shape,
    out: TypedArray,
    outShape: Shape,
  ): void;
  /** `out[i] = f(x[i])`. */
  unary(op: UnaryOpName, x: TypedArray, out: TypedArray): void;
  /** Reduces the sorted `axes` of `x` (shape `shape`) into `out`, laid out as `shape` without them. */
  reduce(
    op: ReduceOpName,
    x: TypedArray,
    shape: Shape,
    axes: readonly number[],
    out: TypedArray,
  ): void;
  /** `out = op(A) · op(B)` for each of `p.batch` matrices; `out` is overwritten. */
  matmul(a: Float32Array, b: Float32Array, out: Float32Array, p: MatmulParams): void;
  /** Numerically stable log-softmax along the middle axis of x viewed as [outer, size, inner]. */
  logSoftmax(x: Float32Array, outer: number, size: number, inner: number, out: Float32Array): void;
  /** Fills `out` with uniform floats in [0, 1) from counter-based random bits under `key`. */
  uniform(key: RandomKey, out: Float32Array): void;
  /** Fills `out` with standard normal floats (Box–Muller) from counter-based bits under `key`. */
  normal(key: RandomKey, out: Float32Array): void;
  /**
   * Fused dropout: draws element i's keep bit from counter i under `key`
   * (kept when its 24-bit uniform is below `keepThreshold`), writes `out[i] = x[i]·scale` for
   * kept elements and 0 otherwise, and `mask[i]` = 1 or 0.
   */
  dropout(
    x: Float32Array,
    keepThreshold: number,
    scale: number,
    key: RandomKey,
    out: Float32Array,
    mask: Uint8Array,
  ): void;
}
