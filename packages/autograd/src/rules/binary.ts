import { add, div, equal, greater, mul, neg, sub, type Tensor } from '@lacuna/tensor';
import { type GradRule, sumToShape } from './rule.js';

// Gradient rules of the broadcasting binary ops in @lacuna/tensor's ops/binary.ts. Each input's
// gradient is summed back to that input's shape.

const inputs = (node: { inputs: readonly Tensor[] }) => node.inputs as [Tensor, Tensor];

/** d(a+b) = (g, g) */
export const addRule: GradRule = (g, node) => {
  const [a, b] = inputs(node);
  return [sumToShape(g, a.shape), sumToShape(g, b.shape)];
};

/** d(a-b) = (g, -g) */
export const subRule: GradRule = (g, node) => {
  const [a, b] = inputs(node);
  return [sumToShape(g, a.shape), sumToShape(neg(g), b.shape)];
};

/** d(a·b) = (g·b, g·a) */
export const mulRule: GradRule = (g, node) => {
  const [a, b] = inputs(node);
  return [sumToShape(mul(g, b), a.shape), sumToShape(mul(g, a), b.shape)];
};

/** d(a/b) = (g/b, -g·a/b²) */
export const divRule: GradRule = (g, node) => {
  const [a, b] = inputs(node);
  return [sumToShape(div(g, b), a.shape), sumToShape(neg(div(mul(g, a), mul(b, b))), b.shape)];
};

/** Where a and b tie, each gets half the gradient (as in PyTorch). */
function extremumRule(first: (a: Tensor, b: Tensor) => Tensor): GradRule {
  return (g, node) => {
    const [a, b] = inputs(node);
    const wa = add(first(a, b), mul(equal(a, b), 0.5)); // 1 where a wins, 0.5 on a tie, else 0
    const wb = sub(1, wa);
    return [sumToShape(mul(g, wa), a.shape), sumToShape(mul(g, wb), b.shape)];
  };
}

/** d max(a,b): g to the larger operand. */
export const maximumRule: GradRule = extremumRule((a, b) => greater(a, b));

/** d min(a,b): g to the smaller operand. */
export const minimumRule: GradRule = extremumRule((a, b) => greater(b, a));
