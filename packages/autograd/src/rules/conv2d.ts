import { conv2dBackwardInput, conv2dBackwardWeight, sum } from '@lacuna/tensor';
import type { GradRule } from './rule.js';

// Gradient rule of @lacuna/tensor's ops/conv2d.ts.

/** d conv2d = (col2im(Wᵀ·dY), Σ_n dY·im2col(x)ᵀ, Σ_{n,y,x} dY). */
export const conv2dRule: GradRule<'conv2d'> = (g, node) => {
  const [x, weight, bias] = node.inputs;
  const { config } = node.saved;
  return [
    x!.requiresGrad ? conv2dBackwardInput(g, weight!, config) : null,
    weight!.requiresGrad ? conv2dBackwardWeight(x!, g, config) : null,
    ...(bias ? [sum(g, { axis: [0, 2, 3] })] : []),
  ];
};
