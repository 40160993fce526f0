import { type GaussianSaved, gaussianDropoutBackward } from '@lacuna/tensor';
import type { GradRule } from './rule.js';

/** d (x·ξ) = g·ξ, ξ regenerated from the key. */
export const gaussianDropoutRule: GradRule = (g, node) => [
  gaussianDropoutBackward(g, node.saved as unknown as GaussianSaved),
];
