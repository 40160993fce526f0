import { div, equal, mul, reshape, sum } from '@lacuna/tensor';
import { expandReduced, type GradRule } from './rule.js';

// Gradient rules of the reductions in @lacuna/tensor's ops/reduce.ts.

/** d sum = g broadcast over the reduced axes. */
export const sumRule: GradRule<'sum'> = (g, node) => {
  const x = node.inputs[0]!;
  return [expandReduced(g, x.shape, node.saved.axes)];
};

/** d mean = g / count broadcast over the reduced axes. */
export const meanRule: GradRule<'mean'> = (g, node) => {
  const x = node.inputs[0]!;
  const { axes, count } = node.saved;
  return [expandReduced(div(g, count), x.shape, axes)];
};

/** d max / d min: g split evenly among the elements equal to the extremum. */
export const extremumRule: GradRule<'max' | 'min'> = (g, node) => {
  const x = node.inputs[0]!;
  const { axes, output } = node.saved;
  const kept = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const hit = equal(x, reshape(output, kept));
  const ties = sum(hit, { axis: axes, keepDims: true });
  return [mul(expandReduced(g, x.shape, axes), div(hit, ties))];
};
