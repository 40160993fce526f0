import type { Backend } from '../../backend.js';
import { referenceBackend } from '../../reference/index.js';
import { argList, type WasmContext } from '../context.js';
import { UNARY_OPS } from '../layout.js';

/** The arguments of assembly/unary.ts, in its order: `unary(op: i32, x: usize, out: usize, n: i32)`.
 * @internal
 */
export const unaryArgs = argList('unary', ['op', 'x', 'out', 'n'], (v) => [v.op, v.x, v.out, v.n]);

/** The wasm `unary` kernel: neg/abs/relu/sqrt of float32 in wasm memory. @internal */
export function wasmUnary(ctx: WasmContext): Backend['unary'] {
  return (op, x, out, params) => {
    const code = UNARY_OPS[op];
    const n = x.length;
    const floats = x instanceof Float32Array && out instanceof Float32Array;
    ctx.run(
      code !== undefined &&
        floats &&
        n > 0 && {
          kernel: 'unary',
          inputs: [x],
          outputs: [out],
          // Memory-bound: one thread, as binary.
          dispatch({ inputs: [xAt], outputs: [outAt] }) {
            return ctx.alone(unaryArgs.build({ op: code, x: xAt!, out: outAt!, n }));
          },
        },
      () => referenceBackend.unary(op, x, out, params),
    );
  };
}
