import { sharedState } from './identity.js';
import type { OpName, OpSaved } from './op-saved.js';
import type { Tensor } from './tensor.js';

/**
 * What an op leaves on its output when autograd is watching: the op's name, its tensor inputs and
 * whatever its gradient rule needs (attributes, a dropout mask key, ...), typed by the op's entry
 * in {@link OpSaved}.
 *
 * The tensor package only records; the rules that turn a node into input gradients live in
 * `@lacuna/autograd`, keyed by `op` (e.g. `ops/matmul.ts` here, `rules/matmul.ts` there).
 *
 * @typeParam K - The op's name.
 */
export interface RecordedNode<K extends OpName = OpName> {
  /** The op's name, the key of its gradient rule. */
  readonly op: K;
  /** The op's tensor inputs, in argument order. */
  readonly inputs: readonly Tensor[];
  /** Attributes and saved values the gradient rule needs. */
  readonly saved: Readonly<OpSaved[K]>;
  /** Never set on a node that still holds its inputs (see {@link ReleasedNode}). */
  readonly released?: false;
}

/**
 * What `@lacuna/autograd` leaves of a node once a backward pass without `retainGraph` freed it: its
 * inputs and saved values are gone, so a second backward through it is an error, not a no-op.
 */
export interface ReleasedNode {
  /** The op's name, for the error message. */
  readonly op: OpName;
  /** Always empty: the inputs were let go. */
  readonly inputs: readonly Tensor[];
  /** `failure` when the pass that freed the node threw partway. */
  readonly saved: {
    /** The message of the error that stopped that pass. */
    readonly failure?: string;
  };
  /** Marks the node as freed. */
  readonly released: true;
}

/**
 * The node on a tensor's `gradNode`: one {@link RecordedNode} per op, told apart by `op`, or a
 * {@link ReleasedNode}. Checking `op` (and `released`) narrows `saved` to that op's values.
 *
 * @example
 * ```ts
 * import { maxPool2d, ones } from '@lacuna/tensor';
 * const x = ones([1, 1, 2, 2]);
 * x.requiresGrad = true;
 * const node = maxPool2d(x, 2).gradNode;
 * if (node?.op === 'maxPool2d' && !node.released) console.log(node.saved.argmax[0]); // 0
 * ```
 */
export type GradNode = { [K in OpName]: RecordedNode<K> }[OpName] | ReleasedNode;

// Depth of nested `withoutRecording` calls. It lives only for the synchronous extent of a call
// (restored in `finally`), so nothing leaks across `await`: async callbacks are rejected. Shared
// by the copies of this version in the process (ESM and CJS), so `noGrad` from one pauses the
// ops of the other.
const recording = sharedState('tensor.recording', () => ({ pausedDepth: 0 }));

/**
 * Runs `fn` with recording off: ops inside it attach no {@link GradNode}, even on inputs that
 * require gradients. `@lacuna/autograd` re-exports this as `noGrad`.
 *
 * `fn` must be synchronous; a function that returns a promise is rejected, because recording would
 * be back on before the promise's work ran.
 *
 * @param fn - The computation to run unrecorded.
 * @returns Whatever `fn` returns.
 * @example
 * ```ts
 * import { withoutRecording, ones, add } from '@lacuna/tensor';
 * const w = ones([2]);
 * w.requiresGrad = true;
 * const y = withoutRecording(() => add(w, w));
 * console.log(y.gradNode); // null
 * ```
 */
export function withoutRecording<T>(fn: () => T): T {
  recording.pausedDepth++;
  try {
    const out = fn();
    if (
      out !== null &&
      typeof out === 'object' &&
      typeof (out as { then?: unknown }).then === 'function'
    ) {
      throw new TypeError(
        "withoutRecording: argument 'fn' must be synchronous, got a function returning a promise",
      );
    }
    return out;
  } finally {
    recording.pausedDepth--;
  }
}

/**
 * Whether an op on `inputs` would be recorded: recording is on and some input requires gradients.
 *
 * Ops call this before saving anything costly for backward (a mask, an intermediate).
 *
 * @param inputs - The op's tensor inputs.
 * @example
 * ```ts
 * import { willRecord, ones } from '@lacuna/tensor';
 * console.log(willRecord([ones([1])])); // false: nothing requires gradients
 * ```
 */
export function willRecord(inputs: readonly Tensor[]): boolean {
  if (recording.pausedDepth > 0) return false;
  for (const t of inputs) if (t.requiresGrad) return true;
  return false;
}

/**
 * The `saved` argument {@link record} takes for op `K`: `OpSaved[K]` for one op; for a union of ops
 * (a helper that records several), values that suit each of them, so a shared call site cannot
 * save less than one of its ops needs.
 *
 * @typeParam K - The op, or the ops a shared call site records.
 * @example
 * ```ts
 * import { ones, type SavedByEvery } from '@lacuna/tensor';
 * // sum and mean both save ReduceSaved, so a helper recording either passes one.
 * const saved: SavedByEvery<'sum' | 'mean'> = { axes: [0], keepDims: false, count: 2, output: ones([]) };
 * ```
 */
export type SavedByEvery<K extends OpName> = (
  K extends OpName
    ? (saved: OpSaved[K]) => void
    : never
) extends (saved: infer S) => void
  ? S
  : never;

/**
 * Attaches a {@link GradNode} to `output` when {@link willRecord} holds for `inputs`, and returns
 * `output`. Every differentiable op ends with this call.
 *
 * `op` must be one of the ops in {@link OpSaved} and `saved` exactly what that op's gradient rule
 * reads: the compiler checks both. There is no way to add an op from outside: `@lacuna/autograd`'s
 * rule table is static, so compose new ops from existing ones, and their gradients follow.
 *
 * @param op - The op's name (its gradient rule's key).
 * @param inputs - The op's tensor inputs.
 * @param output - The op's result.
 * @param saved - What the gradient rule needs, typed by `OpSaved[op]`.
 * @example
 * ```ts
 * import { record, ones } from '@lacuna/tensor';
 * const x = ones([2]);
 * x.requiresGrad = true;
 * const y = record('reshape', [x], ones([2, 1]), { inputShape: x.shape });
 * console.log(y.gradNode?.op); // 'reshape'
 * ```
 */
export function record<K extends OpName>(
  op: K,
  inputs: readonly Tensor[],
  output: Tensor,
  saved: SavedByEvery<K>,
): Tensor {
  if (willRecord(inputs)) {
    output.requiresGrad = true;
    // For a generic K the compiler can neither see that `saved` suits K (SavedByEvery<K> is
    // OpSaved[K] for one op) nor pick the union's member for K: the node is RecordedNode<K>.
    output.gradNode = { op, inputs, saved } as RecordedNode<K> as GradNode;
  }
  return output;
}
