import { greater, matmul, mul, sum, type Tensor } from '@lacuna/tensor';
import type { GradRule } from './rule.js';

// Gradient rule of @lacuna/tensor's ops/linear.ts: with y = act(Z), Z = x·Wᵀ + b,
//   dZ = dY ⊙ act'(Z)  (relu: [Z > 0] = [y > 0], read from the saved output),
//   dx = dZ·W,   dW = dZᵀ·x,   db = Σ_rows dZ.
// Each product reads its operands in place through matmul's transpose flags, as the matmul rule
// does, so the gradients have the bits of the separate matmul, add and relu rules.

/** Gradients of `linear(x, weight, bias, { activation })`. */
export const linearRule: GradRule<'linear'> = (g, node) => {
  const [x, weight, bias] = node.inputs as [Tensor, Tensor, Tensor | undefined];
  const { activation, output } = node.saved;
  const dz = activation === 'relu' ? mul(g, greater(output, 0)) : g;
  return [
    x.requiresGrad ? matmul(dz, weight) : null,
    weight.requiresGrad ? matmul(dz, x, { transA: true }) : null,
    ...(bias ? [bias.requiresGrad ? sum(dz, { axis: 0 }) : null] : []),
  ];
};
