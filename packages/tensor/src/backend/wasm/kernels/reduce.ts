import type { Backend } from '../../backend.js';
import { referenceBackend } from '../../reference/index.js';
import { argList, PARALLEL_MIN_ELEMENTS, split, type WasmContext } from '../context.js';
import { REDUCE_OPS, reduceBlock } from '../layout.js';

/**
 * The arguments of assembly/reduce.ts, in its order:
 * `reduce(op: i32, x: usize, out: usize, o0: i32, count: i32, size: i32, inner: i32, i0: i32,
 *   iCount: i32, acc: usize)`: outer rows [o0, o0 + count) and inner columns [i0, i0 + iCount) of
 *   x viewed as [outer, size, inner]; `acc` is the thread's scratch block.
 * @internal
 */
export const reduceArgs = argList(
  'reduce',
  ['op', 'x', 'out', 'o0', 'count', 'size', 'inner', 'i0', 'iCount', 'acc'],
  (v) => [v.op, v.x, v.out, v.o0, v.count, v.size, v.inner, v.i0, v.iCount, v.acc],
);

/** The wasm `reduce` kernel: sum/max/min over one contiguous block of float32 axes. @internal */
export function wasmReduce(ctx: WasmContext): Backend['reduce'] {
  return (op, x, shape, axes, out) => {
    const floats = x instanceof Float32Array && out instanceof Float32Array;
    const block = floats && out.length > 0 ? reduceBlock(shape, axes) : undefined;
    ctx.run(
      block && {
        kernel: 'reduce',
        inputs: [x],
        outputs: [out],
        dispatch({ inputs: [xAt], outputs: [outAt] }) {
          const { outer, size, inner } = block;
          const helpers = ctx.helpersFor(x.length, PARALLEL_MIN_ELEMENTS);
          const parts = helpers.length + 1;
          // Per thread: outer rows [o0, o0 + count), inner columns [i0, i0 + iCount). Split
          // outputs, never the reduced axis: each output is accumulated the same way anywhere.
          const pieces: [number, number, number, number][] =
            inner > 1 && outer < parts
              ? split(inner, parts, 4).map(([i0, i1]) => [0, outer, i0, i1 - i0])
              : split(outer, parts, 2).map(([o0, o1]) => [o0, o1 - o0, 0, inner]);
          const code = REDUCE_OPS[op];
          const shares = pieces.map(([o0, count, i0, iCount], t) =>
            reduceArgs.build({
              op: code,
              x: xAt!,
              out: outAt!,
              o0,
              count,
              size,
              inner,
              i0,
              iCount,
              acc: ctx.scratch(t),
            }),
          );
          return { shares, helpers };
        },
      },
      () => referenceBackend.reduce(op, x, shape, axes, out),
    );
  };
}
