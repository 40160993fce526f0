import {
  add,
  div,
  equal,
  greater,
  log,
  mul,
  neg,
  pow,
  sub,
  type Tensor,
  where,
} from '@lacuna/tensor';
import { type GradRule, sumToShape } from './rule.js';

// Gradient rules of the broadcasting binary ops in @lacuna/tensor's ops/binary.ts. Each input's
// gradient is summed back to that input's shape.

const inputs = (node: { inputs: readonly Tensor[] }) => node.inputs as [Tensor, Tensor];

/** Each input's gradient, computed only for inputs that require one (constants such as masks get null). */
const each = (a: Tensor, b: Tensor, da: () => Tensor, db: () => Tensor) => [
  a.requiresGrad ? sumToShape(da(), a.shape) : null,
  b.requiresGrad ? sumToShape(db(), b.shape) : null,
];

/** d(a+b) = (g, g) */
export const addRule: GradRule<'add'> = (g, node) => {
  const [a, b] = inputs(node);
  return each(
    a,
    b,
    () => g,
    () => g,
  );
};

/** d(a-b) = (g, -g) */
export const subRule: GradRule<'sub'> = (g, node) => {
  const [a, b] = inputs(node);
  return each(
    a,
    b,
    () => g,
    () => neg(g),
  );
};

/** d(a·b) = (g·b, g·a) */
export const mulRule: GradRule<'mul'> = (g, node) => {
  const [a, b] = inputs(node);
  return each(
    a,
    b,
    () => mul(g, b),
    () => mul(g, a),
  );
};

/** d(a/b) = (g/b, -g·a/b²) */
export const divRule: GradRule<'div'> = (g, node) => {
  const [a, b] = inputs(node);
  return each(
    a,
    b,
    () => div(g, b),
    () => neg(div(mul(g, a), mul(b, b))),
  );
};

/**
 * d aᵇ = (g·b·aᵇ⁻¹, g·aᵇ·ln a). The exponent's gradient is taken as 0 where a ≤ 0, where ln a is
 * undefined (PyTorch does the same at a = 0).
 */
export const powRule: GradRule<'pow'> = (g, node) => {
  const [a, b] = inputs(node);
  const da = mul(g, mul(b, pow(a, sub(b, 1))));
  const positive = greater(a, 0);
  const lnA = log(where(positive, a, 1));
  const db = mul(g, where(positive, mul(pow(a, b), lnA), 0));
  return [sumToShape(da, a.shape), sumToShape(db, b.shape)];
};

/** Where a and b tie, each gets half the gradient (as in PyTorch). */
function extremumRule(first: (a: Tensor, b: Tensor) => Tensor): GradRule<'maximum' | 'minimum'> {
  return (g, node) => {
    const [a, b] = inputs(node);
    const wa = add(first(a, b), mul(equal(a, b), 0.5)); // 1 where a wins, 0.5 on a tie, else 0
    const wb = sub(1, wa);
    return [sumToShape(mul(g, wa), a.shape), sumToShape(mul(g, wb), b.shape)];
  };
}

/** d max(a,b): g to the larger operand. */
export const maximumRule: GradRule<'maximum'> = extremumRule((a, b) => greater(a, b));

/** d min(a,b): g to the smaller operand. */
export const minimumRule: GradRule<'minimum'> = extremumRule((a, b) => greater(b, a));
