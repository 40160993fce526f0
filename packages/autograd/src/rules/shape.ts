import { permute, reshape, slice, type Tensor, Tensor as TensorClass } from '@lacuna/tensor';
import { type GradRule, sumToShape } from './rule.js';

// Gradient rules of @lacuna/tensor's shape ops: ops/reshape.ts (reshape, flatten, squeeze and
// unsqueeze are reshapes), ops/permute.ts, ops/broadcast-to.ts, ops/slice.ts, ops/concat.ts
// (stack is unsqueeze + concat), ops/gather.ts and ops/pad.ts.

interface Range {
  start: number;
  step: number;
  length: number;
}

/** The gradient takes the input's shape back. */
export const reshapeRule: GradRule = (g, node) => [
  reshape(g, (node.saved as { inputShape: number[] }).inputShape),
];

/** Permuting back with the inverse permutation. */
export const permuteRule: GradRule = (g, node) => {
  const perm = (node.saved as { perm: number[] }).perm;
  const inverse = new Array<number>(perm.length);
  perm.forEach((p, i) => {
    inverse[p] = i;
  });
  return [permute(g, inverse)];
};

/** Broadcast copies sum back. */
export const broadcastToRule: GradRule = (g, node) => [sumToShape(g, node.inputs[0]!.shape)];

/** Scatters g into zeros at the sliced positions. */
export const sliceRule: GradRule = (g, node) => {
  const x = node.inputs[0]!;
  const ranges = (node.saved as { ranges: Range[] }).ranges;
  const dx = new Float32Array(x.size);
  const strides = x.shape.map((_, i) => x.shape.slice(i + 1).reduce((a, d) => a * d, 1));
  const index = new Array<number>(g.rank).fill(0);
  for (let f = 0; f < g.size; f++) {
    let dst = 0;
    for (let d = 0; d < g.rank; d++)
      dst += (ranges[d]!.start + index[d]! * ranges[d]!.step) * strides[d]!;
    dx[dst] = g.storage[f]!;
    for (let d = g.rank - 1; d >= 0; d--) {
      index[d]!++;
      if (index[d]! < g.shape[d]!) break;
      index[d] = 0;
    }
  }
  return [new TensorClass(dx, x.shape, 'float32')];
};

/** Each input gets its own slab of g along the joined axis. */
export const concatRule: GradRule = (g, node) => {
  const { axis, sizes } = node.saved as { axis: number; sizes: number[] };
  let start = 0;
  return sizes.map((size) => {
    const ranges = g.shape.map((_, i) => (i === axis ? ([start, start + size] as const) : null));
    start += size;
    return slice(g, ranges);
  });
};

/** Scatter-add: each gathered element's gradient goes back to where it came from. */
export const gatherRule: GradRule = (g, node) => {
  const x = node.inputs[0]!;
  const sources = (node.saved as { sources: Int32Array }).sources;
  const dx = new Float32Array(x.size);
  for (let f = 0; f < sources.length; f++) dx[sources[f]!]! += g.storage[f]!;
  return [new TensorClass(dx, x.shape, 'float32')];
};

/** Index-add along the axis: repeated indices accumulate. */
export const indexSelectRule: GradRule = (g, node) => {
  const x = node.inputs[0]!;
  const { axis, indices } = node.saved as { axis: number; indices: Tensor };
  const n = x.shape[axis]!;
  const inner = x.shape.slice(axis + 1).reduce((a, d) => a * d, 1);
  const outer = x.shape.slice(0, axis).reduce((a, d) => a * d, 1);
  const k = indices.size;
  const dx = new Float32Array(x.size);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < k; j++) {
      const idx = indices.storage[j]!;
      const dst = (o * n + (idx < 0 ? idx + n : idx)) * inner;
      const src = (o * k + j) * inner;
      for (let i = 0; i < inner; i++) dx[dst + i]! += g.storage[src + i]!;
    }
  }
  return [new TensorClass(dx, x.shape, 'float32')];
};

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
