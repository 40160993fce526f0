import { maskedAffineBackward } from '@lacuna/tensor';
import type { GradRule } from './rule.js';

// Gradient rule of @lacuna/tensor's ops/masked-affine.ts.

/** d (m ? x·scale + shift : fill) = m ? g·scale : 0. */
export const maskedAffineRule: GradRule<'maskedAffine'> = (g, node) => {
  const { mask, scale } = node.saved;
  return [maskedAffineBackward(g, mask, scale)];
};
