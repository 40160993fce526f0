import type { Backend } from '../../backend.js';
import { referenceBackend } from '../../reference/index.js';
import { argList, type WasmContext } from '../context.js';
import { broadcastLayout } from '../layout.js';

/**
 * The arguments of assembly/masked-affine.ts, in its order:
 * `maskedAffine(x: usize, mask: usize, maskMode: i32, repeat: i32, out: usize, row0: i32,
 *   count: i32, cols: i32, scale: f64, shift: f64, fill: f64)`; the mask broadcasts by `maskMode`
 *   (layout.ts), a GROUPED mask row shared by `repeat` rows.
 * @internal
 */
export const maskedAffineArgs = argList(
  'maskedAffine',
  ['x', 'mask', 'maskMode', 'repeat', 'out', 'row0', 'count', 'cols', 'scale', 'shift', 'fill'],
  (v) => [
    v.x,
    v.mask,
    v.maskMode,
    v.repeat,
    v.out,
    v.row0,
    v.count,
    v.cols,
    v.scale,
    v.shift,
    v.fill,
  ],
);

/** The wasm `maskedAffine` kernel of the shared-mask dropouts. @internal */
export function wasmMaskedAffine(ctx: WasmContext): Backend['maskedAffine'] {
  return (x, mask, out, p) => {
    const { scale, shift, fill } = p;
    const layout = broadcastLayout([p.maskShape], p.shape, true);
    ctx.run(
      layout && {
        kernel: 'maskedAffine',
        inputs: [x, mask],
        outputs: [out],
        // Memory-bound: one thread, as binary.
        dispatch({ inputs: [xAt, maskAt], outputs: [outAt] }) {
          return ctx.alone(
            maskedAffineArgs.build({
              x: xAt!,
              mask: maskAt!,
              maskMode: layout.modes[0]!,
              repeat: layout.repeats[0]!,
              out: outAt!,
              row0: 0,
              count: layout.rows,
              cols: layout.cols,
              scale,
              shift,
              fill,
            }),
          );
        },
      },
      () => referenceBackend.maskedAffine(x, mask, out, p),
    );
  };
}
