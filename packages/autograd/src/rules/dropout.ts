import { dropoutBackward } from '@lacuna/tensor';
import type { GradRule } from './rule.js';

// Gradient rule of @lacuna/tensor's ops/dropout.ts: the same mask and scale as the forward pass,
// regenerated from the saved key by the same kernel (never re-drawn), so dx = g·m·scale exactly.

/** Gradient of `dropout(x, …)` in training. */
export const dropoutRule: GradRule<'dropout'> = (g, node) => [dropoutBackward(g, node.saved)];
