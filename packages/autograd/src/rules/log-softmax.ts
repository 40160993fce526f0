import { exp, mul, sub, sum } from '@lacuna/tensor';
import type { GradRule } from './rule.js';

// Gradient rule of @lacuna/tensor's ops/log-softmax.ts: with y = logSoftmax(x),
//   dx = g - softmax(x)·Σ g   (sum along the softmax axis).

/** Gradient of `logSoftmax(x, axis)`. */
export const logSoftmaxRule: GradRule<'logSoftmax'> = (g, node) => {
  const { axis, output } = node.saved;
  return [sub(g, mul(exp(output), sum(g, { axis, keepDims: true })))];
};
