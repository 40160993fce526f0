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

// How an operand covers the rows × cols output (the codes assembly/elementwise.ts reads).
const FULL = 0; // rows × cols, like the output
const ROW = 1; // cols values shared by every row (a bias)
const SCALAR = 2; // one value
const COLUMN = 3; // one value per row (a keepdims reduction)
const GROUPED = 4; // a row shared by `repeat` consecutive rows (a middle-axis broadcast); maskedAffine only

/** The output seen as rows × cols, and how each operand broadcasts over it. @internal */
export interface BroadcastLayout {
  rows: number;
  cols: number;
  /** One mode per operand: FULL, ROW, SCALAR, COLUMN (or GROUPED when allowed). */
  modes: number[];
  /** Per operand, the rows that share one GROUPED row (1 otherwise). */
  repeats: number[];
}

const size = (shape: Shape) => shape.reduce((p, d) => p * d, 1);

/**
 * How `shape` covers the output split after axis `d - 1` (cols = the product of the axes from d),
 * with the rows sharing a GROUPED row; mode -1 when it fits none.
 */
function modeAt(shape: Shape, outShape: Shape, d: number, grouped: boolean): [number, number] {
  const n = size(outShape);
  const s = size(shape);
  if (s === n) return [FULL, 1];
  if (s === 1) return [SCALAR, 1];
  const rank = outShape.length;
  const padded = [...new Array<number>(rank - shape.length).fill(1), ...shape];
  if (padded.every((v, i) => (i < d ? v === 1 : v === outShape[i]))) return [ROW, 1];
  if (padded.every((v, i) => (i < d ? v === outShape[i] : v === 1))) return [COLUMN, 1];
  // GROUPED: kept leading axes [0, a), broadcast axes [a, d), kept trailing axes [d, rank).
  for (let a = 1; grouped && a < d; a++) {
    const fits = padded.every((v, i) => (i >= a && i < d ? v === 1 : v === outShape[i]));
    if (fits) return [GROUPED, size(outShape.slice(a, d))];
  }
  return [-1, 1];
}

/**
 * The broadcasts the wasm kernels run (same shape, scalar, a trailing block such as a bias, a
 * leading block such as a per-channel or per-sample mask, and with `grouped` a middle-axis
 * broadcast such as a locked-dropout mask) as a rows × cols layout; undefined for any other
 * broadcast. Prefers the longest rows.
 * @internal
 */
export function broadcastLayout(
  shapes: readonly Shape[],
  outShape: Shape,
  grouped = false,
): BroadcastLayout | undefined {
  const n = size(outShape);
  if (n === 0) return undefined;
  for (let d = 0; d <= outShape.length; d++) {
    const fits = shapes.map((shape) => modeAt(shape, outShape, d, grouped));
    if (fits.every(([mode]) => mode >= 0)) {
      const cols = size(outShape.slice(d));
      return { rows: n / cols, cols, modes: fits.map(([m]) => m), repeats: fits.map(([, r]) => r) };
    }
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
