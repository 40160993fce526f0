import { sparseVariationalDropoutKlBackward, type Tensor } from '@lacuna/tensor';
import type { GradRule } from './rule.js';

// Gradient rule of @lacuna/tensor's ops/sparse-variational-dropout-kl.ts: with
// l = clip(log σ² − log(θ² + 1e-16), −10, 10) and s = sigmoid(−k2 − k3·l),
//   dKL/dl = −k1·k3·s·(1 − s) − ½·sigmoid(−l),  dl/dlog σ² = 1,  dl/dθ = −2θ/(θ² + 1e-16),
// 0 where the clip is active. One fused kernel recomputes l from θ and log σ².

/** Gradients of `sparseVariationalDropoutKl(theta, logSigma2)` with respect to θ and log σ². */
export const sparseVariationalDropoutKlRule: GradRule<'sparseVariationalDropoutKl'> = (g, node) => {
  const [theta, logSigma2] = node.inputs as [Tensor, Tensor];
  return sparseVariationalDropoutKlBackward(g, theta, logSigma2);
};
