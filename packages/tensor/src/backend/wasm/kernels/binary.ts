import type { Backend } from '../../backend.js';
import { referenceBackend } from '../../reference/index.js';
import { argList, type WasmContext } from '../context.js';
import { BINARY_OPS, broadcastLayout } from '../layout.js';

/**
 * The arguments of assembly/binary.ts, in its order:
 * `binary(op: i32, a: usize, aMode: i32, b: usize, bMode: i32, out: usize, row0: i32, count: i32,
 *   cols: i32)`; modes say how each operand broadcasts over the rows × cols output (layout.ts).
 * @internal
 */
export const binaryArgs = argList(
  'binary',
  ['op', 'a', 'aMode', 'b', 'bMode', 'out', 'row0', 'count', 'cols'],
  (v) => [v.op, v.a, v.aMode, v.b, v.bMode, v.out, v.row0, v.count, v.cols],
);

/** The wasm `binary` kernel: add/sub/mul/div/maximum/minimum of float32 operands in a rows × cols layout. @internal */
export function wasmBinary(ctx: WasmContext): Backend['binary'] {
  return (op, a, b, out, p) => {
    const { aShape, bShape, outShape } = p;
    const code = BINARY_OPS[op];
    const floats =
      a instanceof Float32Array && b instanceof Float32Array && out instanceof Float32Array;
    const layout =
      code !== undefined && floats ? broadcastLayout([aShape, bShape], outShape) : undefined;
    ctx.run(
      layout && {
        kernel: 'binary',
        inputs: [a, b],
        outputs: [out],
        // One thread: the pass is memory-bound, and waking a helper costs more than it saves.
        dispatch({ inputs: [aAt, bAt], outputs: [outAt] }) {
          return ctx.alone(
            binaryArgs.build({
              op: code!,
              a: aAt!,
              aMode: layout.modes[0]!,
              b: bAt!,
              bMode: layout.modes[1]!,
              out: outAt!,
              row0: 0,
              count: layout.rows,
              cols: layout.cols,
            }),
          );
        },
      },
      () => referenceBackend.binary(op, a, b, out, p),
    );
  };
}
