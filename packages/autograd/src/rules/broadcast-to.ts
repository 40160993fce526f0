import { type GradRule, sumToShape } from './rule.js';

/** Broadcast copies sum back. */
export const broadcastToRule: GradRule = (g, node) => [sumToShape(g, node.inputs[0]!.shape)];
