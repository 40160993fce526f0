import type { GradRule } from './rule.js';

/** d (x + ε) = g. */
export const gaussianNoiseRule: GradRule = (g) => [g];
