import { slice } from '@lacuna/tensor';
import type { GradRule } from './rule.js';

// Gradient rule of @lacuna/tensor's ops/pad.ts.

/** The gradient is g with the padding cut away. */
export const padRule: GradRule<'pad'> = (g, node) => {
  const x = node.inputs[0]!;
  const { pads } = node.saved;
  return [
    slice(
      g,
      x.shape.map((d, i) => [pads[i]![0], pads[i]![0] + d] as const),
    ),
  ];
};
