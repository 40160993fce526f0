import {
  checkOptionKeys,
  LacunaError,
  optionBoolean,
  optionKeys,
  Tensor,
  withoutRecording,
} from '@lacuna/tensor';
import { type BackwardOptions, computeGradients } from './backward.js';

/** What {@link valueAndGrad} returns: the function's value and one gradient per argument. */
export interface ValueAndGrad {
  /** `fn(...args)`. */
  value: Tensor;
  /** `∂value/∂args[i]`, each of `args[i]`'s shape. */
  grads: Tensor[];
}

/**
 * A new leaf that shares `x`'s storage but is cut off from its graph (`requiresGrad` false).
 *
 * @example
 * ```ts
 * import { detach } from '@lacuna/autograd';
 * import { tensor } from '@lacuna/tensor';
 * const y = detach(tensor([1]));
 * ```
 */
export function detach(x: Tensor): Tensor {
  if (!(x instanceof Tensor))
    throw new LacunaError('detach', 'x', `must be a Tensor, got ${typeof x}`);
  return new Tensor(x.storage, x.shape, x.dtype);
}

/** Every key of valueAndGrad's options; the compiler checks the list against the type. */
const VALUE_AND_GRAD_KEYS = optionKeys<Omit<BackwardOptions, 'gradOutput'>>({ retainGraph: true });

/**
 * Transforms `fn` into a function returning both its value and its gradients with respect to
 * each tensor argument (JAX's `value_and_grad`). The arguments themselves are not modified: no
 * `.grad` is written, so this composes with code that uses {@link backward} elsewhere.
 *
 * @param fn - A synchronous function of float32 tensors returning a one-element tensor.
 * @example
 * ```ts
 * import { valueAndGrad } from '@lacuna/autograd';
 * import { mul, sum, type Tensor, tensor } from '@lacuna/tensor';
 * const f = valueAndGrad((x: Tensor) => sum(mul(x, x)));
 * const { value, grads } = f(tensor([1, 2, 3]));
 * value.item(); // 14
 * grads[0]?.toArray(); // [2, 4, 6]
 * ```
 */
export function valueAndGrad<A extends Tensor[]>(
  fn: (...args: A) => Tensor,
  options: Omit<BackwardOptions, 'gradOutput'> = {},
): (...args: A) => ValueAndGrad {
  checkOptionKeys('valueAndGrad', options, VALUE_AND_GRAD_KEYS);
  optionBoolean('valueAndGrad', 'options.retainGraph', options.retainGraph, false);
  return (...args: A) => {
    const leaves = args.map((a, i) => {
      if (!(a instanceof Tensor)) {
        throw new LacunaError('valueAndGrad', `args[${i}]`, `must be a Tensor, got ${typeof a}`);
      }
      if (a.dtype !== 'float32') {
        throw new LacunaError(
          'valueAndGrad',
          `args[${i}]`,
          `must be float32 to be differentiated, got ${a.dtype}`,
        );
      }
      const leaf = detach(a);
      leaf.requiresGrad = true;
      return leaf;
    }) as A;
    const value = fn(...leaves);
    if (!(value instanceof Tensor)) {
      throw new LacunaError('valueAndGrad', 'fn', `must return a Tensor, got ${typeof value}`);
    }
    const found = value.requiresGrad ? computeGradients(value, options) : new Map<Tensor, Tensor>();
    const grads = leaves.map(
      (leaf) =>
        found.get(leaf) ??
        withoutRecording(() => new Tensor(new Float32Array(leaf.size), leaf.shape, 'float32')),
    );
    return { value: detach(value), grads };
  };
}

/**
 * Transforms `fn` into a function returning its gradients with respect to each tensor argument.
 *
 * @param fn - A synchronous function of float32 tensors returning a one-element tensor.
 * @example
 * ```ts
 * import { grad } from '@lacuna/autograd';
 * import { mul, sum, type Tensor, tensor } from '@lacuna/tensor';
 * const dSquare = grad((x: Tensor) => sum(mul(x, x)));
 * dSquare(tensor([3]))[0]?.toArray(); // [6]
 * ```
 */
export function grad<A extends Tensor[]>(fn: (...args: A) => Tensor): (...args: A) => Tensor[] {
  const vg = valueAndGrad(fn);
  return (...args: A) => vg(...args).grads;
}

/**
 * Runs `fn` without recording: no graph is built, even for tensors with `requiresGrad`
 * (evaluation, optimizer updates). `fn` must be synchronous.
 *
 * @example
 * ```ts
 * import { noGrad } from '@lacuna/autograd';
 * import { add, tensor } from '@lacuna/tensor';
 * const w = tensor([1]);
 * w.requiresGrad = true;
 * const y = noGrad(() => add(w, 1)); // y.requiresGrad === false
 * ```
 */
export function noGrad<T>(fn: () => T): T {
  return withoutRecording(fn);
}
