import type { Backend } from '../../backend.js';
import { referenceBackend } from '../../reference/index.js';
import { elementDispatch } from '../block-sums.js';
import { argList, type WasmContext } from '../context.js';

/**
 * The arguments of assembly/scaled-square.ts, in its order:
 * `scaledSquare(x: usize, logScale: usize, out: usize, scaled: usize, n: i32)` (scaled 0: not wanted).
 * @internal
 */
export const scaledSquareArgs = argList(
  'scaledSquare',
  ['x', 'logScale', 'out', 'scaled', 'n'],
  (v) => [v.x, v.logScale, v.out, v.scaled, v.n],
);

/**
 * The arguments of its gradient, in its order: `scaledSquareBackward(grad: usize, scaled: usize,
 * out: usize, dx: usize, dLogScale: usize, dxAddend: usize, dsAddend: usize, n: i32)` (an addend
 * 0: none).
 * @internal
 */
export const scaledSquareBackwardArgs = argList(
  'scaledSquareBackward',
  ['grad', 'scaled', 'out', 'dx', 'dLogScale', 'dxAddend', 'dsAddend', 'n'],
  (v) => [v.grad, v.scaled, v.out, v.dx, v.dLogScale, v.dxAddend, v.dsAddend, v.n],
);

/** Byte offset of element `from` of a staged array, 0 (not wanted) for an absent one. */
const offsetOr0 = (at: number | undefined, from: number) => (at === undefined ? 0 : at + 4 * from);

// The forward computes an exp (~20 operations) per element, like unary's transcendental ops, and
// the backward streams five arrays: big arrays split over the helper threads (elementDispatch:
// ranges starting at multiples of 4).

/** The wasm `scaledSquare` kernel, writing e^s·x too when `scaled` is given. @internal */
export function wasmScaledSquare(ctx: WasmContext): Backend['scaledSquare'] {
  return (x, logScale, out, scaled) => {
    const n = x.length;
    ctx.run(
      n > 0 && {
        kernel: 'scaledSquare',
        inputs: [x, logScale],
        outputs: scaled ? [out, scaled] : [out],
        dispatch: ({ inputs: [xAt, sAt], outputs: [outAt, scaledAt] }) =>
          elementDispatch(ctx, n, (from, to) =>
            scaledSquareArgs.build({
              x: xAt! + 4 * from,
              logScale: sAt! + 4 * from,
              out: outAt! + 4 * from,
              scaled: offsetOr0(scaledAt, from),
              n: to - from,
            }),
          ),
      },
      () => referenceBackend.scaledSquare(x, logScale, out, scaled),
    );
  };
}

/**
 * The wasm `scaledSquareBackward` kernel: both gradients in one pass from the saved e^s·x and
 * output, each with its addend added when given. @internal
 */
export function wasmScaledSquareBackward(ctx: WasmContext): Backend['scaledSquareBackward'] {
  return (grad, scaled, out, dx, dLogScale, dxAddend, dsAddend) => {
    const n = grad.length;
    const addends = [dxAddend, dsAddend].filter((a): a is Float32Array => a !== null);
    ctx.run(
      n > 0 && {
        kernel: 'scaledSquareBackward',
        inputs: [grad, scaled, out, ...addends],
        outputs: [dx, dLogScale],
        dispatch: ({ inputs: [gAt, scaledAt, outAt, ...addendsAt], outputs: [dxAt, dsAt] }) => {
          // The staged addends in order, the absent ones skipped.
          const dxAddendAt = dxAddend ? addendsAt[0] : undefined;
          const dsAddendAt = dsAddend ? addendsAt[addends.length - 1] : undefined;
          return elementDispatch(ctx, n, (from, to) =>
            scaledSquareBackwardArgs.build({
              grad: gAt! + 4 * from,
              scaled: scaledAt! + 4 * from,
              out: outAt! + 4 * from,
              dx: dxAt! + 4 * from,
              dLogScale: dsAt! + 4 * from,
              dxAddend: offsetOr0(dxAddendAt, from),
              dsAddend: offsetOr0(dsAddendAt, from),
              n: to - from,
            }),
          );
        },
      },
      () =>
        referenceBackend.scaledSquareBackward(grad, scaled, out, dx, dLogScale, dxAddend, dsAddend),
    );
  };
}
