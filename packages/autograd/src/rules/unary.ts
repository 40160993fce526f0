import {
  add,
  addcmul,
  div,
  exp,
  greater,
  mul,
  neg,
  sub,
  type Tensor,
  zerosLike,
} from '@lacuna/tensor';
import type { GradRule } from './rule.js';

// Gradient rules of the elementwise ops in @lacuna/tensor's ops/unary.ts. `saved.output` is the
// op's result, which exp, sqrt, sigmoid and tanh differentiate through.

const x = (node: { inputs: readonly Tensor[] }) => node.inputs[0]!;
const y = (node: { saved: { readonly output: Tensor } }) => node.saved.output;

/** d(-x) = -g */
export const negRule: GradRule<'neg'> = (g) => [neg(g)];
/** d e^x = g·e^x, plus x's gradient gathered so far in the same pass (addcmul) when there is one. */
export const expRule: GradRule<'exp'> = (g, node, accumulated) => {
  const total = accumulated?.take(0);
  return [total ? addcmul(total, g, y(node)) : mul(g, y(node))];
};
/** d log x = g/x */
export const logRule: GradRule<'log'> = (g, node) => [div(g, x(node))];
/** d relu(x) = g·[x > 0] */
export const reluRule: GradRule<'relu'> = (g, node) => [mul(g, greater(x(node), 0))];
/** d √x = g/(2√x) */
export const sqrtRule: GradRule<'sqrt'> = (g, node) => [div(g, mul(y(node), 2))];
/** d|x| = g·sign(x) (0 at 0) */
export const absRule: GradRule<'abs'> = (g, node) => [mul(g, signOf(x(node)))];
/** d σ(x) = g·σ(x)(1-σ(x)) */
export const sigmoidRule: GradRule<'sigmoid'> = (g, node) => [
  mul(g, mul(y(node), sub(1, y(node)))),
];
/** d tanh x = g·(1 - tanh²x) */
export const tanhRule: GradRule<'tanh'> = (g, node) => [mul(g, sub(1, mul(y(node), y(node))))];

function signOf(t: Tensor): Tensor {
  return sub(greater(t, 0), greater(0, t));
}

/** d log(1+x) = g/(1+x) */
export const log1pRule: GradRule<'log1p'> = (g, node) => [div(g, add(x(node), 1))];
/** d sign(x) = 0 (almost everywhere) */
export const signRule: GradRule<'sign'> = (g) => [zerosLike(g)];
/** d erf(x) = g·(2/√π)·e^(-x²) */
export const erfRule: GradRule<'erf'> = (g, node) => [
  mul(g, mul(exp(neg(mul(x(node), x(node)))), 2 / Math.sqrt(Math.PI))),
];
