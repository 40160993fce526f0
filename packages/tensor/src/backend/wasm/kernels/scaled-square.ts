import type { Backend } from '../../backend.js';
import { referenceBackend } from '../../reference/index.js';
import { elementDispatch } from '../block-sums.js';
import { argList, type WasmContext } from '../context.js';

/**
 * The arguments of assembly/scaled-square.ts, in its order:
 * `scaledSquare(x: usize, logScale: usize, out: usize, n: i32)`.
 * @internal
 */
export const scaledSquareArgs = argList('scaledSquare', ['x', 'logScale', 'out', 'n'], (v) => [
  v.x,
  v.logScale,
  v.out,
  v.n,
]);

/**
 * The arguments of its gradient, in its order:
 * `scaledSquareBackward(x: usize, logScale: usize, grad: usize, dx: usize, dLogScale: usize, n: i32)`.
 * @internal
 */
export const scaledSquareBackwardArgs = argList(
  'scaledSquareBackward',
  ['x', 'logScale', 'grad', 'dx', 'dLogScale', 'n'],
  (v) => [v.x, v.logScale, v.grad, v.dx, v.dLogScale, v.n],
);

// Both kernels compute an exp (~20 operations) per element, like unary's transcendental ops: big
// arrays split over the helper threads (elementDispatch: ranges starting at multiples of 4).

/** The wasm `scaledSquare` kernel. @internal */
export function wasmScaledSquare(ctx: WasmContext): Backend['scaledSquare'] {
  return (x, logScale, out) => {
    const n = x.length;
    ctx.run(
      n > 0 && {
        kernel: 'scaledSquare',
        inputs: [x, logScale],
        outputs: [out],
        dispatch: ({ inputs: [xAt, sAt], outputs: [outAt] }) =>
          elementDispatch(ctx, n, (from, to) =>
            scaledSquareArgs.build({
              x: xAt! + 4 * from,
              logScale: sAt! + 4 * from,
              out: outAt! + 4 * from,
              n: to - from,
            }),
          ),
      },
      () => referenceBackend.scaledSquare(x, logScale, out),
    );
  };
}

/** The wasm `scaledSquareBackward` kernel: both gradients in one pass. @internal */
export function wasmScaledSquareBackward(ctx: WasmContext): Backend['scaledSquareBackward'] {
  return (x, logScale, grad, dx, dLogScale) => {
    const n = x.length;
    ctx.run(
      n > 0 && {
        kernel: 'scaledSquareBackward',
        inputs: [x, logScale, grad],
        outputs: [dx, dLogScale],
        dispatch: ({ inputs: [xAt, sAt, gAt], outputs: [dxAt, dsAt] }) =>
          elementDispatch(ctx, n, (from, to) =>
            scaledSquareBackwardArgs.build({
              x: xAt! + 4 * from,
              logScale: sAt! + 4 * from,
              grad: gAt! + 4 * from,
              dx: dxAt! + 4 * from,
              dLogScale: dsAt! + 4 * from,
              n: to - from,
            }),
          ),
      },
      () => referenceBackend.scaledSquareBackward(x, logScale, grad, dx, dLogScale),
    );
  };
}
