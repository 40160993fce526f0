import type { Backend } from '../../backend.js';
import { referenceBackend } from '../../reference/index.js';
import { argList, PARALLEL_MIN_ELEMENTS, split, type WasmContext } from '../context.js';

/**
 * The arguments of assembly/dropout.ts, in its order:
 * `dropout(x: usize, out: usize, mask: usize, n: i32, first: i32, keepThreshold: i32, scale: f32,
 *   k0: i32, k1: i32)`; `mask` 0 writes no mask, `first` is the counter of element 0.
 * @internal
 */
export const dropoutArgs = argList(
  'dropout',
  ['x', 'out', 'mask', 'n', 'first', 'keepThreshold', 'scale', 'k0', 'k1'],
  (v) => [v.x, v.out, v.mask, v.n, v.first, v.keepThreshold, v.scale, v.k0, v.k1],
);

/** The wasm `dropout` kernel: fused counter-based mask and scale in wasm memory. @internal */
export function wasmDropout(ctx: WasmContext): Backend['dropout'] {
  return (x, out, p, mask) => {
    const { keepThreshold, scale, key } = p;
    const n = x.length;
    ctx.run(
      n > 0 && {
        kernel: 'dropout',
        inputs: [x],
        outputs: mask ? [out, mask] : [out],
        dispatch({ inputs: [xAt], outputs: [outAt, maskAt = 0] }) {
          const helpers = ctx.helpersFor(n, PARALLEL_MIN_ELEMENTS);
          // Counters are absolute element indices, so any split draws the same bits.
          const shares = split(n, helpers.length + 1, 4).map(([s, e]) =>
            dropoutArgs.build({
              x: xAt! + s * 4,
              out: outAt! + s * 4,
              mask: mask ? maskAt + s : 0,
              n: e - s,
              first: s,
              keepThreshold,
              scale,
              k0: key.lo | 0,
              k1: key.hi | 0,
            }),
          );
          return { shares, helpers };
        },
      },
      () => referenceBackend.dropout(x, out, p, mask),
    );
  };
}
