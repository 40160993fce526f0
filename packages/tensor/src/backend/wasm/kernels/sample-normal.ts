import type { Backend } from '../../backend.js';
import { referenceBackend } from '../../reference/index.js';
import { elementDispatch } from '../block-sums.js';
import { argList, type WasmContext } from '../context.js';

/**
 * The arguments of assembly/sample-normal.ts, in its order: `sampleNormal(mean: usize,
 * variance: usize, eps: usize, floor: f32, out: usize, twoSigma: usize, n: i32)` (a twoSigma of 0:
 * not wanted).
 * @internal
 */
export const sampleNormalArgs = argList(
  'sampleNormal',
  ['mean', 'variance', 'eps', 'floor', 'out', 'twoSigma', 'n'],
  (v) => [v.mean, v.variance, v.eps, v.floor, v.out, v.twoSigma, v.n],
);

/**
 * The wasm `sampleNormal` kernel: the sample and 2σ in one pass over big arrays split over the
 * threads (elementDispatch: ranges starting at multiples of 4). @internal
 */
export function wasmSampleNormal(ctx: WasmContext): Backend['sampleNormal'] {
  return (mean, variance, eps, floor, out, twoSigma) => {
    const n = mean.length;
    ctx.run(
      n > 0 && {
        kernel: 'sampleNormal',
        inputs: [mean, variance, eps],
        outputs: twoSigma ? [out, twoSigma] : [out],
        dispatch: ({ inputs: [meanAt, varianceAt, epsAt], outputs: [outAt, twoSigmaAt] }) =>
          elementDispatch(ctx, n, (from, to) =>
            sampleNormalArgs.build({
              mean: meanAt! + 4 * from,
              variance: varianceAt! + 4 * from,
              eps: epsAt! + 4 * from,
              floor: Math.fround(floor),
              out: outAt! + 4 * from,
              twoSigma: twoSigmaAt === undefined ? 0 : twoSigmaAt + 4 * from,
              n: to - from,
            }),
          ),
      },
      () => referenceBackend.sampleNormal(mean, variance, eps, floor, out, twoSigma),
    );
  };
}
