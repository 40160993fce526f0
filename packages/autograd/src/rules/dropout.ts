import { Tensor } from '@lacuna/tensor';
import type { GradRule } from './rule.js';

// Gradient rule of @lacuna/tensor's ops/dropout.ts: the same mask and scale as the forward pass,
// read from the saved one-byte-per-element mask (never re-drawn), so dx = g·m·scale exactly.

/** Gradient of `dropout(x, …)` in training. */
export const dropoutRule: GradRule = (g, node) => {
  const { mask, scale } = node.saved as { mask: Uint8Array; scale: number };
  const gs = g.storage as Float32Array;
  const out = new Float32Array(gs.length);
  for (let i = 0; i < out.length; i++) out[i] = mask[i] ? gs[i]! * scale : 0;
  return [new Tensor(out, g.shape, 'float32')];
};
