import type { Backend } from '../../backend.js';
import { referenceBackend } from '../../reference/index.js';
import { runBlockSum } from '../block-sums.js';
import { argList, type WasmContext } from '../context.js';

/**
 * The arguments of assembly/sparse-variational-dropout-kl.ts, in its order:
 * `sparseVariationalDropoutKl(theta: usize, logSigma2: usize, scale: f32, partials: usize,
 *   dTheta: usize, dLogSigma2: usize, sigma2: usize, b0: i32, b1: i32, n: i32, scratch: usize,
 *   counter: usize)`: the float64 sums of blocks [b0, b1), claimed from the shared i32 at
 *   `counter`, to their slots of partials, and the gradients and σ² of their weights (a 0
 *   pointer: not wanted), with the thread's scratch block.
 * @internal
 */
export const sparseVariationalDropoutKlArgs = argList(
  'sparseVariationalDropoutKl',
  [
    'theta',
    'logSigma2',
    'scale',
    'partials',
    'dTheta',
    'dLogSigma2',
    'sigma2',
    'b0',
    'b1',
    'n',
    'scratch',
    'counter',
  ],
  (v) => [
    v.theta,
    v.logSigma2,
    v.scale,
    v.partials,
    v.dTheta,
    v.dLogSigma2,
    v.sigma2,
    v.b0,
    v.b1,
    v.n,
    v.scratch,
    v.counter,
  ],
);

/**
 * The wasm `sparseVariationalDropoutKl` kernel: block sums, gradients and σ² in one pass, split over
 * threads. @internal
 */
export function wasmSparseVariationalDropoutKl(
  ctx: WasmContext,
): Backend['sparseVariationalDropoutKl'] {
  return (theta, logSigma2, scale, out, dTheta, dLogSigma2, sigma2) =>
    runBlockSum(
      ctx,
      'sparseVariationalDropoutKl',
      [theta, logSigma2],
      [dTheta, dLogSigma2, sigma2],
      scale,
      out,
      ({
        inputsAt: [thetaAt, logSigma2At],
        outputsAt: [dThetaAt, dLogSigma2At, sigma2At],
        ...at
      }) =>
        sparseVariationalDropoutKlArgs.build({
          theta: thetaAt!,
          logSigma2: logSigma2At!,
          scale,
          partials: at.partialsAt,
          dTheta: dThetaAt!,
          dLogSigma2: dLogSigma2At!,
          sigma2: sigma2At!,
          b0: at.b0,
          b1: at.b1,
          n: theta.length,
          scratch: at.scratch,
          counter: at.counter,
        }),
      () =>
        referenceBackend.sparseVariationalDropoutKl(
          theta,
          logSigma2,
          scale,
          out,
          dTheta,
          dLogSigma2,
          sigma2,
        ),
    );
}
