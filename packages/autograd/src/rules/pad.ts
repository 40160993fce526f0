import { slice } from '@lacuna/tensor';
import type { GradRule } from './rule.js';

/** The gradient is g with the padding cut away. */
export const padRule: GradRule = (g, node) => {
  const x = node.inputs[0]!;
  const pads = (node.saved as { pads: [number, number][] }).pads;
  return [
    slice(
      g,
      x.shape.map((d, i) => [pads[i]![0], pads[i]![0] + d] as const),
    ),
  ];
};
