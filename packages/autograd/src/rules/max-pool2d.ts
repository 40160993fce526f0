import { maxPool2dBackward } from '@lacuna/tensor';
import type { GradRule } from './rule.js';

/** d maxPool2d: each output's gradient goes to its window's winner. */
export const maxPool2dRule: GradRule = (g, node) => [
  maxPool2dBackward(g, node.saved.argmax as Int32Array, node.inputs[0]!.shape),
];
