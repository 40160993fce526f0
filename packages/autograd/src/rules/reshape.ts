import { reshape } from '@lacuna/tensor';
import type { GradRule } from './rule.js';

// Also the rule of flatten, squeeze and unsqueeze, which are reshapes.

/** The gradient takes the input's shape back. */
export const reshapeRule: GradRule = (g, node) => [
  reshape(g, (node.saved as { inputShape: number[] }).inputShape),
];
