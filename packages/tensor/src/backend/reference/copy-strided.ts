import type { TypedArray } from '../../dtype.js';
import type { Shape } from '../../shape.js';

export function copyStrided(
  x: TypedArray,
  offset: number,
  strides: readonly number[],
  shape: Shape,
  out: TypedArray,
): void {
  const rank = shape.length;
  const size = out.length;
  if (size === 0) return;
  if (rank === 0) {
    out[0] = x[offset]!;
    return;
  }
  const inner = shape[rank - 1]!;
  const is = strides[rank - 1]!;
  const index = new Array<number>(rank).fill(0);
  let off = offset;
  for (let o = 0; o < size; o += inner) {
    if (is === 1) out.set(x.subarray(off, off + inner), o);
    else if (is === 0)
      out.fill(x[off]!, o, o + inner); // a broadcast row: one value repeated
    else for (let j = 0, p = off; j < inner; j++, p += is) out[o + j] = x[p]!;
    for (let d = rank - 2; d >= 0; d--) {
      index[d]!++;
      off += strides[d]!;
      if (index[d]! < shape[d]!) break;
      off -= strides[d]! * index[d]!;
      index[d] = 0;
    }
  }
}
