import { type Tensor, variationalDropoutKlBackward } from '@lacuna/tensor';
import type { GradRule } from './rule.js';

// Gradient rule of @lacuna/tensor's ops/variational-dropout-kl.ts: with α = exp(log α),
//   dKL/dlog α = −(½ + α·(c1 + 2c2·α + 3c3·α²)).
// One fused kernel recomputes α from log α.

/** Gradient of `variationalDropoutKl(logAlpha)` with respect to log α. */
export const variationalDropoutKlRule: GradRule<'variationalDropoutKl'> = (g, node) => {
  const [logAlpha] = node.inputs as [Tensor];
  return [variationalDropoutKlBackward(g, logAlpha)];
};
