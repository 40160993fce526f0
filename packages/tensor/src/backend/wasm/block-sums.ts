import { KL_SUM_BLOCK } from '../../../assembly/codes.js';
import { type KernelName, PARALLEL_MIN_ELEMENTS, split, type WasmContext } from './context.js';
import type { Share } from './threads.js';

/** Where a block-sum kernel's operands landed, for one thread's share. @internal */
export interface BlockSumShare {
  /** Byte offsets of the inputs. */
  readonly inputsAt: readonly number[];
  /** Byte offsets of the per-element outputs, 0 for each one not wanted (null). */
  readonly outputsAt: readonly number[];
  /** Byte offset of the float64 block sums. */
  readonly partialsAt: number;
  /** The first block of this share. */
  readonly b0: number;
  /** One past the last block of this share. */
  readonly b1: number;
  /** Byte offset of this thread's scratch block. */
  readonly scratch: number;
  /** Byte offset of the i32 block counter the call's threads claim blocks from (starts at 0). */
  readonly counter: number;
}

/**
 * Runs a sum-reducing kernel over the n elements of `inputs` (assembly/block-sum.ts): threads
 * claim whole KL_SUM_BLOCK-element blocks from a shared counter (one that runs ahead, its core
 * free, takes more rather than waiting for a fixed share of the other's), each block's float64
 * sum lands in its own slot, and this thread adds the slots in block order and writes `scale`
 * times the total to `out[0]`, so the result is the same on any number of threads. The kernel may
 * also write per-element `outputs` (gradients, for example; null ones are passed as offset 0:
 * not wanted); each thread writes those of the blocks it claimed.
 * `share(at)` is the argument list of one thread's share. Without wasm (no elements, or operands
 * too big for its memory) `fallback` runs instead.
 * @internal
 */
export function runBlockSum(
  ctx: WasmContext,
  kernel: KernelName,
  inputs: readonly Float32Array[],
  outputs: readonly (Float32Array | null)[],
  scale: number,
  out: Float32Array,
  share: (at: BlockSumShare) => Share,
  fallback: () => void,
): void {
  const n = inputs[0]!.length;
  const blocks = Math.ceil(n / KL_SUM_BLOCK);
  const partials = new Float64Array(blocks);
  const wanted = outputs.filter((o): o is Float32Array => o !== null);
  let ran = false;
  ctx.run(
    n > 0 && {
      kernel,
      // The counter rides along as an input: copied in, it starts at 0 in the wasm memory.
      inputs: [...inputs, new Int32Array(1)],
      outputs: [partials, ...wanted],
      dispatch({ inputs: staged, outputs: [partialsAt, ...wantedAt] }) {
        ran = true;
        let next = 0;
        const outputsAt = outputs.map((o) => (o === null ? 0 : wantedAt[next++]!));
        const helpers = ctx.helpersFor(n, PARALLEL_MIN_ELEMENTS).slice(0, blocks - 1);
        const inputsAt = staged.slice(0, inputs.length);
        const counter = staged[inputs.length]!;
        const shares = [0, ...helpers].map((_, t) =>
          share({
            inputsAt,
            outputsAt,
            partialsAt: partialsAt!,
            b0: 0,
            b1: blocks,
            scratch: ctx.scratch(t),
            counter,
          }),
        );
        return { shares, helpers };
      },
    },
    fallback,
  );
  if (!ran) return;
  let total = 0;
  for (let b = 0; b < blocks; b++) total += partials[b]!;
  out[0] = scale * total;
}

/**
 * The dispatch of an elementwise kernel over n elements: ranges whose starts are multiples of 4,
 * one per thread, each share made by `share(start, end, scratch)` with that thread's scratch.
 * @internal
 */
export function elementDispatch(
  ctx: WasmContext,
  n: number,
  share: (start: number, end: number, scratch: number) => Share,
): { shares: Share[]; helpers: number[] } {
  const helpers = ctx.helpersFor(n, PARALLEL_MIN_ELEMENTS);
  const ranges = split(n, helpers.length + 1, 4);
  return { shares: ranges.map(([s, e], t) => share(s, e, ctx.scratch(t))), helpers };
}
