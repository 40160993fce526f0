import { avgPool2dBackward, type Conv2dGeometry } from '@lacuna/tensor';
import type { GradRule } from './rule.js';

/** d avgPool2d: each output's gradient spreads evenly over its window. */
export const avgPool2dRule: GradRule = (g, node) => [
  avgPool2dBackward(g, node.saved.geometry as Conv2dGeometry),
];
