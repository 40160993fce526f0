import type { Backend } from '../../backend.js';
import { referenceBackend } from '../../reference/index.js';
import { elementDispatch, runBlockSum } from '../block-sums.js';
import { argList, type WasmContext } from '../context.js';

/**
 * The arguments of assembly/sparse-variational-dropout-kl.ts, in its order:
 * `sparseVariationalDropoutKl(theta: usize, logSigma2: usize, partials: usize, b0: i32, b1: i32,
 *   n: i32, scratch: usize)`: the float64 sums of blocks [b0, b1) to partials[b0..b1), with the
 *   thread's scratch block.
 * @internal
 */
export const sparseVariationalDropoutKlArgs = argList(
  'sparseVariationalDropoutKl',
  ['theta', 'logSigma2', 'partials', 'b0', 'b1', 'n', 'scratch'],
  (v) => [v.theta, v.logSigma2, v.partials, v.b0, v.b1, v.n, v.scratch],
);

/**
 * The arguments of its gradient, in its order: `sparseVariationalDropoutKlBackward(theta: usize,
 * logSigma2: usize, grad: f32, dTheta: usize, dLogSigma2: usize, n: i32, scratch: usize)`.
 * @internal
 */
export const sparseVariationalDropoutKlBackwardArgs = argList(
  'sparseVariationalDropoutKlBackward',
  ['theta', 'logSigma2', 'grad', 'dTheta', 'dLogSigma2', 'n', 'scratch'],
  (v) => [v.theta, v.logSigma2, v.grad, v.dTheta, v.dLogSigma2, v.n, v.scratch],
);

/** The wasm `sparseVariationalDropoutKl` kernel: block sums split over threads. @internal */
export function wasmSparseVariationalDropoutKl(
  ctx: WasmContext,
): Backend['sparseVariationalDropoutKl'] {
  return (theta, logSigma2, out) =>
    runBlockSum(
      ctx,
      'sparseVariationalDropoutKl',
      [theta, logSigma2],
      out,
      ([thetaAt, logSigma2At], partials, b0, b1, scratch) =>
        sparseVariationalDropoutKlArgs.build({
          theta: thetaAt!,
          logSigma2: logSigma2At!,
          partials,
          b0,
          b1,
          n: theta.length,
          scratch,
        }),
      () => referenceBackend.sparseVariationalDropoutKl(theta, logSigma2, out),
    );
}

/** The wasm `sparseVariationalDropoutKlBackward` kernel: both gradients in one pass. @internal */
export function wasmSparseVariationalDropoutKlBackward(
  ctx: WasmContext,
): Backend['sparseVariationalDropoutKlBackward'] {
  return (theta, logSigma2, grad, dTheta, dLogSigma2) => {
    const n = theta.length;
    ctx.run(
      n > 0 && {
        kernel: 'sparseVariationalDropoutKlBackward',
        inputs: [theta, logSigma2],
        outputs: [dTheta, dLogSigma2],
        dispatch: ({ inputs: [thetaAt, logSigma2At], outputs: [dThetaAt, dLogSigma2At] }) =>
          elementDispatch(ctx, n, (s, e, scratch) =>
            sparseVariationalDropoutKlBackwardArgs.build({
              theta: thetaAt! + s * 4,
              logSigma2: logSigma2At! + s * 4,
              grad,
              dTheta: dThetaAt! + s * 4,
              dLogSigma2: dLogSigma2At! + s * 4,
              n: e - s,
              scratch,
            }),
          ),
      },
      () =>
        referenceBackend.sparseVariationalDropoutKlBackward(
          theta,
          logSigma2,
          grad,
          dTheta,
          dLogSigma2,
        ),
    );
  };
}
