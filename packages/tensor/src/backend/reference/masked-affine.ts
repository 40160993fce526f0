import { broadcastStrides } from '../../shape.js';
import type { MaskedAffineParams } from '../backend.js';
import { forEachRow } from './broadcast-rows.js';

export function maskedAffine(
  x: Float32Array,
  mask: Uint8Array,
  out: Float32Array,
  { shape, maskShape, scale, shift, fill }: MaskedAffineParams,
): void {
  const strides = [broadcastStrides(shape, shape), broadcastStrides(maskShape, shape)];
  forEachRow(shape, strides, (off, o, inner, is) => {
    let px = off[0]!;
    let pm = off[1]!;
    for (let j = 0; j < inner; j++, px += is[0]!, pm += is[1]!)
      // x·0 keeps a NaN (or ±Infinity, as NaN) in a dropped element visible, as PyTorch does.
      out[o + j] = mask[pm] ? x[px]! * scale + shift : x[px]! * 0 + fill;
  });
}
