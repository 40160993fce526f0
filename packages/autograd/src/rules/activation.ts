import { add, erf, exp, greater, mul, sigmoid, type Tensor, where } from '@lacuna/tensor';
import type { GradRule } from './rule.js';

// Gradient rules of @lacuna/tensor's ops/activation.ts.

const SELU_ALPHA = 1.6732632423543772;
const SELU_LAMBDA = 1.0507009873554805;
const x = (node: { inputs: readonly Tensor[] }) => node.inputs[0]!;

/** d leakyRelu = g·(x > 0 ? 1 : α) */
export const leakyReluRule: GradRule<'leakyRelu'> = (g, node) => [
  mul(g, where(greater(x(node), 0), 1, node.saved.alpha)),
];

/** d elu = g·(x > 0 ? 1 : α·eˣ) */
export const eluRule: GradRule<'elu'> = (g, node) => [
  mul(g, where(greater(x(node), 0), 1, mul(exp(x(node)), node.saved.alpha))),
];

/** d selu = g·λ·(x > 0 ? 1 : α·eˣ) */
export const seluRule: GradRule<'selu'> = (g, node) => [
  mul(g, where(greater(x(node), 0), SELU_LAMBDA, mul(exp(x(node)), SELU_LAMBDA * SELU_ALPHA))),
];

/** d gelu = g·(Φ(x) + x·φ(x)), Φ(x) = ½(1 + erf(x/√2)), φ(x) = e^(-x²/2)/√(2π). */
export const geluRule: GradRule<'gelu'> = (g, node) => {
  const v = x(node);
  const cdf = mul(add(erf(mul(v, Math.SQRT1_2)), 1), 0.5);
  const pdf = mul(exp(mul(mul(v, v), -0.5)), 1 / Math.sqrt(2 * Math.PI));
  return [mul(g, add(cdf, mul(v, pdf)))];
};

/** d softplus = g·σ(x) */
export const softplusRule: GradRule<'softplus'> = (g, node) => [mul(g, sigmoid(x(node)))];
