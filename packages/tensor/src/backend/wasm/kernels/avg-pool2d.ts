import type { Backend } from '../../backend.js';
import { referenceBackend } from '../../reference/index.js';
import { argList, type WasmContext } from '../context.js';
import { geometryWords } from '../geometry.js';
import { planeDispatch } from '../pool-planes.js';

/**
 * The arguments of assembly/avg-pool2d.ts, in its order:
 * `avgPool2d(x: usize, out: usize, geo: usize, p0: i32, count: i32)`: planes [p0, p0 + count).
 * @internal
 */
export const avgPoolArgs = argList('avgPool2d', ['x', 'out', 'geo', 'p0', 'count'], (v) => [
  v.x,
  v.out,
  v.geo,
  v.p0,
  v.count,
]);

/**
 * The arguments of assembly/avg-pool2d.ts's gradient, in its order:
 * `avgPool2dBackward(grad: usize, dx: usize, geo: usize, p0: i32, count: i32)`: adds onto dx.
 * @internal
 */
export const avgPoolBackwardArgs = argList(
  'avgPool2dBackward',
  ['grad', 'dx', 'geo', 'p0', 'count'],
  (v) => [v.grad, v.dx, v.geo, v.p0, v.count],
);

/** The wasm `avgPool2d` kernel, split across threads by planes. @internal */
export function wasmAvgPool2d(ctx: WasmContext): Backend['avgPool2d'] {
  return (x, g, out) =>
    ctx.run(
      out.length > 0 && {
        kernel: 'avgPool2d',
        inputs: [x, geometryWords(g)],
        outputs: [out],
        dispatch({ inputs: [xAt, geometryAt], outputs: [outAt] }) {
          return planeDispatch(ctx, g, (p0, count) =>
            avgPoolArgs.build({ x: xAt!, out: outAt!, geo: geometryAt!, p0, count }),
          );
        },
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
        dispatch({ inputs: [gradAt, dxAt, geometryAt] }) {
          return planeDispatch(ctx, g, (p0, count) =>
            avgPoolBackwardArgs.build({ grad: gradAt!, dx: dxAt!, geo: geometryAt!, p0, count }),
          );
        },
      },
      () => referenceBackend.avgPool2dBackward(grad, g, dx),
    );
}
