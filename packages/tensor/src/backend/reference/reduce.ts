import type { TypedArray } from '../../dtype.js';
import { type Shape, sizeOf } from '../../shape.js';
import type { AxisParams, ReduceOpName } from '../backend.js';

/**
 * Fast paths for the reductions training uses most: the reduced axes form one contiguous block,
 * so x is [outer, reduced, inner] with the kept axes outside the block. A full sum has
 * outer = inner = 1; a bias gradient (the batch axis of [N, F]) has outer = 1, inner = F.
 * Returns false when the axes are not contiguous.
 */
function reduceBlock(
  op: ReduceOpName,
  x: TypedArray,
  shape: Shape,
  axes: readonly number[],
  out: TypedArray,
): boolean {
  const first = axes[0]!;
  const last = axes[axes.length - 1]!;
  if (last - first + 1 !== axes.length) return false;
  const outer = sizeOf(shape.slice(0, first));
  const size = sizeOf(shape.slice(first, last + 1));
  const inner = sizeOf(shape.slice(last + 1));
  const start = op === 'sum' ? 0 : op === 'max' ? -Infinity : Infinity;
  if (inner === 1) {
    for (let o = 0; o < outer; o++) {
      let acc = start;
      const base = o * size;
      if (op === 'sum') for (let k = 0; k < size; k++) acc += x[base + k]!;
      else if (op === 'max') for (let k = 0; k < size; k++) acc = Math.max(acc, x[base + k]!);
      else for (let k = 0; k < size; k++) acc = Math.min(acc, x[base + k]!);
      out[o] = acc;
    }
    return true;
  }
  // Accumulate whole rows of `inner` elements, in float64.
  const acc = new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    acc.fill(start);
    for (let k = 0; k < size; k++) {
      const base = (o * size + k) * inner;
      if (op === 'sum') for (let i = 0; i < inner; i++) acc[i]! += x[base + i]!;
      else if (op === 'max')
        for (let i = 0; i < inner; i++) acc[i] = Math.max(acc[i]!, x[base + i]!);
      else for (let i = 0; i < inner; i++) acc[i] = Math.min(acc[i]!, x[base + i]!);
    }
    for (let i = 0; i < inner; i++) out[o * inner + i] = acc[i]!;
  }
  return true;
}

export function reduce(
  op: ReduceOpName,
  x: TypedArray,
  shape: Shape,
  axes: readonly number[],
  out: TypedArray,
): void {
  if (axes.length > 0 && reduceBlock(op, x, shape, axes, out)) return;
  // For each output position, walk its reduced block with an odometer over the reduced axes.
  // Sums accumulate in float64 so long reductions stay accurate in float32.
  const rank = shape.length;
  const reduced = new Set(axes);
  const keptAxes = [...Array(rank).keys()].filter((d) => !reduced.has(d));
  const strides = new Array<number>(rank);
  for (let d = rank - 1, s = 1; d >= 0; d--) {
    strides[d] = s;
    s *= shape[d]!;
  }
  const redSize = sizeOf(axes.map((d) => shape[d]!));
  const keptIndex = new Array<number>(keptAxes.length).fill(0);
  const redIndex = new Array<number>(axes.length).fill(0);
  for (let o = 0; o < out.length; o++) {
    let off = 0;
    for (let j = 0; j < keptAxes.length; j++) off += keptIndex[j]! * strides[keptAxes[j]!]!;
    let acc = op === 'sum' ? 0 : op === 'max' ? -Infinity : Infinity;
    redIndex.fill(0);
    for (let r = 0; r < redSize; r++) {
      const v = x[off]!;
      if (op === 'sum') acc += v;
      else if (op === 'max') acc = Math.max(acc, v);
      else acc = Math.min(acc, v);
      for (let j = axes.length - 1; j >= 0; j--) {
        const d = axes[j]!;
        redIndex[j]!++;
        off += strides[d]!;
        if (redIndex[j]! < shape[d]!) break;
        off -= strides[d]! * redIndex[j]!;
        redIndex[j] = 0;
      }
    }
    out[o] = acc;
    for (let j = keptAxes.length - 1; j >= 0; j--) {
      keptIndex[j]!++;
      if (keptIndex[j]! < shape[keptAxes[j]!]!) break;
      keptIndex[j] = 0;
    }
  }
}

export function argReduce(
  op: 'max' | 'min',
  x: TypedArray,
  out: Int32Array,
  { outer, size, inner }: AxisParams,
): void {
  const sign = op === 'max' ? 1 : -1;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * size * inner + i;
      let best = 0;
      let bestValue = sign * x[base]!;
      for (let k = 1; k < size && !Number.isNaN(bestValue); k++) {
        const v = sign * x[base + k * inner]!;
        if (v > bestValue || Number.isNaN(v)) {
          best = k;
          bestValue = v;
        }
      }
      out[o * inner + i] = best;
    }
  }
}
