import { dropoutBackward, greater, matmul, mul, sum, type Tensor } from '@lacuna/tensor';
import type { GradRule } from './rule.js';

// Gradient rule of @lacuna/tensor's ops/linear.ts: with y = drop(act(Z)), Z = x·Wᵀ + b,
//   dZ = dY ⊙ m·scale ⊙ act'(Z)   (the dropout mask regenerated from its key by dropoutBackward;
//                                  relu: act'(Z) = [y > 0], read from the saved output, since
//                                  y = relu(Z)·m·scale is positive exactly where Z > 0 and m = 1,
//                                  and the dropped entries are already 0),
//   dx = dZ·W,   dW = dZᵀ·x,   db = Σ_rows dZ.
// Each product reads its operands in place through matmul's transpose flags, as the matmul rule
// does, so the gradients have the bits of the separate matmul, add, relu and dropout rules. A
// gradient x or W gathered before (a weight also used elsewhere, such as a learned-rate layer's θ
// in its KL term) is added by the product itself (matmul's addend): no separate pass.

/** Gradients of `linear(x, weight, bias, { activation, dropout })`. */
export const linearRule: GradRule<'linear'> = (g, node, accumulated) => {
  const [x, weight, bias] = node.inputs as [Tensor, Tensor, Tensor | undefined];
  const { activation, output, dropout } = node.saved;
  const dropped = dropout ? dropoutBackward(g, dropout) : g;
  const dz = activation === 'relu' ? mul(dropped, greater(output, 0)) : dropped;
  return [
    x.requiresGrad ? matmul(dz, weight, { addend: accumulated?.take(0) }) : null,
    weight.requiresGrad ? matmul(dz, x, { transA: true, addend: accumulated?.take(1) }) : null,
    ...(bias ? [bias.requiresGrad ? sum(dz, { axis: 0 }) : null] : []),
  ];
};
