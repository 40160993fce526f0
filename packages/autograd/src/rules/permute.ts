import { permute } from '@lacuna/tensor';
import type { GradRule } from './rule.js';

/** Permuting back with the inverse permutation. */
export const permuteRule: GradRule = (g, node) => {
  const perm = (node.saved as { perm: number[] }).perm;
  const inverse = new Array<number>(perm.length);
  perm.forEach((p, i) => {
    inverse[p] = i;
  });
  return [permute(g, inverse)];
};
