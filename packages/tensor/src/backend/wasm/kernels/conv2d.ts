import type { Backend, Conv2dParams } from '../../backend.js';
import { convSizes } from '../../conv-sizes.js';
import { referenceBackend } from '../../reference/index.js';
import {
  argList,
  type KernelCall,
  PARALLEL_MIN_MACS,
  split,
  type WasmContext,
} from '../context.js';
import { geometryWords } from '../geometry.js';

// The GEMM micro-tile width of assembly/matmul.ts: weight-gradient column splits fall on it.
const NR = 8;

/**
 * The arguments of assembly/conv2d.ts's forward pass, in its order:
 * `conv2d(x: usize, w: usize, out: usize, geo: usize, groups: i32, og: i32, n0: i32, count: i32,
 *   _cols: usize, scratch: usize)`: images [n0, n0 + count), `og` output channels per group.
 * @internal
 */
export const conv2dArgs = argList(
  'conv2d',
  ['x', 'w', 'out', 'geo', 'groups', 'og', 'n0', 'count', 'cols', 'scratch'],
  (v) => [v.x, v.w, v.out, v.geo, v.groups, v.og, v.n0, v.count, v.cols, v.scratch],
);

/**
 * The arguments of assembly/conv2d.ts's input gradient, in its order:
 * `conv2dBackwardInput(dy: usize, w: usize, dx: usize, geo: usize, groups: i32, og: i32, n0: i32,
 *   count: i32, cols: usize, scratch: usize)`; `cols` holds one image's column matrix.
 * @internal
 */
export const conv2dBackwardInputArgs = argList(
  'conv2dBackwardInput',
  ['dy', 'w', 'dx', 'geo', 'groups', 'og', 'n0', 'count', 'cols', 'scratch'],
  (v) => [v.dy, v.w, v.dx, v.geo, v.groups, v.og, v.n0, v.count, v.cols, v.scratch],
);

/**
 * The arguments of assembly/conv2d.ts's weight gradient, in its order:
 * `conv2dBackwardWeight(x: usize, dy: usize, dw: usize, geo: usize, groups: i32, og: i32,
 *   batch: i32, c0: i32, c1: i32, cols: usize, scratch: usize)`: columns [c0, c1) of dW.
 * @internal
 */
export const conv2dBackwardWeightArgs = argList(
  'conv2dBackwardWeight',
  ['x', 'dy', 'dw', 'geo', 'groups', 'og', 'batch', 'c0', 'c1', 'cols', 'scratch'],
  (v) => [v.x, v.dy, v.dw, v.geo, v.groups, v.og, v.batch, v.c0, v.c1, v.cols, v.scratch],
);

/**
 * A per-image conv kernel (forward or input gradient): images are split across threads, so
 * results do not depend on the split. The input gradient folds back from a column buffer per
 * thread; the forward pass gathers its columns while packing and needs none.
 */
function perImage(
  ctx: WasmContext,
  kernel: 'conv2d' | 'conv2dBackwardInput',
  input: Float32Array,
  weight: Float32Array,
  p: Conv2dParams,
  out: Float32Array,
): KernelCall {
  const { g, ck, plane, og } = convSizes(p);
  const helpers = ctx
    .helpersFor(g.batch * p.outChannels * plane * ck, PARALLEL_MIN_MACS)
    .slice(0, g.batch - 1);
  const colBytes = kernel === 'conv2d' ? 0 : ck * plane * 4;
  return {
    kernel,
    inputs: [input, weight, geometryWords(p.geometry)],
    outputs: [out],
    buffers: [...helpers.map(() => colBytes), colBytes],
    dispatch({ inputs: [inputAt, weightAt, geometryAt], outputs: [outAt], buffers: cols }) {
      return {
        shares: split(g.batch, helpers.length + 1, 1).map(([n0, n1], t) => {
          const common = {
            w: weightAt!,
            geo: geometryAt!,
            groups: p.groups,
            og,
            n0,
            count: n1 - n0,
          };
          const buffers = { cols: cols[t]!, scratch: ctx.scratch(t) };
          return kernel === 'conv2d'
            ? conv2dArgs.build({ x: inputAt!, out: outAt!, ...common, ...buffers })
            : conv2dBackwardInputArgs.build({ dy: inputAt!, dx: outAt!, ...common, ...buffers });
        }),
        helpers,
      };
    },
  };
}

/** The wasm `conv2d` kernel: implicit im2col + GEMM per image. @internal */
export function wasmConv2d(ctx: WasmContext): Backend['conv2d'] {
  return (x, weight, p, out) =>
    ctx.run(out.length > 0 && perImage(ctx, 'conv2d', x, weight, p, out), () =>
      referenceBackend.conv2d(x, weight, p, out),
    );
}

/** The wasm input gradient of conv2d: GEMM then col2im per image. @internal */
export function wasmConv2dBackwardInput(ctx: WasmContext): Backend['conv2dBackwardInput'] {
  return (grad, weight, p, dx) =>
    ctx.run(dx.length > 0 && perImage(ctx, 'conv2dBackwardInput', grad, weight, p, dx), () =>
      referenceBackend.conv2dBackwardInput(grad, weight, p, dx),
    );
}

/** The wasm weight gradient of conv2d: threads split the columns of dW. @internal */
export function wasmConv2dBackwardWeight(ctx: WasmContext): Backend['conv2dBackwardWeight'] {
  return (x, grad, p, dw) => {
    const { g, ck, plane, og } = convSizes(p);
    // Each element of dW still sums the images in order, whatever the split.
    const helpers = ctx.helpersFor(g.batch * p.outChannels * plane * ck, PARALLEL_MIN_MACS);
    const ranges = dw.length > 0 ? split(ck, helpers.length + 1, NR) : [];
    ctx.run(
      ranges.length > 0 && {
        kernel: 'conv2dBackwardWeight',
        inputs: [x, grad, geometryWords(p.geometry)],
        outputs: [dw],
        buffers: ranges.map(([c0, c1]) => (c1 - c0) * plane * 4),
        dispatch({ inputs: [xAt, gradAt, geometryAt], outputs: [dwAt], buffers: cols }) {
          return {
            shares: ranges.map(([c0, c1], t) =>
              conv2dBackwardWeightArgs.build({
                x: xAt!,
                dy: gradAt!,
                dw: dwAt!,
                geo: geometryAt!,
                groups: p.groups,
                og,
                batch: g.batch,
                c0,
                c1,
                cols: cols[t]!,
                scratch: ctx.scratch(t),
              }),
            ),
            helpers: helpers.slice(0, ranges.length - 1),
          };
        },
      },
      () => referenceBackend.conv2dBackwardWeight(x, grad, p, dw),
    );
  };
}
