import { reshape } from '@lacuna/tensor';
import type { GradRule } from './rule.js';

// Gradient rule of @lacuna/tensor's ops/reshape.ts; also the rule of flatten, squeeze and
// unsqueeze, which are reshapes.

/** The gradient takes the input's shape back. */
export const reshapeRule: GradRule<'reshape'> = (g, node) => [reshape(g, node.saved.inputShape)];
