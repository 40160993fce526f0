import { scaledSquareBackward, type Tensor } from '@lacuna/tensor';
import type { GradRule } from './rule.js';

// Gradient rule of @lacuna/tensor's ops/scaled-square.ts: out = e^s·x², so
//   dx = 2·e^s·x·g,  ds = e^s·x²·g.
// One fused kernel recomputes e^s·x from the inputs (dividing the output by x would be 0/0 at 0).

/** Gradients of `scaledSquare(x, logScale)` with respect to x and the log scale. */
export const scaledSquareRule: GradRule<'scaledSquare'> = (g, node) => {
  const [x, logScale] = node.inputs as [Tensor, Tensor];
  return scaledSquareBackward(g, x, logScale);
};
