import { div, equal, mul, reshape, sum, type Tensor } from '@lacuna/tensor';
import { expandReduced, type GradRule } from './rule.js';

// Gradient rules of the reductions in @lacuna/tensor's ops/reduce.ts.

interface ReduceSaved {
  axes: number[];
  keepDims: boolean;
  count: number;
  output: Tensor;
}

const saved = (node: { saved: Readonly<Record<string, unknown>> }) =>
  node.saved as unknown as ReduceSaved;

/** d sum = g broadcast over the reduced axes. */
export const sumRule: GradRule = (g, node) => {
  const x = node.inputs[0]!;
  return [expandReduced(g, x.shape, saved(node).axes)];
};

/** d mean = g / count broadcast over the reduced axes. */
export const meanRule: GradRule = (g, node) => {
  const x = node.inputs[0]!;
  const { axes, count } = saved(node);
  return [expandReduced(div(g, count), x.shape, axes)];
};

/** d max / d min: g split evenly among the elements equal to the extremum. */
export const extremumRule: GradRule = (g, node) => {
  const x = node.inputs[0]!;
  const { axes, output } = saved(node);
  const kept = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const hit = equal(x, reshape(output, kept));
  const ties = sum(hit, { axis: axes, keepDims: true });
  return [mul(expandReduced(g, x.shape, axes), div(hit, ties))];
};
