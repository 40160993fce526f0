import { zeros } from '@lacuna/tensor';
import type { GradRule } from './rule.js';

// Gradient rules of both ops of @lacuna/tensor's ops/gather.ts.

/** Scatter-add: each gathered element's gradient goes back to where it came from. */
export const gatherRule: GradRule<'gather'> = (g, node) => {
  const x = node.inputs[0]!;
  const { sources } = node.saved;
  // zeros() takes pooled memory inside a scope.
  const out = zeros(x.shape);
  const dx = out.storage;
  for (let f = 0; f < sources.length; f++) dx[sources[f]!]! += g.storage[f]!;
  return [out];
};

/** Index-add along the axis: repeated indices accumulate. */
export const indexSelectRule: GradRule<'indexSelect'> = (g, node) => {
  const x = node.inputs[0]!;
  const { axis, indices } = node.saved;
  const n = x.shape[axis]!;
  const inner = x.shape.slice(axis + 1).reduce((a, d) => a * d, 1);
  const outer = x.shape.slice(0, axis).reduce((a, d) => a * d, 1);
  const k = indices.size;
  const out = zeros(x.shape);
  const dx = out.storage;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < k; j++) {
      const idx = indices.storage[j]!;
      const dst = (o * n + (idx < 0 ? idx + n : idx)) * inner;
      const src = (o * k + j) * inner;
      for (let i = 0; i < inner; i++) dx[dst + i]! += g.storage[src + i]!;
    }
  }
  return [out];
};
