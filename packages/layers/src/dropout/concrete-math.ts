import { noGrad } from '@lacuna/autograd';
import {
  add,
  clamp,
  div,
  type Generator,
  log,
  mul,
  neg,
  type Shape,
  sigmoid,
  softplus,
  sub,
  sum,
  type Tensor,
  uniform,
} from '@lacuna/tensor';

// The math of Concrete dropout (Gal, Hron & Kendall 2017) as plain functions of tensors, so the
// layer stays short and gradcheck can reach the drop-rate logit and the wrapped weights directly.

/** Keeps log u and log(1−u) finite, as the reference code's eps = 1e-7 does. */
const NOISE_EPS = 1e-7;

/**
 * Logistic noise `log u − log(1−u)`, u ~ U(0, 1), of the given shape: the random part of the
 * concrete relaxation, recorded for no gradient. @internal
 */
export function logisticNoise(shape: Shape, generator: Generator): Tensor {
  return noGrad(() => {
    const u = clamp(uniform(shape, { generator }), NOISE_EPS, 1 - NOISE_EPS);
    return sub(log(u), log(sub(1, u)));
  });
}

/**
 * Applies a concrete drop mask: `x·(1 − z̃)/(1 − p)` with
 * `z̃ = sigmoid((log p − log(1−p) + noise)/t)` and `p = sigmoid(pLogit)`, so that
 * `log p − log(1−p)` is `pLogit` itself (no eps needed). `noise` (from {@link logisticNoise})
 * broadcasts against `x`. @internal
 */
export function concreteDrop(
  x: Tensor,
  pLogit: Tensor,
  noise: Tensor,
  temperature: number,
): Tensor {
  const dropped = sigmoid(div(add(pLogit, noise), temperature)); // z̃
  const keep = sigmoid(neg(pLogit)); // 1 − p
  return div(mul(x, sub(1, dropped)), keep);
}

/**
 * The regulariser of Concrete dropout as in the reference code, a float32 scalar:
 * `weightRegularizer·Σ W²/(1−p) + dropoutRegularizer·K·(p log p + (1−p) log(1−p))`, the sum of
 * squares running over every tensor in `weights`. @internal
 */
export function concreteRegularizer(
  pLogit: Tensor,
  weights: readonly Tensor[],
  inputDim: number,
  weightRegularizer: number,
  dropoutRegularizer: number,
): Tensor {
  const p = sigmoid(pLogit);
  const keep = sigmoid(neg(pLogit)); // 1 − p
  let squares: Tensor | number = 0;
  for (const w of weights) squares = add(squares, sum(mul(w, w)));
  const weightTerm = div(mul(squares, weightRegularizer), keep);
  // log p = −softplus(−logit), log(1−p) = −softplus(logit): finite for any logit.
  const negEntropy = neg(add(mul(p, softplus(neg(pLogit))), mul(keep, softplus(pLogit))));
  const dropoutTerm = mul(negEntropy, dropoutRegularizer * inputDim);
  return sum(add(weightTerm, dropoutTerm));
}
