import type { TypedArray } from '../../dtype.js';
import { broadcastStrides, type Shape } from '../../shape.js';
import { forEachRow } from './broadcast-rows.js';

export function where(
  cond: TypedArray,
  condShape: Shape,
  a: TypedArray,
  aShape: Shape,
  b: TypedArray,
  bShape: Shape,
  out: TypedArray,
  outShape: Shape,
): void {
  const strides = [
    broadcastStrides(condShape, outShape),
    broadcastStrides(aShape, outShape),
    broadcastStrides(bShape, outShape),
  ];
  forEachRow(outShape, strides, (off, o, inner, is) => {
    let pc = off[0]!;
    let pa = off[1]!;
    let pb = off[2]!;
    for (let j = 0; j < inner; j++, pc += is[0]!, pa += is[1]!, pb += is[2]!)
      out[o + j] = cond[pc] ? a[pa]! : b[pb]!;
  });
}
