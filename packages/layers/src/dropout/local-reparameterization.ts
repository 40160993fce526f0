import {
  broadcastTo,
  type Generator,
  mul,
  sampleNormal,
  scaledSquare,
  type Tensor,
} from '@lacuna/tensor';

/** An affine map of a layer, `(x, weight, bias) ↦ x·weightᵀ + bias` or `conv(x, weight) + bias`. */
export type AffineMap = (x: Tensor, weight: Tensor, bias: Tensor | null) => Tensor;

/** Added to σ² before the square root, so √ has a finite gradient where σ² = 0 (an all-zero row). */
const VARIANCE_FLOOR = 1e-8;

/**
 * The local reparameterisation trick (Kingma, Salimans & Welling 2015) for weights
 * `w = θ·ξ`, `ξ ~ N(1, α)`: rather than sampling weights, sample each output of the affine map
 * `f` directly, `y = μ + σ·ε` with `μ = f(x, θ, b)`, `σ² = f(x², α⊙θ², none)`,
 * `σ = √(σ² + 10⁻⁸)` and one ε ~ N(0, 1) per output element drawn from `generator`. With
 * `generator` null it returns μ (the mean weights). `logAlpha` broadcasts against θ;
 * `weightsSquared`, when given, is α⊙θ² already computed (it is then used as is). Recorded for
 * autograd in x, θ, b and log α. @internal
 */
export function localReparameterization(
  f: AffineMap,
  x: Tensor,
  weight: Tensor,
  bias: Tensor | null,
  logAlpha: Tensor,
  generator: Generator | null,
  weightsSquared?: Tensor,
): Tensor {
  const mean = f(x, weight, bias);
  if (!generator) return mean;
  const variance = f(mul(x, x), weightsSquared ?? varianceWeights(weight, logAlpha), null);
  return sampleAround(mean, variance, generator);
}

/**
 * α⊙θ² = exp(log α)·θ² as one fused op (`scaledSquare`: one pass forward, one backward), log α
 * first broadcast to θ's shape when it is shared per unit or per layer (a copy forward, a sum
 * backward): fewer passes over the weights than exp, θ·θ and a broadcasting product, whose
 * backward takes four more.
 */
function varianceWeights(weight: Tensor, logAlpha: Tensor): Tensor {
  const perWeight =
    logAlpha.shape.length === weight.shape.length &&
    logAlpha.shape.every((d, i) => d === weight.shape[i]);
  return scaledSquare(weight, perWeight ? logAlpha : broadcastTo(logAlpha, weight.shape));
}

/**
 * One draw of N(mean, variance) per element: `mean + √(variance + 10⁻⁸)·ε`, ε ~ N(0, 1) from
 * `generator` (one key); the sampling step of every local reparameterisation. One fused op
 * (`sampleNormal`: the normal draw and one pass forward, two passes backward), with the bits of
 * the normal, add, sqrt, mul and add it replaces. @internal
 */
export function sampleAround(mean: Tensor, variance: Tensor, generator: Generator): Tensor {
  return sampleNormal(mean, variance, { generator, varianceFloor: VARIANCE_FLOOR });
}
