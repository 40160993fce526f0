import { avgPool2dBackward } from '@lacuna/tensor';
import type { GradRule } from './rule.js';

// Gradient rule of @lacuna/tensor's ops/avg-pool2d.ts.

/** d avgPool2d: each output's gradient spreads evenly over its window. */
export const avgPool2dRule: GradRule<'avgPool2d'> = (g, node) => [
  avgPool2dBackward(g, node.saved.geometry),
];
