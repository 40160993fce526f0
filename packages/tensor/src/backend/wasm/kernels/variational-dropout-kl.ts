import type { Backend } from '../../backend.js';
import { referenceBackend } from '../../reference/index.js';
import { runBlockSum } from '../block-sums.js';
import { argList, type WasmContext } from '../context.js';

/**
 * The arguments of assembly/variational-dropout-kl.ts, in its order:
 * `variationalDropoutKl(logAlpha: usize, scale: f32, partials: usize, dLogAlpha: usize, x: usize,
 *   out: usize, scaled: usize, b0: i32, b1: i32, n: i32, counter: usize)`: the float64 sums of
 *   blocks [b0, b1), claimed from the shared i32 at `counter`, to their slots of partials, the
 *   gradient of their entries, and scaledSquare(x, log α) into out and scaled (a 0 pointer: not
 *   wanted).
 * @internal
 */
export const variationalDropoutKlArgs = argList(
  'variationalDropoutKl',
  ['logAlpha', 'scale', 'partials', 'dLogAlpha', 'x', 'out', 'scaled', 'b0', 'b1', 'n', 'counter'],
  (v) => [
    v.logAlpha,
    v.scale,
    v.partials,
    v.dLogAlpha,
    v.x,
    v.out,
    v.scaled,
    v.b0,
    v.b1,
    v.n,
    v.counter,
  ],
);

/**
 * The wasm `variationalDropoutKl` kernel: block sums, gradient and the variance weights in one
 * pass, split over threads. @internal
 */
export function wasmVariationalDropoutKl(ctx: WasmContext): Backend['variationalDropoutKl'] {
  return (logAlpha, scale, out, dLogAlpha, square) =>
    runBlockSum(
      ctx,
      'variationalDropoutKl',
      square ? [logAlpha, square.x] : [logAlpha],
      [dLogAlpha, square?.out ?? null, square?.scaled ?? null],
      scale,
      out,
      ({ inputsAt: [logAlphaAt, xAt], outputsAt: [dLogAlphaAt, outAt, scaledAt], ...at }) =>
        variationalDropoutKlArgs.build({
          logAlpha: logAlphaAt!,
          scale,
          partials: at.partialsAt,
          dLogAlpha: dLogAlphaAt!,
          x: xAt ?? 0,
          out: outAt!,
          scaled: scaledAt!,
          b0: at.b0,
          b1: at.b1,
          n: logAlpha.length,
          counter: at.counter,
        }),
      () => referenceBackend.variationalDropoutKl(logAlpha, scale, out, dLogAlpha, square),
    );
}
