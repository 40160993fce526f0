import {
  add,
  checkOptionKeys,
  mul,
  type OpName,
  onesLike,
  optionBoolean,
  optionKeys,
  type RecordedNode,
  type ReleasedNode,
  ShapeError,
  type Tensor,
  withoutRecording,
} from '@lacuna/tensor';
import { GradientError } from './errors.js';
import { gradRules } from './rules/index.js';
import type { Accumulated } from './rules/rule.js';

/** Options of {@link backward} and {@link computeGradients}. */
export interface BackwardOptions {
  /** Gradient of the final loss with respect to `output`; required unless `output` is a scalar. */
  gradOutput?: Tensor;
  /**
   * Keep the recorded graph after the pass (to call backward through it again). By default the
   * graph is released: every intermediate drops its inputs and saved tensors, so memory does not
   * grow across training steps, and a later backward through any of them throws a
   * {@link GradientError} (as PyTorch's "Trying to backward through the graph a second time").
   */
  retainGraph?: boolean;
}

const BACKWARD_KEYS = optionKeys<BackwardOptions>({ gradOutput: true, retainGraph: true });

/** Intermediate nodes of the graph below `output`, in reverse topological order (output first). */
function reverseTopological(output: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const visited = new Set<Tensor>();
  // Iterative post-order DFS: deep graphs (long unrolled loops) must not overflow the stack.
  const stack: [Tensor, number][] = [[output, 0]];
  visited.add(output);
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const [t, next] = top;
    const inputs = t.gradNode?.inputs ?? [];
    if (next < inputs.length) {
      top[1] = next + 1;
      const child = inputs[next]!;
      if (child.gradNode && !visited.has(child)) {
        visited.add(child);
        stack.push([child, 0]);
      }
    } else {
      stack.pop();
      order.push(t);
    }
  }
  return order.reverse();
}

/**
 * What a released intermediate keeps: its op's name (for the error) and nothing that holds memory.
 * A fresh object per tensor: nodes are never shared, and nothing here is global state.
 */
/** What stays of a node a pass without `retainGraph` freed; `failure` when that pass threw partway. */
function releasedNode(op: OpName, failure?: string): ReleasedNode {
  return {
    op,
    inputs: [],
    saved: failure === undefined ? {} : { failure },
    released: true,
  };
}

/** Runs the rule of `node`'s op: the table's type pairs each op with the rule for its node. */
function applyRule<K extends OpName>(
  grad: Tensor,
  node: RecordedNode<K>,
  accumulated: Accumulated,
): (Tensor | null)[] {
  return gradRules[node.op](grad, node, accumulated);
}

/**
 * Runs `node`'s rule and adds each input's gradient to its total in `totals` (intermediates) or
 * `leaves`; a total the rule took through {@link Accumulated} is replaced by the rule's result,
 * which includes it.
 */
function pushGradients(
  g: Tensor,
  node: RecordedNode,
  totals: Map<Tensor, Tensor>,
  leaves: Map<Tensor, Tensor>,
): void {
  const totalsOf = (input: Tensor) => (input.gradNode ? totals : leaves);
  const taken = new Map<Tensor, number>(); // input tensor → the position whose take() got its total
  const inputGrads = applyRule(g, node, {
    take(i) {
      const input = node.inputs[i];
      if (!input?.requiresGrad || taken.has(input)) return undefined;
      const total = totalsOf(input).get(input);
      if (total) taken.set(input, i);
      return total;
    },
  });
  const folded = (input: Tensor, i: number) => taken.get(input) === i && inputGrads[i];
  // A folded gradient replaces its input's total first, so that a tensor appearing at other
  // positions of this node too gets those added to it, not to the total it already includes.
  node.inputs.forEach((input, i) => {
    if (folded(input, i)) totalsOf(input).set(input, inputGrads[i]!);
  });
  node.inputs.forEach((input, i) => {
    const gi = inputGrads[i];
    if (!gi || !input.requiresGrad || folded(input, i)) return;
    const target = totalsOf(input);
    const prev = target.get(input);
    target.set(input, prev ? add(prev, gi) : gi);
  });
}

function secondBackwardError(output: Tensor, at: Tensor): GradientError {
  const where =
    at === output
      ? 'its graph'
      : `the graph below it (at an intermediate of op '${at.gradNode!.op}')`;
  const node = at.gradNode;
  const failure = node?.released ? node.saved.failure : undefined;
  if (typeof failure === 'string')
    return new GradientError(
      'backward',
      'output',
      `cannot be differentiated: ${where} was released by an earlier backward() that failed ` +
        `partway (${failure}). Recompute the forward pass`,
    );
  return new GradientError(
    'backward',
    'output',
    `cannot be differentiated again: ${where} was released by an earlier backward() ` +
      '(trying to backward through the graph a second time). Pass { retainGraph: true } to every ' +
      'backward() but the last to go through the same graph again, or recompute the forward pass',
  );
}

/**
 * Runs reverse-mode differentiation from `output` and returns the gradient of every leaf that
 * requires gradients (tensors with `requiresGrad` and no recorded node), without touching their
 * `.grad`. {@link backward} and {@link valueAndGrad} are built on it.
 *
 * @param output - The tensor to differentiate; a scalar unless `gradOutput` is given.
 * @returns A map from leaf tensor to its gradient.
 * @example
 * ```ts
 * import { computeGradients } from '@lacuna/autograd';
 * import { mul, sum, tensor } from '@lacuna/tensor';
 * const x = tensor([1, 2]);
 * x.requiresGrad = true;
 * computeGradients(sum(mul(x, x))).get(x)?.toArray(); // [2, 4]
 * ```
 */
export function computeGradients(
  output: Tensor,
  options: BackwardOptions = {},
): Map<Tensor, Tensor> {
  checkOptionKeys('backward', options, BACKWARD_KEYS);
  optionBoolean('backward', 'options.retainGraph', options.retainGraph, false);
  if (!output.requiresGrad) {
    throw new GradientError(
      'backward',
      'output',
      'does not require gradients: it was not computed from any tensor with requiresGrad = true ' +
        '(or only through ops with no gradient, such as comparisons, argmax and integer ops, or inside noGrad)',
    );
  }
  let seed = options.gradOutput;
  if (seed === undefined) {
    if (output.size !== 1) {
      throw new ShapeError(
        'backward',
        'gradOutput',
        `is required for an output of shape [${output.shape.join(',')}]; only a one-element output defaults to 1`,
      );
    }
    seed = onesLike(output);
  } else if (seed.shape.join() !== output.shape.join()) {
    throw new ShapeError(
      'backward',
      'gradOutput',
      `must have the output's shape [${output.shape.join(',')}], got [${seed.shape.join(',')}]`,
    );
  }
  const grads = new Map<Tensor, Tensor>([[output, seed]]);
  const leaves = new Map<Tensor, Tensor>();
  if (!output.gradNode) return new Map([[output, seed]]); // the output is itself a leaf
  const order = reverseTopological(output);
  // Checked before any rule runs, so a refused pass leaves every .grad as it was.
  const released = order.find((t) => t.gradNode?.released);
  if (released) throw secondBackwardError(output, released);
  // Nodes are typed by op, but one built by hand (or by another copy of the tensor package) may
  // name an op this table lacks.
  const ruleless = order.find((t) => t.gradNode && !Object.hasOwn(gradRules, t.gradNode.op));
  if (ruleless) {
    throw new GradientError(
      'backward',
      'output',
      `depends on op '${ruleless.gradNode!.op}', which has no gradient rule`,
    );
  }
  // Nodes are freed as the pass goes (their saved tensors are dead once used); if a rule throws
  // partway, the freed ones say so, so a retry names the failure rather than a second backward.
  const freed: Tensor[] = [];
  try {
    withoutRecording(() => {
      for (const t of order) {
        const g = grads.get(t);
        grads.delete(t); // an intermediate's gradient is dead once pushed to its inputs
        const node = t.gradNode;
        if (!node || node.released || g === undefined) continue; // released: refused above
        pushGradients(g, node, grads, leaves);
        if (!options.retainGraph) {
          t.gradNode = releasedNode(node.op);
          freed.push(t);
        }
      }
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    for (const t of freed) t.gradNode = releasedNode(t.gradNode!.op, reason);
    throw error;
  }
  return leaves;
}

/**
 * Back-propagates from `output` and accumulates into `.grad` of every leaf that requires
 * gradients (`leaf.grad += ∂output/∂leaf`, as in PyTorch). Zero gradients between steps with
 * {@link zeroGrad} or an optimizer's `zeroGrad()`.
 *
 * The pass releases the graph unless `retainGraph` is set; a second backward through a released
 * graph (the same loss, or a new output built on a released intermediate) throws a
 * {@link GradientError} before any `.grad` changes. Build a fresh graph each step, or pass
 * `retainGraph: true` to every backward but the last.
 *
 * @param output - Usually a scalar loss.
 * @param options - `gradOutput` for non-scalar outputs, `retainGraph` to keep the graph.
 * @example
 * ```ts
 * import { backward } from '@lacuna/autograd';
 * import { mul, sum, tensor } from '@lacuna/tensor';
 * const w = tensor([3]);
 * w.requiresGrad = true;
 * backward(sum(mul(w, w)));
 * w.grad?.toArray(); // [6]
 * ```
 */
export function backward(output: Tensor, options: BackwardOptions = {}): void {
  // A rule may hand one tensor to several inputs (add's gradient is the upstream one itself), or
  // a tensor its node saved (which a retained graph hands out again): each leaf gets a tensor of
  // its own, so writing one .grad in place (clipGradNorm) changes nothing else.
  // Storage, not tensor objects: a reshape of one gradient is another tensor on the same array.
  // The caller's gradOutput counts as handed out: its storage stays the caller's.
  const handedOut = new Set<unknown>();
  if (options.gradOutput) handedOut.add(options.gradOutput.storage);
  for (const [leaf, g] of computeGradients(output, options)) {
    if (leaf.grad) leaf.grad = withoutRecording(() => add(leaf.grad!, g));
    else if (handedOut.has(g.storage) || options.retainGraph)
      leaf.grad = withoutRecording(() => mul(g, 1));
    else leaf.grad = g;
    handedOut.add(g.storage);
  }
}

/**
 * Clears `.grad` of each tensor.
 *
 * @example
 * ```ts
 * import { zeroGrad } from '@lacuna/autograd';
 * import { tensor } from '@lacuna/tensor';
 * const w = tensor([1]);
 * zeroGrad([w]);
 * ```
 */
export function zeroGrad(tensors: Iterable<Tensor>): void {
  for (const t of tensors) t.grad = null;
}
