import type { TypedArray } from '../../dtype.js';
import { type Shape, sizeOf } from '../../shape.js';
import type { ReduceOpName } from '../backend.js';

export function reduce(
  op: ReduceOpName,
  x: TypedArray,
  shape: Shape,
  axes: readonly number[],
  out: TypedArray,
): void {
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
  outer: number,
  size: number,
  inner: number,
  out: Int32Array,
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

export function logSoftmax(
  x: Float32Array,
  outer: number,
  size: number,
  inner: number,
  out: Float32Array,
): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * size * inner + i;
      let max = -Infinity;
      for (let s = 0; s < size; s++) max = Math.max(max, x[base + s * inner]!);
      // All -inf (or empty): leave -inf rather than NaN from (-inf) - (-inf).
      const shift = Number.isFinite(max) ? max : 0;
      let sum = 0;
      for (let s = 0; s < size; s++) sum += Math.exp(x[base + s * inner]! - shift);
      const lse = shift + Math.log(sum);
      for (let s = 0; s < size; s++) out[base + s * inner] = x[base + s * inner]! - lse;
    }
  }
}
