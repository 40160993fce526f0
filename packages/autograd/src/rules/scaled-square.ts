import { scaledSquareBackward } from '@lacuna/tensor';
import type { GradRule } from './rule.js';

// Gradient rule of @lacuna/tensor's ops/scaled-square.ts: out = e^s·x², so
//   dx = 2·e^s·x·g,  ds = e^s·x²·g.
// The op saved e^s·x and its output: one fused pass of two products, no exp, no read of x or s
// (and no division of the output by x, which would be 0/0 at 0). The gradients x and s have
// gathered so far (VariationalLinear's θ from its mean path, log α from its KL term) are added
// in the same pass.

/** Gradients of `scaledSquare(x, logScale)` with respect to x and the log scale. */
export const scaledSquareRule: GradRule<'scaledSquare'> = (g, node, accumulated) =>
  scaledSquareBackward(g, node.saved.scaled, node.saved.output, {
    dxAddend: accumulated?.take(0),
    dsAddend: accumulated?.take(1),
  });
