import {
  avgPool2dBackward,
  type Conv2dConfig,
  type Conv2dGeometry,
  conv2dBackwardInput,
  conv2dBackwardWeight,
  maxPool2dBackward,
  sum,
} from '@lacuna/tensor';
import type { GradRule } from './rule.js';

// Gradient rules of @lacuna/tensor's ops/conv2d.ts and ops/pool.ts, each a call of the backward
// kernel the tensor package provides next to its forward.

/** d conv2d = (col2im(Wᵀ·dY), Σ_n dY·im2col(x)ᵀ, Σ_{n,y,x} dY). */
export const conv2dRule: GradRule = (g, node) => {
  const [x, weight, bias] = node.inputs;
  const config = node.saved.config as Conv2dConfig;
  return [
    x!.requiresGrad ? conv2dBackwardInput(g, weight!, config) : null,
    weight!.requiresGrad ? conv2dBackwardWeight(x!, g, config) : null,
    ...(bias ? [sum(g, { axis: [0, 2, 3] })] : []),
  ];
};

/** d maxPool2d: each output's gradient goes to its window's winner. */
export const maxPool2dRule: GradRule = (g, node) => [
  maxPool2dBackward(g, node.saved.argmax as Int32Array, node.inputs[0]!.shape),
];

/** d avgPool2d: each output's gradient spreads evenly over its window. */
export const avgPool2dRule: GradRule = (g, node) => [
  avgPool2dBackward(g, node.saved.geometry as Conv2dGeometry),
];
