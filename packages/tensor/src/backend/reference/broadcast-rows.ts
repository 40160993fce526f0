import type { Shape } from '../../shape.js';

/**
 * Walks the output in row-major order, calling `row(offsets…, outOffset, n)` once per innermost
 * row with each operand's offset advanced by its broadcast strides.
 */
export function forEachRow(
  outShape: Shape,
  strides: readonly number[][],
  row: (
    offsets: readonly number[],
    outOffset: number,
    inner: number,
    innerStrides: readonly number[],
  ) => void,
): void {
  const rank = outShape.length;
  const size = outShape.reduce((n, d) => n * d, 1);
  if (size === 0) return;
  if (rank === 0) {
    row(
      strides.map(() => 0),
      0,
      1,
      strides.map(() => 0),
    );
    return;
  }
  const inner = outShape[rank - 1]!;
  const innerStrides = strides.map((s) => s[rank - 1]!);
  const index = new Array<number>(rank).fill(0);
  const offsets = strides.map(() => 0);
  for (let o = 0; o < size; o += inner) {
    row(offsets, o, inner, innerStrides);
    for (let d = rank - 2; d >= 0; d--) {
      index[d]!++;
      for (let k = 0; k < offsets.length; k++) offsets[k]! += strides[k]![d]!;
      if (index[d]! < outShape[d]!) break;
      for (let k = 0; k < offsets.length; k++) offsets[k]! -= strides[k]![d]! * index[d]!;
      index[d] = 0;
    }
  }
}
