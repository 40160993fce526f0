import { add, exp, type Generator, mul, normal, sqrt, type Tensor } from '@lacuna/tensor';

/** An affine map of a layer, `(x, weight, bias) ↦ x·weightᵀ + bias` or `conv(x, weight) + bias`. */
export type AffineMap = (x: Tensor, weight: Tensor, bias: Tensor | null) => Tensor;

/** Added to σ² before the square root, so √ has a finite gradient where σ² = 0 (an all-zero row). */
const VARIANCE_FLOOR = 1e-8;

/**
 * The local reparameterisation trick (Kingma, Salimans & Welling 2015) for weights
 * `w = θ·ξ`, `ξ ~ N(1, α)`: rather than sampling weights, sample each output of the affine map
 * `f` directly, `y = μ + σ·ε` with `μ = f(x, θ, b)`, `σ² = f(x², α⊙θ², none)`,
 * `σ = √(σ² + 10⁻⁸)` and one ε ~ N(0, 1) per output element drawn from `generator`. With
 * `generator` null it returns μ (the mean weights). `logAlpha` broadcasts against θ.
 * Recorded for autograd in x, θ, b and log α. @internal
 */
export function localReparameterization(
  f: AffineMap,
  x: Tensor,
  weight: Tensor,
  bias: Tensor | null,
  logAlpha: Tensor,
  generator: Generator | null,
): Tensor {
  const mean = f(x, weight, bias);
  if (!generator) return mean;
  const variance = f(mul(x, x), mul(exp(logAlpha), mul(weight, weight)), null);
  return sampleAround(mean, variance, generator);
}

/**
 * One draw of N(mean, variance) per element: `mean + √(variance + 10⁻⁸)·ε`, ε ~ N(0, 1) from
 * `generator` (one key); the sampling step of every local reparameterisation. @internal
 */
export function sampleAround(mean: Tensor, variance: Tensor, generator: Generator): Tensor {
  const eps = normal(mean.shape, { generator });
  return add(mean, mul(sqrt(add(variance, VARIANCE_FLOOR)), eps));
}

// Coefficients of the KL approximation of Kingma, Salimans & Welling (2015), eq. 7.
const C1 = 1.16145124;
const C2 = -1.50204118;
const C3 = 0.58629921;
/** The free constant of eq. 7, chosen so that KL(α = 1) = 0 and KL ≥ 0 on the allowed α ∈ (0, 1]. */
const KL_CONSTANT = -(C1 + C2 + C3);

/**
 * The KL term of variational dropout per α entry (Kingma et al. 2015, eq. 7), recorded for
 * autograd: `KL(α) ≈ −(0.5·log α + c1·α + c2·α² + c3·α³) + (c1 + c2 + c3)`. @internal
 */
export function variationalKl(logAlpha: Tensor): Tensor {
  const alpha = exp(logAlpha);
  const poly = mul(alpha, add(mul(alpha, add(mul(alpha, C3), C2)), C1)); // c1α + c2α² + c3α³
  return mul(add(add(mul(logAlpha, 0.5), poly), KL_CONSTANT), -1);
}
