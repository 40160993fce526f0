import { zeros } from '@lacuna/tensor';
import type { GradRule } from './rule.js';

// Gradient rule of @lacuna/tensor's ops/slice.ts.

/** Scatters g into zeros at the sliced positions. */
export const sliceRule: GradRule<'slice'> = (g, node) => {
  const x = node.inputs[0]!;
  const { ranges } = node.saved;
  // zeros() takes pooled memory inside a scope.
  const out = zeros(x.shape);
  const dx = out.storage;
  const strides = x.shape.map((_, i) => x.shape.slice(i + 1).reduce((a, d) => a * d, 1));
  const index = new Array<number>(g.rank).fill(0);
  for (let f = 0; f < g.size; f++) {
    let dst = 0;
    for (let d = 0; d < g.rank; d++)
      dst += (ranges[d]!.start + index[d]! * ranges[d]!.step) * strides[d]!;
    dx[dst] = g.storage[f]!;
    for (let d = g.rank - 1; d >= 0; d--) {
      index[d]!++;
      if (index[d]! < g.shape[d]!) break;
      index[d] = 0;
    }
  }
  return [out];
};
