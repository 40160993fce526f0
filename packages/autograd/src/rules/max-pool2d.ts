import { maxPool2dBackward } from '@lacuna/tensor';
import type { GradRule } from './rule.js';

// Gradient rule of @lacuna/tensor's ops/max-pool2d.ts.

/** d maxPool2d: each output's gradient goes to its window's winner. */
export const maxPool2dRule: GradRule<'maxPool2d'> = (g, node) => [
  maxPool2dBackward(g, node.saved.argmax, node.inputs[0]!.shape),
];
