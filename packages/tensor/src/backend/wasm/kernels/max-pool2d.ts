import type { Backend } from '../../backend.js';
import { referenceBackend } from '../../reference/index.js';
import { argList, type WasmContext } from '../context.js';
import { geometryWords } from '../geometry.js';
import { planeDispatch } from '../pool-planes.js';

/**
 * The arguments of assembly/max-pool2d.ts, in its order:
 * `maxPool2d(x: usize, out: usize, argmax: usize, geo: usize, p0: i32, count: i32)`: planes
 * [p0, p0 + count).
 * @internal
 */
export const maxPoolArgs = argList(
  'maxPool2d',
  ['x', 'out', 'argmax', 'geo', 'p0', 'count'],
  (v) => [v.x, v.out, v.argmax, v.geo, v.p0, v.count],
);

/** The wasm `maxPool2d` kernel, split across threads by planes. @internal */
export function wasmMaxPool2d(ctx: WasmContext): Backend['maxPool2d'] {
  return (x, g, out, argmax) =>
    ctx.run(
      out.length > 0 && {
        kernel: 'maxPool2d',
        inputs: [x, geometryWords(g)],
        outputs: [out, argmax],
        dispatch({ inputs: [xAt, geometryAt], outputs: [outAt, argmaxAt] }) {
          return planeDispatch(ctx, g, (p0, count) =>
            maxPoolArgs.build({
              x: xAt!,
              out: outAt!,
              argmax: argmaxAt!,
              geo: geometryAt!,
              p0,
              count,
            }),
          );
        },
      },
      () => referenceBackend.maxPool2d(x, g, out, argmax),
    );
}
