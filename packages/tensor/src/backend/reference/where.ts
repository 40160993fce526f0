import type { TypedArray } from '../../dtype.js';
import { broadcastStrides } from '../../shape.js';
import type { WhereParams } from '../backend.js';
import { forEachRow } from './broadcast-rows.js';

export function where(
  cond: TypedArray,
  a: TypedArray,
  b: TypedArray,
  out: TypedArray,
  { condShape, aShape, bShape, outShape }: WhereParams,
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
