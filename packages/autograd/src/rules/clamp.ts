import { greaterEqual, lessEqual, mul } from '@lacuna/tensor';
import type { GradRule } from './rule.js';

// Gradient rule of @lacuna/tensor's ops/clamp.ts.

/** d clamp(x, lo, hi) = g where lo ≤ x ≤ hi, else 0 (as in PyTorch). */
export const clampRule: GradRule<'clamp'> = (g, node) => {
  const x = node.inputs[0]!;
  const { min = -Infinity, max = Infinity } = node.saved;
  return [mul(g, mul(greaterEqual(x, min), lessEqual(x, max)))];
};
