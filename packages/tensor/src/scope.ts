import { LacunaError } from './errors.js';
import { closeScope, openScope } from './lifetime.js';
import { checkOptionKeys, optionBoolean, optionKeys } from './options.js';
import { isTensor, type Tensor } from './tensor.js';

/**
 * Runs `fn` in a scope: tensors created inside it and not returned are released when it ends,
 * and their memory is reused by the next tensors of the same size.
 *
 * The rule (TensorFlow.js's `tidy`, with one addition for gradients):
 * - a tensor in `fn`'s result (a tensor, or arrays and plain objects of tensors, nested) moves to
 *   the enclosing scope, or, outside every scope, becomes an ordinary tensor that the garbage
 *   collector owns;
 * - a tensor made the `grad` of a tensor that outlives the scope (what `backward` does to
 *   parameters) lives as long as that tensor;
 * - a tensor passed to {@link keep} leaves every scope;
 * - every other tensor created inside is released: using it throws a
 *   {@link DisposedTensorError}.
 *
 * Inside a scope, on the wasm backend, op outputs live in the wasm memory and kernels read and
 * write them in place (no copies in and out); outside scopes tensors are ordinary typed arrays,
 * as they always were. `fit`, `evaluate` and `mcPredict` (`@lacuna/layers`) run each step in a
 * scope, so training gets this without writing one. Call `backward` inside the scope that built
 * the graph: a returned loss still refers to the tensors the scope released, and a backward
 * through them throws a {@link DisposedTensorError}. `fn` must be
 * synchronous: a function returning a promise is rejected (the scope would end before its
 * work ran).
 *
 * @param fn - The computation.
 * @returns What `fn` returns, its tensors now owned by the enclosing scope (or the collector).
 * @throws LacunaError when `fn` returns a promise.
 * @example
 * ```ts
 * import { add, mul, ones, scope, sum } from '@lacuna/tensor';
 * const x = ones([1000]);
 * const total = scope(() => sum(mul(add(x, x), x))); // the two intermediates are released
 * total.item(); // 2000
 * ```
 */
export function scope<T>(fn: () => T): T {
  const opened = openScope();
  // Closed whatever happens (fn throwing, a bad result): the scope stack never leaks an entry.
  let returned: ReadonlySet<object> = new Set();
  try {
    const result = fn();
    if (isPromiseLike(result)) {
      throw new LacunaError(
        'scope',
        'fn',
        'must be synchronous, got a function returning a promise (the scope would end before ' +
          'its work ran)',
      );
    }
    returned = tensorsIn(result);
    return result;
  } finally {
    closeScope(opened, returned);
  }
}

/** Options of {@link keep}. */
export interface KeepOptions {
  /**
   * Leave the tensor in the pool (the wasm memory, where kernels use it in place) instead of
   * copying it out to ordinary memory. Such a tensor must be released with
   * {@link Tensor.dispose}: the garbage collector frees it too, but does not count the wasm
   * memory it holds, so it may do so late. Default false.
   */
  pooled?: boolean;
}

const KEEP_KEYS = optionKeys<KeepOptions>({ pooled: true });

/**
 * Takes `tensor` out of every scope: it survives the end of the scope that created it. By
 * default it becomes an ordinary tensor that the garbage collector owns (its storage copied out
 * of the pool, when it was there: views made of it before `keep` do not see later writes); with
 * `pooled: true` it stays in the pool until {@link Tensor.dispose}. For tensors made inside a
 * scope that must outlive it without being returned: state updated across steps, inputs made
 * once and used by every step (pooled, so kernels read them in place). A module keeps the
 * parameters and buffers it registers inside a scope.
 *
 * @param tensor - A live tensor.
 * @param options - `pooled` (see {@link KeepOptions}).
 * @returns The same tensor.
 * @throws DisposedTensorError when `tensor` was already released; LacunaError for unknown keys.
 * @example
 * ```ts
 * import { keep, ones, scope } from '@lacuna/tensor';
 * let state = ones([2]);
 * let input = ones([2]);
 * scope(() => {
 *   state = keep(ones([4])); // ordinary memory from now on
 *   input = keep(ones([1024]), { pooled: true }); // stays in the wasm memory
 * });
 * state.isDisposed; // false
 * input.dispose(); // pooled: release it when done
 * ```
 */
export function keep<T extends Tensor>(tensor: T, options: KeepOptions = {}): T {
  isTensor(tensor, 'keep', 'tensor');
  checkOptionKeys('keep', options, KEEP_KEYS);
  return tensor.keep(optionBoolean('keep', 'pooled', options.pooled, false));
}

/**
 * Releases every tensor in `tensors` (a tensor, or arrays and plain objects of tensors); see
 * {@link Tensor.dispose}.
 *
 * @param tensors - What to release.
 * @example
 * ```ts
 * import { dispose, ones } from '@lacuna/tensor';
 * const a = ones([2]);
 * const b = ones([3]);
 * dispose({ a, b });
 * a.isDisposed && b.isDisposed; // true
 * ```
 */
export function dispose(tensors: unknown): void {
  for (const t of tensorsIn(tensors)) (t as Tensor).dispose();
}

function isPromiseLike(value: unknown): boolean {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/** The tensors in a value: itself, or inside arrays and plain objects, at any depth. */
function tensorsIn(value: unknown): Set<object> {
  const found = new Set<object>();
  const seen = new Set<object>();
  const visit = (v: unknown): void => {
    if (v === null || typeof v !== 'object' || seen.has(v)) return;
    seen.add(v);
    if (isTensor(v)) {
      found.add(v);
      return;
    }
    if (Array.isArray(v)) for (const item of v) visit(item);
    else if (Object.getPrototypeOf(v) === Object.prototype)
      for (const item of Object.values(v)) visit(item);
  };
  visit(value);
  return found;
}
