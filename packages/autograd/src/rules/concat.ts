import { slice } from '@lacuna/tensor';
import type { GradRule } from './rule.js';

// Gradient rule of @lacuna/tensor's ops/concat.ts; also the rule of stack, which is unsqueeze +
// concat.

/** Each input gets its own slab of g along the joined axis. */
export const concatRule: GradRule<'concat'> = (g, node) => {
  const { axis, sizes } = node.saved;
  let start = 0;
  return sizes.map((size) => {
    const ranges = g.shape.map((_, i) => (i === axis ? ([start, start + size] as const) : null));
    start += size;
    return slice(g, ranges);
  });
};
