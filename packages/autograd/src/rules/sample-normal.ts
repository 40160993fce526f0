import { div, mul, type Tensor } from '@lacuna/tensor';
import type { GradRule } from './rule.js';

// Gradient rule of @lacuna/tensor's ops/sample-normal.ts: out = mean + σ·ε, σ = √(variance + floor),
//   dmean = g,  dvariance = g·ε / 2σ,
// from the ε and 2σ the forward pass saved: the products and quotient the composite add, mul and
// sqrt rules would form (sqrt's is g / (σ·2)), so the gradients have the composite's bits.

/** Gradients of `sampleNormal(mean, variance)` with respect to the mean and the variance. */
export const sampleNormalRule: GradRule<'sampleNormal'> = (g, node) => {
  const [mean, variance] = node.inputs as [Tensor, Tensor];
  const { eps, twoSigma } = node.saved;
  return [mean.requiresGrad ? g : null, variance.requiresGrad ? div(mul(g, eps), twoSigma) : null];
};
