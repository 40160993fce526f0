import type { Backend } from '../../backend.js';
import { referenceBackend } from '../../reference/index.js';
import type { WasmContext } from '../context.js';
import { geometryWords } from '../geometry.js';
import { planeDispatch } from '../pool-planes.js';
import type { Share } from '../threads.js';

/**
 * The arguments of assembly/avg-pool2d.ts's two kernels, in their order:
 * `avgPool2d(x: usize, out: usize, geo: usize, p0: i32, count: i32)` and
 * `avgPool2dBackward(grad: usize, dx: usize, geo: usize, p0: i32, count: i32)`: planes
 * [p0, p0 + count), read from `src` and written (or, backward, added) to `dst`.
 */
interface AvgPoolArgs {
  src: number;
  dst: number;
  geometry: number;
  p0: number;
  count: number;
}

function avgPoolArgs(a: AvgPoolArgs): Share {
  return [a.src, a.dst, a.geometry, a.p0, a.count];
}

/** The wasm `avgPool2d` kernel, split across threads by planes. @internal */
export function wasmAvgPool2d(ctx: WasmContext): Backend['avgPool2d'] {
  return (x, g, out) =>
    ctx.run(
      out.length > 0 && {
        kernel: 'avgPool2d',
        inputs: [x, geometryWords(g)],
        outputs: [out],
        dispatch: ({ inputs: [xAt, geometryAt], outputs: [outAt] }) =>
          planeDispatch(ctx, g, (p0, count) =>
            avgPoolArgs({ src: xAt!, dst: outAt!, geometry: geometryAt!, p0, count }),
          ),
      },
      () => referenceBackend.avgPool2d(x, g, out),
    );
}

/** The wasm gradient of avgPool2d, added onto dx in place. @internal */
export function wasmAvgPool2dBackward(ctx: WasmContext): Backend['avgPool2dBackward'] {
  return (grad, g, dx) =>
    ctx.run(
      grad.length > 0 && {
        kernel: 'avgPool2dBackward',
        inputs: [grad, dx, geometryWords(g)],
        inPlace: [[1, dx]],
        // Planes are disjoint in dx, so threads never add to the same element.
        dispatch: ({ inputs: [gradAt, dxAt, geometryAt] }) =>
          planeDispatch(ctx, g, (p0, count) =>
            avgPoolArgs({ src: gradAt!, dst: dxAt!, geometry: geometryAt!, p0, count }),
          ),
      },
      () => referenceBackend.avgPool2dBackward(grad, g, dx),
    );
}
