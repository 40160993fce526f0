import type { Backend } from '../../backend.js';
import { referenceBackend } from '../../reference/index.js';
import { runBlockSum } from '../block-sums.js';
import { argList, type WasmContext } from '../context.js';

/**
 * The arguments of assembly/variational-dropout-kl.ts, in its order:
 * `variationalDropoutKl(logAlpha: usize, scale: f32, partials: usize, dLogAlpha: usize, b0: i32,
 *   b1: i32, n: i32, counter: usize)`: the float64 sums of blocks [b0, b1), claimed from the
 *   shared i32 at `counter`, to their slots of partials and the gradient of their entries (a 0
 *   pointer: not wanted).
 * @internal
 */
export const variationalDropoutKlArgs = argList(
  'variationalDropoutKl',
  ['logAlpha', 'scale', 'partials', 'dLogAlpha', 'b0', 'b1', 'n', 'counter'],
  (v) => [v.logAlpha, v.scale, v.partials, v.dLogAlpha, v.b0, v.b1, v.n, v.counter],
);

/** The wasm `variationalDropoutKl` kernel: block sums and gradient in one pass, split over threads. @internal */
export function wasmVariationalDropoutKl(ctx: WasmContext): Backend['variationalDropoutKl'] {
  return (logAlpha, scale, out, dLogAlpha) =>
    runBlockSum(
      ctx,
      'variationalDropoutKl',
      [logAlpha],
      [dLogAlpha],
      scale,
      out,
      ({ inputsAt: [logAlphaAt], outputsAt: [dLogAlphaAt], partialsAt, b0, b1, counter }) =>
        variationalDropoutKlArgs.build({
          logAlpha: logAlphaAt!,
          scale,
          partials: partialsAt,
          dLogAlpha: dLogAlphaAt!,
          b0,
          b1,
          n: logAlpha.length,
          counter,
        }),
      () => referenceBackend.variationalDropoutKl(logAlpha, scale, out, dLogAlpha),
    );
}
