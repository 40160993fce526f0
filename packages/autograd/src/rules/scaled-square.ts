import { scaledSquareBackward } from '@lacuna/tensor';
import type { GradRule } from './rule.js';

// Gradient rule of @lacuna/tensor's ops/scaled-square.ts: out = e^s·x², so
//   dx = 2·e^s·x·g,  ds = e^s·x²·g.
// The op saved e^s·x and its output: one fused pass of two products, no exp, no read of x or s
// (and no division of the output by x, which would be 0/0 at 0).

/** Gradients of `scaledSquare(x, logScale)` with respect to x and the log scale. */
export const scaledSquareRule: GradRule<'scaledSquare'> = (g, node) =>
  scaledSquareBackward(g, node.saved.scaled, node.saved.output);
