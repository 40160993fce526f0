import type { Backend } from '../../backend.js';
import { referenceBackend } from '../../reference/index.js';
import { elementDispatch, runBlockSum } from '../block-sums.js';
import { argList, type WasmContext } from '../context.js';

/**
 * The arguments of assembly/variational-dropout-kl.ts, in its order:
 * `variationalDropoutKl(logAlpha: usize, partials: usize, b0: i32, b1: i32, n: i32)`: the
 * float64 sums of blocks [b0, b1) to partials[b0..b1).
 * @internal
 */
export const variationalDropoutKlArgs = argList(
  'variationalDropoutKl',
  ['logAlpha', 'partials', 'b0', 'b1', 'n'],
  (v) => [v.logAlpha, v.partials, v.b0, v.b1, v.n],
);

/**
 * The arguments of its gradient, in its order:
 * `variationalDropoutKlBackward(logAlpha: usize, grad: f32, dLogAlpha: usize, n: i32)`.
 * @internal
 */
export const variationalDropoutKlBackwardArgs = argList(
  'variationalDropoutKlBackward',
  ['logAlpha', 'grad', 'dLogAlpha', 'n'],
  (v) => [v.logAlpha, v.grad, v.dLogAlpha, v.n],
);

/** The wasm `variationalDropoutKl` kernel: block sums split over threads. @internal */
export function wasmVariationalDropoutKl(ctx: WasmContext): Backend['variationalDropoutKl'] {
  return (logAlpha, out) =>
    runBlockSum(
      ctx,
      'variationalDropoutKl',
      [logAlpha],
      out,
      ([logAlphaAt], partials, b0, b1) =>
        variationalDropoutKlArgs.build({
          logAlpha: logAlphaAt!,
          partials,
          b0,
          b1,
          n: logAlpha.length,
        }),
      () => referenceBackend.variationalDropoutKl(logAlpha, out),
    );
}

/** The wasm `variationalDropoutKlBackward` kernel: one pass. @internal */
export function wasmVariationalDropoutKlBackward(
  ctx: WasmContext,
): Backend['variationalDropoutKlBackward'] {
  return (logAlpha, grad, dLogAlpha) => {
    const n = logAlpha.length;
    ctx.run(
      n > 0 && {
        kernel: 'variationalDropoutKlBackward',
        inputs: [logAlpha],
        outputs: [dLogAlpha],
        dispatch: ({ inputs: [logAlphaAt], outputs: [dAt] }) =>
          elementDispatch(ctx, n, (s, e) =>
            variationalDropoutKlBackwardArgs.build({
              logAlpha: logAlphaAt! + s * 4,
              grad,
              dLogAlpha: dAt! + s * 4,
              n: e - s,
            }),
          ),
      },
      () => referenceBackend.variationalDropoutKlBackward(logAlpha, grad, dLogAlpha),
    );
  };
}
