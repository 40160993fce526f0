import { type Tensor, where } from '@lacuna/tensor';
import { type GradRule, sumToShape } from './rule.js';

// Gradient rule of @lacuna/tensor's ops/where.ts: the gradient goes to whichever operand was picked.

/** d where(c, a, b) = (g where c, g where not c) */
export const whereRule: GradRule<'where'> = (g, node) => {
  const [a, b] = node.inputs as [Tensor, Tensor];
  const { condition } = node.saved;
  return [sumToShape(where(condition, g, 0), a.shape), sumToShape(where(condition, 0, g), b.shape)];
};
