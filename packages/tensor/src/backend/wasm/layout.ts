import type { Shape } from '../../shape.js';
import type { BinaryOpName, ReduceOpName, UnaryOpName } from '../backend.js';

/** Op codes of the wasm `binary` kernel (others run on the reference backend). @internal */
export const BINARY_OPS: Partial<Record<BinaryOpName, number>> = {
  add: 0,
  sub: 1,
  mul: 2,
  div: 3,
  maximum: 4,
  minimum: 5,
};

/** Op codes of the wasm `unary` kernel; each is exact in float32, so it matches the reference bit for bit. @internal */
export const UNARY_OPS: Partial<Record<UnaryOpName, number>> = {
  neg: 0,
  abs: 1,
  relu: 2,
  sqrt: 3,
};

/** How an operand covers the rows × cols output. @internal */
export const FULL = 0;
/** @internal */
export const ROW = 1;
/** @internal */
export const SCALAR = 2;
/** @internal */
export const COLUMN = 3;

/** The output seen as rows × cols, and how each operand broadcasts over it. @internal */
export interface BroadcastLayout {
  rows: number;
  cols: number;
  aMode: number;
  bMode: number;
}

const size = (shape: Shape) => shape.reduce((p, d) => p * d, 1);

/** Drops leading 1s, so [1, 1, 3] and [3] compare equal. */
function trim(shape: Shape): Shape {
  let i = 0;
  while (i < shape.length && shape[i] === 1) i++;
  return shape.slice(i);
}

function sameDims(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** The operand's mode for a given split of the output, or -1 when it is none of the four. */
function modeOf(shape: Shape, outShape: Shape, cols: number): number {
  const n = size(outShape);
  const s = size(shape);
  if (s === 1) return SCALAR;
  if (s === n) return FULL;
  const t = trim(shape);
  const lastOut = outShape[outShape.length - 1] ?? 1;
  if (s === cols && sameDims(t, trim(outShape.slice(outShape.length - t.length)))) return ROW;
  if (
    cols === lastOut &&
    s === n / cols &&
    t[t.length - 1] === 1 &&
    sameDims(trim(t.slice(0, -1)), trim(outShape.slice(0, -1)))
  ) {
    return COLUMN;
  }
  return -1;
}

/**
 * The common broadcasts (same shape, scalar, a trailing-dims row such as a bias, a keepdims
 * column) as a rows × cols layout the wasm kernel runs; undefined for any other broadcast.
 * @internal
 */
export function broadcastLayout(
  aShape: Shape,
  bShape: Shape,
  outShape: Shape,
): BroadcastLayout | undefined {
  const n = size(outShape);
  if (n === 0) return undefined;
  const sa = size(aShape);
  const sb = size(bShape);
  // A row operand fixes cols; otherwise the last output axis does.
  const rowSize = [sa, sb].find((s) => s !== 1 && s !== n);
  const candidates = [rowSize, outShape[outShape.length - 1] ?? 1];
  for (const cols of candidates) {
    if (!cols || n % cols !== 0) continue;
    const aMode = modeOf(aShape, outShape, cols);
    const bMode = modeOf(bShape, outShape, cols);
    if (aMode >= 0 && bMode >= 0) return { rows: n / cols, cols, aMode, bMode };
  }
  return undefined;
}

/** Op codes of the wasm `reduce` kernel. @internal */
export const REDUCE_OPS: Record<ReduceOpName, number> = { sum: 0, max: 1, min: 2 };

/**
 * x as [outer, size, inner] when the sorted `axes` form one contiguous block (the reductions
 * training uses: full sums, bias gradients, row sums); undefined otherwise.
 * @internal
 */
export function reduceBlock(
  shape: Shape,
  axes: readonly number[],
): { outer: number; size: number; inner: number } | undefined {
  if (axes.length === 0) return undefined;
  const first = axes[0]!;
  const last = axes[axes.length - 1]!;
  if (last - first + 1 !== axes.length) return undefined;
  return {
    outer: size(shape.slice(0, first)),
    size: size(shape.slice(first, last + 1)),
    inner: size(shape.slice(last + 1)),
  };
}
