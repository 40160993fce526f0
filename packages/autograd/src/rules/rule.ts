import {
  broadcastTo,
  mul,
  type OpName,
  type RecordedNode,
  reshape,
  sum,
  type Tensor,
} from '@lacuna/tensor';

/**
 * The running totals of a node's input gradients while the backward pass runs, offered to its
 * rule so that it can fold a total into the gradient it computes (one pass that writes
 * `total + gradient`, e.g. a matrix product with an addend) instead of the separate `add` pass
 * autograd would otherwise spend summing the two. A parameter used twice (a learned-rate layer's
 * weights in its output and in its KL term, tied weights, an unrolled RNN) gets a gradient from
 * each use; folding saves a pass over the parameter per extra use.
 *
 * @example
 * ```ts
 * import type { GradRule } from '@lacuna/autograd';
 * import { addcmul, mul } from '@lacuna/tensor';
 * // d exp(x) = g·exp(x), plus x's total so far in the same pass when there is one.
 * const expRule: GradRule<'exp'> = (g, node, accumulated) => {
 *   const total = accumulated?.take(0);
 *   return [total ? addcmul(total, g, node.saved.output) : mul(g, node.saved.output)];
 * };
 * ```
 */
export interface Accumulated {
  /**
   * The gradient summed so far for input `input` (an index into the node's inputs), or undefined
   * when none has arrived yet or the input needs none. Taking it is a promise: the gradient the
   * rule returns for that input must include it (total + this node's contribution, rounded as
   * autograd's own `add(total, contribution)` would), and autograd stores it as
   * the new total instead of adding; the built-in rules' results have the bits of autograd's own
   * sum. A tensor that appears twice among the inputs is handed out once (to the first take); the
   * gradients of its other positions are then added to the folded result (for a take at a later
   * position than another use, a different order of the same sums than without folding).
   */
  take(input: number): Tensor | undefined;
}

/**
 * A gradient rule: given the gradient of the loss with respect to an op's output, return the
 * gradient with respect to each of its inputs (null where an input needs none). Rules run with
 * recording off and must return tensors of exactly each input's shape. A rule may fold the
 * gradient already accumulated for an input into its result through `accumulated`
 * ({@link Accumulated}; `backward` always passes it, a direct call may leave it out); most rules
 * ignore it.
 *
 * `GradRule<'matmul'>` receives matmul's node, whose `saved` is typed by `OpSaved['matmul']`
 * of `@lacuna/tensor`; reading a value the op does not save is a compile error.
 *
 * @typeParam K - The op (or ops) the rule differentiates.
 * @example
 * ```ts
 * import type { GradRule } from '@lacuna/autograd';
 * import { mul, sub } from '@lacuna/tensor';
 * // d tanh x = g·(1 - tanh²x), from the output tanh saved.
 * const tanhRule: GradRule<'tanh'> = (g, node) => {
 *   const y = node.saved.output;
 *   return [mul(g, sub(1, mul(y, y)))];
 * };
 * ```
 */
export type GradRule<K extends OpName = OpName> = (
  grad: Tensor,
  node: RecordedNode<K>,
  accumulated?: Accumulated,
) => (Tensor | null)[];

/**
 * Sums `grad` down to `shape`, undoing broadcasting: leading axes `grad` has beyond `shape` are
 * summed away, and so are axes where `shape` has size 1.
 */
export function sumToShape(grad: Tensor, shape: readonly number[]): Tensor {
  if (grad.shape.length === shape.length && grad.shape.every((d, i) => d === shape[i])) return grad;
  const lead = grad.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < grad.rank; i++) {
    if (i < lead || (shape[i - lead] === 1 && grad.shape[i] !== 1)) axes.push(i);
  }
  return reshape(axes.length > 0 ? sum(grad, { axis: axes, keepDims: true }) : grad, shape);
}

/**
 * Broadcasts the gradient of a reduction back over the reduced axes of an input of `shape`.
 */
export function expandReduced(
  grad: Tensor,
  shape: readonly number[],
  axes: readonly number[],
): Tensor {
  const kept = shape.map((d, i) => (axes.includes(i) ? 1 : d));
  return broadcastTo(reshape(grad, kept), shape);
}

/**
 * A gradient the forward pass saved for an upstream gradient of 1, times the scalar upstream
 * gradient `g`: the saved tensor itself when g is exactly 1 (a loss term added to the loss), with
 * no pass over it. Sharing it is safe: autograd accumulates with `add`, never in place, the node
 * that saved it is released after the pass, and `backward` copies it into a leaf's `.grad` when
 * the graph is retained (so an in-place `clipGradNorm` cannot reach it). `grad`/`valueAndGrad`
 * with `retainGraph` return it as is: copy a result before editing it in place.
 */
export function timesUpstream(saved: Tensor | null, g: Tensor): Tensor | null {
  if (saved === null) return null;
  return g.size === 1 && g.item() === 1 ? saved : mul(saved, g);
}
