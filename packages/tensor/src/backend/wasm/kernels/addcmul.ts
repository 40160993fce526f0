import type { Backend } from '../../backend.js';
import { referenceBackend } from '../../reference/index.js';
import { elementDispatch } from '../block-sums.js';
import { argList, type WasmContext } from '../context.js';

/**
 * The arguments of assembly/addcmul.ts, in its order:
 * `addcmul(input: usize, a: usize, b: usize, out: usize, n: i32)`.
 * @internal
 */
export const addcmulArgs = argList('addcmul', ['input', 'a', 'b', 'out', 'n'], (v) => [
  v.input,
  v.a,
  v.b,
  v.out,
  v.n,
]);

/**
 * The wasm `addcmul` kernel: big arrays split over the helper threads (elementDispatch: ranges
 * starting at multiples of 4, so each element takes the same path on any split). @internal
 */
export function wasmAddcmul(ctx: WasmContext): Backend['addcmul'] {
  return (input, a, b, out) => {
    const n = out.length;
    ctx.run(
      n > 0 && {
        kernel: 'addcmul',
        inputs: [input, a, b],
        outputs: [out],
        dispatch: ({ inputs: [inAt, aAt, bAt], outputs: [outAt] }) =>
          elementDispatch(ctx, n, (from, to) => {
            const [input, a, b, out] = [inAt!, aAt!, bAt!, outAt!].map((at) => at + 4 * from);
            return addcmulArgs.build({ input: input!, a: a!, b: b!, out: out!, n: to - from });
          }),
      },
      () => referenceBackend.addcmul(input, a, b, out),
    );
  };
}
