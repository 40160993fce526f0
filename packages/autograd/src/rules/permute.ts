import { permute } from '@lacuna/tensor';
import type { GradRule } from './rule.js';

// Gradient rule of @lacuna/tensor's ops/permute.ts; also the rule of transpose, which is a permute.

/** Permuting back with the inverse permutation. */
export const permuteRule: GradRule<'permute'> = (g, node) => {
  const { perm } = node.saved;
  const inverse = new Array<number>(perm.length);
  perm.forEach((p, i) => {
    inverse[p] = i;
  });
  return [permute(g, inverse)];
};
