import { mul, type Tensor } from '@lacuna/tensor';
import type { GradRule } from './rule.js';

// Gradient rule of @lacuna/tensor's ops/addcmul.ts: out = input + a·b (no broadcasting), so
//   d input = g,  d a = g·b,  d b = g·a.

/** Gradients of `addcmul(input, a, b)`: each product only where its input needs a gradient. */
export const addcmulRule: GradRule<'addcmul'> = (g, node) => {
  const [input, a, b] = node.inputs as [Tensor, Tensor, Tensor];
  return [
    input.requiresGrad ? g : null,
    a.requiresGrad ? mul(g, b) : null,
    b.requiresGrad ? mul(g, a) : null,
  ];
};
