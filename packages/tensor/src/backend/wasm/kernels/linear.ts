import type { Backend, LinearParams } from '../../backend.js';
import { referenceBackend } from '../../reference/index.js';
import { argList, PARALLEL_MIN_MACS, type WasmContext } from '../context.js';
import { productPieces } from './matmul.js';

/**
 * The arguments of assembly/linear.ts, in its order:
 * `linear(x: usize, w: usize, bias: usize, y: usize, ldy: i32, m: i32, n: i32, k: i32,
 *   relu: i32, keepThreshold: i32, scale: f32, k0: i32, k1: i32, first: i32, scratch: usize)`.
 * Pointers are byte offsets (bias 0 for none); ldy is in floats; keepThreshold 0 is no dropout,
 * `first` the dropout counter of the piece's first element.
 * @internal
 */
export const linearArgs = argList(
  'linear',
  [
    'x',
    'w',
    'bias',
    'y',
    'ldy',
    'm',
    'n',
    'k',
    'relu',
    'keepThreshold',
    'scale',
    'k0',
    'k1',
    'first',
    'scratch',
  ],
  (v) => [
    v.x,
    v.w,
    v.bias,
    v.y,
    v.ldy,
    v.m,
    v.n,
    v.k,
    v.relu,
    v.keepThreshold,
    v.scale,
    v.k0,
    v.k1,
    v.first,
    v.scratch,
  ],
);

/**
 * The wasm `linear` kernel: matmul's packed GEMM with the bias, activation and dropout applied to
 * each output tile as it is finished (assembly/epilogue.ts), split across threads like matmul;
 * dropout counters are flat output indices, so any split draws the same mask. @internal
 */
export function wasmLinear(ctx: WasmContext): Backend['linear'] {
  return (x, weight, bias, out, p: LinearParams) => {
    const { m, n, k, activation, dropout } = p;
    if (out.length === 0) return;
    ctx.run(
      {
        kernel: 'linear',
        inputs: bias ? [x, weight, bias] : [x, weight],
        outputs: [out],
        dispatch({ inputs: [xAt, wAt, bAt], outputs: [yAt] }) {
          const helpers = ctx.helpersFor(m * n * k, PARALLEL_MIN_MACS);
          const product = { batch: 1, m, n, k, transA: false, transB: true };
          const shares = productPieces(product, helpers.length + 1).map(
            ([, xOff, wOff, yOff, rows, cols], t) =>
              linearArgs.build({
                x: xAt! + xOff * 4,
                w: wAt! + wOff * 4,
                // A column piece starts at column yOff % n of the output, and of the bias.
                bias: bias ? bAt! + (yOff % n) * 4 : 0,
                y: yAt! + yOff * 4,
                ldy: n,
                m: rows,
                n: cols,
                k,
                relu: +(activation === 'relu'),
                keepThreshold: dropout ? dropout.keepThreshold : 0,
                scale: dropout ? dropout.scale : 1,
                k0: dropout ? dropout.key.lo | 0 : 0,
                k1: dropout ? dropout.key.hi | 0 : 0,
                first: yOff,
                scratch: ctx.scratch(t),
              }),
          );
          return { shares, helpers };
        },
      },
      () => referenceBackend.linear(x, weight, bias, out, p), // operands too big for the wasm memory
    );
  };
}
