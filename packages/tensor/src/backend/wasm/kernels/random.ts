import type { Backend, RandomKey } from '../../backend.js';
import { referenceBackend } from '../../reference/index.js';
import { argList, PARALLEL_MIN_ELEMENTS, split, type WasmContext } from '../context.js';

/**
 * The arguments of assembly/random.ts's two kernels, in their order:
 * `uniform(out: usize, n: i32, first: i32, k0: i32, k1: i32)` and the same for `normal`;
 * `first` is the counter of element 0.
 * @internal
 */
export const uniformArgs = argList('uniform', ['out', 'n', 'first', 'k0', 'k1'], (v) => [
  v.out,
  v.n,
  v.first,
  v.k0,
  v.k1,
]);
/** The arguments of assembly/random.ts's `normal`, the same as `uniform`'s. @internal */
export const normalArgs = argList('normal', uniformArgs.names, uniformArgs.build);

/** Fills `out` with counter-based random numbers (uniform or normal); counters split evenly. */
function random(ctx: WasmContext, kernel: 'uniform' | 'normal', key: RandomKey, out: Float32Array) {
  const n = out.length;
  ctx.run(
    n > 0 && {
      kernel,
      inputs: [],
      outputs: [out],
      dispatch({ outputs: [outAt] }) {
        const helpers = ctx.helpersFor(n, PARALLEL_MIN_ELEMENTS);
        // Shares start at multiples of 4, so Box–Muller pairs never straddle two threads.
        const shares = split(n, helpers.length + 1, 4).map(([s, e]) =>
          (kernel === 'uniform' ? uniformArgs : normalArgs).build({
            out: outAt! + s * 4,
            n: e - s,
            first: s,
            k0: key.lo | 0,
            k1: key.hi | 0,
          }),
        );
        return { shares, helpers };
      },
    },
    () => referenceBackend[kernel](key, out),
  );
}

/** The wasm `uniform` kernel. @internal */
export function wasmUniform(ctx: WasmContext): Backend['uniform'] {
  return (key, out) => random(ctx, 'uniform', key, out);
}

/** The wasm `normal` kernel (Box–Muller on counter pairs). @internal */
export function wasmNormal(ctx: WasmContext): Backend['normal'] {
  return (key, out) => random(ctx, 'normal', key, out);
}
