import { type DType, dtypeOfArray, type TypedArray } from './dtype.js';
import {
  DisposedTensorError,
  DTypeError,
  fmtShape,
  RELEASED_TENSOR,
  ShapeError,
} from './errors.js';
import { formatTensor } from './format.js';
import { createBrand } from './identity.js';
import { adoptAsGrad, beginLife, detach, type Life, release } from './lifetime.js';
import type { GradNode } from './record.js';
import { type Shape, sizeOf } from './shape.js';

/** A number, a boolean, or arbitrarily nested arrays of them: what `tensor()` accepts. */
export type NestedArray = number | boolean | readonly NestedArray[];

/**
 * An n-dimensional array of one dtype in contiguous row-major storage.
 *
 * Create tensors with {@link tensor}, {@link zeros}, {@link ones}, {@link arange} and friends,
 * transform them with the functional ops (`add`, `matmul`, `reshape`, ...), and read them back
 * with {@link Tensor.toArray} or {@link Tensor.data}. Ops never modify their inputs.
 *
 * Autograd fields: `requiresGrad` marks a tensor whose gradient is wanted, `grad` holds the
 * gradient accumulated by `backward` from `@lacuna/autograd`, `gradNode` records how an op
 * produced this tensor.
 *
 * @example
 * ```ts
 * import { tensor } from '@lacuna/tensor';
 * const t = tensor([[1, 2], [3, 4]]);
 * console.log(t.shape, t.dtype); // [2, 2] 'float32'
 * console.log(t.toString());
 * ```
 */
export class Tensor {
  /** Size of each dimension; `[]` for a scalar. */
  readonly shape: Shape;
  /** The element type. */
  readonly dtype: DType;
  /** Number of elements (product of `shape`). */
  readonly size: number;
  #requiresGrad = false;
  #grad: Tensor | null = null;
  /** How an op produced this tensor, when it was recorded for autograd; null for leaves. */
  gradNode: GradNode | null = null;
  /** Where the storage lives and who releases it (see {@link scope}). @internal */
  readonly life: Life;

  /**
   * Wraps existing storage; no copy. Prefer {@link tensor} unless you own `storage`.
   *
   * @param storage - Typed array of exactly `sizeOf(shape)` elements matching `dtype`.
   * @param shape - The shape.
   * @param dtype - Defaults to the dtype the storage implies.
   */
  constructor(
    storage: TypedArray,
    shape: Shape,
    dtype: DType = dtypeOfArray(storage) ?? 'float32',
  ) {
    const size = sizeOf(shape);
    if (storage.length !== size) {
      throw new ShapeError(
        'Tensor',
        'storage',
        `has ${storage.length} elements, expected ${size} for shape ${fmtShape(shape)}`,
      );
    }
    if (dtypeOfArray(storage) !== dtype) {
      throw new ShapeError(
        'Tensor',
        'storage',
        `is a ${storage.constructor.name}, which does not hold ${dtype}`,
      );
    }
    this.shape = Object.freeze([...shape]);
    this.dtype = dtype;
    this.size = size;
    this.life = beginLife(this, storage);
  }

  /**
   * The backing typed array, row-major. Shared with reshape views of this tensor: kernels and
   * optimizers read and write it directly; user code should prefer {@link Tensor.data}, which
   * copies. Inside a {@link scope} it may be a view of the wasm memory that is reused once the
   * tensor is released: do not hold on to it past the tensor's life.
   *
   * @throws DisposedTensorError once the tensor is released ({@link Tensor.dispose}, or the end of
   *   the scope that created it).
   */
  get storage(): TypedArray {
    const storage = this.life.storage;
    if (storage === null) throw disposedError('Tensor.storage');
    return storage;
  }

  /** The gradient accumulated by `backward`, same shape as this tensor; null until then. */
  get grad(): Tensor | null {
    return this.#grad;
  }

  /** Sets the gradient; a gradient made inside a scope lives as long as this tensor does. */
  set grad(value: Tensor | null) {
    this.#grad = value;
    if (value) adoptAsGrad(value.life, this);
  }

  /**
   * Whether this tensor was released: by {@link Tensor.dispose}, or because the {@link scope}
   * that created it ended without returning it. A released tensor cannot be read or used.
   *
   * @example
   * ```ts
   * import { ones, scope } from '@lacuna/tensor';
   * let inner = ones([1]);
   * scope(() => {
   *   inner = ones([2]);
   * });
   * inner.isDisposed; // true
   * ```
   */
  get isDisposed(): boolean {
    return this.life.storage === null;
  }

  /**
   * Releases the tensor now: its memory goes back to the pool (when it came from one) and any
   * later use throws a {@link DisposedTensorError}. Disposing twice is allowed. Reshape views
   * share storage: the memory is reused once every view is released.
   *
   * Outside scopes there is no need to call it for ordinary tensors (the garbage collector frees
   * them). Do call it for a tensor kept in the pool (`keep(t, { pooled: true })`): the collector
   * does not count the wasm memory it holds, so it may free it late.
   *
   * @example
   * ```ts
   * import { ones } from '@lacuna/tensor';
   * const t = ones([3]);
   * t.dispose();
   * t.isDisposed; // true
   * ```
   */
  dispose(): void {
    release(this.life);
  }

  /** Takes the tensor out of its scope, in the pool or copied out of it (see {@link keep}). @internal */
  keep(pooled: boolean): this {
    if (this.life.storage === null) throw disposedError('keep');
    detach(this.life, pooled);
    return this;
  }

  /**
   * Whether gradients with respect to this tensor are wanted (set it on parameters). Only float32
   * tensors can require gradients: integer and bool values are not differentiable.
   */
  get requiresGrad(): boolean {
    return this.#requiresGrad;
  }

  /** Marks (or unmarks) the tensor as wanting gradients; throws a DTypeError for non-float32 tensors. */
  set requiresGrad(value: boolean) {
    if (value && this.dtype !== 'float32') {
      throw new DTypeError(
        'requiresGrad',
        'this',
        `must be a float32 tensor to require gradients (${this.dtype} values are not differentiable)`,
      );
    }
    this.#requiresGrad = value;
  }

  /** Number of dimensions. */
  get rank(): number {
    return this.shape.length;
  }

  /**
   * A copy of the elements as a flat typed array (row-major).
   *
   * @example
   * ```ts
   * import { tensor } from '@lacuna/tensor';
   * tensor([[1, 2], [3, 4]]).data(); // Float32Array [1, 2, 3, 4]
   * ```
   */
  data(): TypedArray {
    // slice() of a view of shared wasm memory is an ordinary array: the copy never aliases the pool.
    return this.storage.slice();
  }

  /**
   * The elements as nested JavaScript arrays (numbers; booleans for `bool`); a scalar gives a
   * number or boolean.
   *
   * @example
   * ```ts
   * import { tensor } from '@lacuna/tensor';
   * tensor([[1, 2], [3, 4]]).toArray(); // [[1, 2], [3, 4]]
   * ```
   */
  toArray(): NestedArray {
    const { storage, shape } = this;
    const asBool = this.dtype === 'bool';
    const build = (dim: number, offset: number, stride: number): NestedArray => {
      if (dim === shape.length) return asBool ? storage[offset] === 1 : storage[offset]!;
      const n = shape[dim]!;
      const inner = stride / Math.max(n, 1);
      return Array.from({ length: n }, (_, i) => build(dim + 1, offset + i * inner, inner));
    };
    return build(0, 0, this.size);
  }

  /**
   * The value of a one-element tensor as a number.
   *
   * @example
   * ```ts
   * import { tensor } from '@lacuna/tensor';
   * tensor([[3]]).item(); // 3
   * ```
   */
  item(): number {
    if (this.size !== 1) {
      throw new ShapeError(
        'item',
        'this',
        `must have exactly one element, got shape ${fmtShape(this.shape)}`,
      );
    }
    return this.storage[0]!;
  }

  /**
   * A readable rendering like PyTorch's, with shape and dtype; large tensors are summarised.
   *
   * @example
   * ```ts
   * import { tensor } from '@lacuna/tensor';
   * tensor([1, 2]).toString(); // 'tensor([1.0000, 2.0000], shape=[2], dtype=float32)'
   * ```
   */
  toString(): string {
    return formatTensor(this.storage, this.shape, this.dtype);
  }

  /**
   * `x instanceof Tensor` holds for tensors from any copy of this version of `@lacuna/tensor`
   * (an ESM import next to a CJS require), as {@link isTensor} does; subclasses keep the ordinary
   * prototype check.
   */
  static [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: the receiver is exactly what must be inspected here
    if (this !== Tensor) return Function.prototype[Symbol.hasInstance].call(this, value);
    return TENSOR_BRAND.test(value, 'instanceof Tensor');
  }
}

function disposedError(op: string): DisposedTensorError {
  return new DisposedTensorError(op, 'this', RELEASED_TENSOR);
}

const TENSOR_BRAND = createBrand('tensor.Tensor', 'Tensor');
TENSOR_BRAND.mark(Tensor.prototype);

/**
 * Whether `value` is a {@link Tensor}, from this copy of `@lacuna/tensor` or another copy of the
 * same version (ESM and CJS builds loaded side by side, or a duplicated install).
 *
 * Unlike a prototype check it does not depend on which copy made the tensor. A tensor from a
 * different version is an error, not `false`: the two versions' internals may differ.
 *
 * @param value - Anything.
 * @param op - The op to name in a version error (default `'isTensor'`), for code that checks its
 *   own arguments with it.
 * @param argument - The argument to name in a version error (default `'value'`).
 * @throws VersionConflictError when `value` is a tensor of another version of `@lacuna/tensor`.
 * @example
 * ```ts
 * import { isTensor, tensor } from '@lacuna/tensor';
 * console.log(isTensor(tensor([1])), isTensor([1])); // true false
 * ```
 */
export function isTensor(value: unknown, op = 'isTensor', argument = 'value'): value is Tensor {
  return TENSOR_BRAND.test(value, op, argument);
}
