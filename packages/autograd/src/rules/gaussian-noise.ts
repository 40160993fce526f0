import type { GradRule } from './rule.js';

// Gradient rule of @lacuna/tensor's ops/gaussian-noise.ts.

/** d (x + ε) = g. */
export const gaussianNoiseRule: GradRule<'gaussianNoise'> = (g) => [g];
