import { gaussianDropoutBackward } from '@lacuna/tensor';
import type { GradRule } from './rule.js';

// Gradient rule of @lacuna/tensor's ops/gaussian-dropout.ts.

/** d (x·ξ) = g·ξ, ξ regenerated from the key. */
export const gaussianDropoutRule: GradRule<'gaussianDropout'> = (g, node) => [
  gaussianDropoutBackward(g, node.saved),
];
