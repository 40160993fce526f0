import type { Conv2dGeometry } from '../backend.js';

/**
 * The i32 words of a conv/pool geometry block, in the order assembly/geometry.ts declares the
 * fields of its `Geometry` class (which reads the block in place); shared-codes.test.ts checks
 * that the two orders agree.
 * @internal
 */
export const GEOMETRY_FIELDS = [
  'channels',
  'inH',
  'inW',
  'kH',
  'kW',
  'strideH',
  'strideW',
  'padH',
  'padW',
  'dilationH',
  'dilationW',
  'outH',
  'outW',
] as const;

/** The geometry block the conv and pooling kernels read. @internal */
export function geometryWords(g: Conv2dGeometry): Int32Array {
  const word: Record<(typeof GEOMETRY_FIELDS)[number], number> = {
    channels: g.channels,
    inH: g.inH,
    inW: g.inW,
    kH: g.kH,
    kW: g.kW,
    strideH: g.stride[0],
    strideW: g.stride[1],
    padH: g.padding[0],
    padW: g.padding[1],
    dilationH: g.dilation[0],
    dilationW: g.dilation[1],
    outH: g.outH,
    outW: g.outW,
  };
  return Int32Array.from(GEOMETRY_FIELDS, (field) => word[field]);
}
