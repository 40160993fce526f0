import type { GradRule } from './rule.js';
import { timesUpstream } from './rule.js';

// Gradient rule of @lacuna/tensor's ops/variational-dropout-kl.ts: the forward kernel already
// wrote d(scale·Σ KL)/dlog α (the formula is there) and saved it; the rule scales it by the
// upstream gradient, or passes it on when that is 1.

/** Gradient of `variationalDropoutKl(logAlpha, options)` with respect to log α. */
export const variationalDropoutKlRule: GradRule<'variationalDropoutKl'> = (g, node) => [
  timesUpstream(node.saved.dLogAlpha, g),
];
