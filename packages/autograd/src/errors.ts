import { LacunaError } from '@lacuna/tensor';

/**
 * A gradient was asked for where none exists: the output does not depend on any tensor that
 * requires gradients, it is not a scalar and no output gradient was given, or the graph passes
 * through an op with no gradient rule (comparisons, argmax and integer ops are not differentiable).
 *
 * @example
 * ```ts
 * import { backward, GradientError } from '@lacuna/autograd';
 * import { ones } from '@lacuna/tensor';
 * try {
 *   backward(ones([1]));
 * } catch (e) {
 *   console.log(e instanceof GradientError); // true
 * }
 * ```
 */
export class GradientError extends LacunaError {}
