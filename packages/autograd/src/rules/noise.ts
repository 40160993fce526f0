import {
  type GaussianSaved,
  gaussianDropoutBackward,
  maskedAffineBackward,
  type Tensor,
} from '@lacuna/tensor';
import type { GradRule } from './rule.js';

// Gradient rules of @lacuna/tensor's ops/noise.ts. Each regenerates or reuses what the forward
// pass kept (a key, a bool mask), never draws new noise.

/** d (x·ξ) = g·ξ, ξ regenerated from the key. */
export const gaussianDropoutRule: GradRule = (g, node) => [
  gaussianDropoutBackward(g, node.saved as unknown as GaussianSaved),
];

/** d (x + ε) = g. */
export const gaussianNoiseRule: GradRule = (g) => [g];

/** d (m ? x·scale + shift : fill) = m ? g·scale : 0. */
export const maskedAffineRule: GradRule = (g, node) => {
  const { mask, scale } = node.saved as { mask: Tensor; scale: number };
  return [maskedAffineBackward(g, mask, scale)];
};
