import type { Backend } from '../../backend.js';
import { referenceBackend } from '../../reference/index.js';
import type { WasmContext } from '../context.js';
import { geometryWords } from '../geometry.js';
import { planeDispatch } from '../pool-planes.js';
import type { Share } from '../threads.js';

/**
 * The arguments of assembly/max-pool2d.ts, in its order:
 * `maxPool2d(x: usize, out: usize, argmax: usize, geo: usize, p0: i32, count: i32)`: planes
 * [p0, p0 + count).
 */
interface MaxPoolArgs {
  x: number;
  out: number;
  argmax: number;
  geometry: number;
  p0: number;
  count: number;
}

function maxPoolArgs(a: MaxPoolArgs): Share {
  return [a.x, a.out, a.argmax, a.geometry, a.p0, a.count];
}

/** The wasm `maxPool2d` kernel, split across threads by planes. @internal */
export function wasmMaxPool2d(ctx: WasmContext): Backend['maxPool2d'] {
  return (x, g, out, argmax) =>
    ctx.run(
      out.length > 0 && {
        kernel: 'maxPool2d',
        inputs: [x, geometryWords(g)],
        outputs: [out, argmax],
        dispatch: ({ inputs: [xAt, geometryAt], outputs: [outAt, argmaxAt] }) =>
          planeDispatch(ctx, g, (p0, count) =>
            maxPoolArgs({
              x: xAt!,
              out: outAt!,
              argmax: argmaxAt!,
              geometry: geometryAt!,
              p0,
              count,
            }),
          ),
      },
      () => referenceBackend.maxPool2d(x, g, out, argmax),
    );
}
