import type { Backend } from '../../backend.js';
import { referenceBackend } from '../../reference/index.js';
import { argList, PARALLEL_MIN_ELEMENTS, split, type WasmContext } from '../context.js';
import { TRANSCENDENTAL_UNARY, UNARY_OPS } from '../layout.js';

/** The arguments of assembly/unary.ts, in its order: `unary(op: i32, x: usize, out: usize, n: i32)`.
 * @internal
 */
export const unaryArgs = argList('unary', ['op', 'x', 'out', 'n'], (v) => [v.op, v.x, v.out, v.n]);

/** The wasm `unary` kernel: neg/abs/relu/sqrt/exp/log/log1p/sigmoid/tanh of float32 in wasm memory. @internal */
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
          dispatch({ inputs: [xAt], outputs: [outAt] }) {
            const share = (from: number, to: number) =>
              unaryArgs.build({
                op: code,
                x: xAt! + 4 * from,
                out: outAt! + 4 * from,
                n: to - from,
              });
            // neg/abs/relu/sqrt are memory-bound: one thread, as binary. The transcendental ones
            // compute ~20 operations per element, so a helper thread pays for its wake-up.
            if (!TRANSCENDENTAL_UNARY.has(code)) return ctx.alone(share(0, n));
            const helpers = ctx.helpersFor(n, PARALLEL_MIN_ELEMENTS);
            const shares = split(n, helpers.length + 1, 4).map(([from, to]) => share(from, to));
            return { shares, helpers: helpers.slice(0, shares.length - 1) };
          },
        },
      () => referenceBackend.unary(op, x, out, params),
    );
  };
}
