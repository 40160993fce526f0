import type { GradRule } from './rule.js';
import { timesUpstream } from './rule.js';

// Gradient rule of @lacuna/tensor's ops/sparse-variational-dropout-kl.ts: the forward kernel
// already wrote d(scale·Σ KL)/dθ and d(scale·Σ KL)/dlog σ² (the formula is there) and saved them;
// the rule scales them by the upstream gradient, or passes them on when that is 1.

/** Gradients of `sparseVariationalDropoutKl(theta, logSigma2, options)` with respect to θ and log σ². */
export const sparseVariationalDropoutKlRule: GradRule<'sparseVariationalDropoutKl'> = (g, node) => [
  timesUpstream(node.saved.dTheta, g),
  timesUpstream(node.saved.dLogSigma2, g),
];
