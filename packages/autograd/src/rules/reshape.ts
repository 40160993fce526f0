import { reshape } from '@lacuna/tensor';
import type { GradRule } from './rule.js';

// Gradient rule of @lacuna/tensor's ops/reshape.ts (flatten is a reshape too).

/** The gradient takes the input's shape back. */
export const reshapeRule: GradRule = (g, node) => [
  reshape(g, (node.saved as { inputShape: number[] }).inputShape),
];
