import { maskedAffineBackward, type Tensor } from '@lacuna/tensor';
import type { GradRule } from './rule.js';

/** d (m ? x·scale + shift : fill) = m ? g·scale : 0. */
export const maskedAffineRule: GradRule = (g, node) => {
  const { mask, scale } = node.saved as { mask: Tensor; scale: number };
  return [maskedAffineBackward(g, mask, scale)];
};
