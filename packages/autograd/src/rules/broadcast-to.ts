import { type GradRule, sumToShape } from './rule.js';

// Gradient rule of @lacuna/tensor's ops/broadcast-to.ts.

/** Broadcast copies sum back. */
export const broadcastToRule: GradRule<'broadcastTo'> = (g, node) => [
  sumToShape(g, node.inputs[0]!.shape),
];
