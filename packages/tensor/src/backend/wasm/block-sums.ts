import { KL_SUM_BLOCK } from '../../../assembly/codes.js';
import { type KernelName, PARALLEL_MIN_ELEMENTS, split, type WasmContext } from './context.js';
import type { Share } from './threads.js';

/**
 * Runs a sum-reducing kernel over the n elements of `inputs` (assembly/block-sum.ts): threads
 * take whole KL_SUM_BLOCK-element blocks, each block's float64 sum lands in its own slot, and
 * this thread adds the slots in block order into `out[0]`, so the total is the same on any
 * number of threads. `share(inputsAt, partialsAt, b0, b1, scratch)` is the argument list for
 * blocks [b0, b1) on the thread whose scratch block is at `scratch`.
 * Without wasm (no elements, or operands too big for its memory) `fallback` runs instead.
 * @internal
 */
export function runBlockSum(
  ctx: WasmContext,
  kernel: KernelName,
  inputs: readonly Float32Array[],
  out: Float32Array,
  share: (
    inputsAt: readonly number[],
    partialsAt: number,
    b0: number,
    b1: number,
    scratch: number,
  ) => Share,
  fallback: () => void,
): void {
  const n = inputs[0]!.length;
  const blocks = Math.ceil(n / KL_SUM_BLOCK);
  const partials = new Float64Array(blocks);
  let ran = false;
  ctx.run(
    n > 0 && {
      kernel,
      inputs,
      outputs: [partials],
      dispatch({ inputs: inputsAt, outputs: [partialsAt] }) {
        ran = true;
        const helpers = ctx.helpersFor(n, PARALLEL_MIN_ELEMENTS).slice(0, blocks - 1);
        const ranges = split(blocks, helpers.length + 1, 1);
        const shares = ranges.map(([b0, b1], t) =>
          share(inputsAt, partialsAt!, b0, b1, ctx.scratch(t)),
        );
        return { shares, helpers };
      },
    },
    fallback,
  );
  if (!ran) return;
  let total = 0;
  for (let b = 0; b < blocks; b++) total += partials[b]!;
  out[0] = total;
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
