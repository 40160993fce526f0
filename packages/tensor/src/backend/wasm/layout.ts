import {
  BINARY_ADD,
  BINARY_DIV,
  BINARY_MAXIMUM,
  BINARY_MINIMUM,
  BINARY_MUL,
  BINARY_SUB,
  LAYOUT_COLUMN as COLUMN,
  LAYOUT_FULL as FULL,
  LAYOUT_GROUPED as GROUPED,
  REDUCE_MAX,
  REDUCE_MIN,
  REDUCE_SUM,
  LAYOUT_ROW as ROW,
  LAYOUT_SCALAR as SCALAR,
  UNARY_ABS,
  UNARY_EXP,
  UNARY_LOG,
  UNARY_LOG1P,
  UNARY_NEG,
  UNARY_RELU,
  UNARY_SIGMOID,
  UNARY_SQRT,
  UNARY_TANH,
} from '../../../assembly/codes.js';
import type { Shape } from '../../shape.js';
import type { BinaryOpName, ReduceOpName, UnaryOpName } from '../backend.js';

// The codes come from assembly/codes.ts, the file the kernels compile too.

/** Op codes of the wasm `binary` kernel (others run on the reference backend). @internal */
export const BINARY_OPS: Partial<Record<BinaryOpName, number>> = {
  add: BINARY_ADD,
  sub: BINARY_SUB,
  mul: BINARY_MUL,
  div: BINARY_DIV,
  maximum: BINARY_MAXIMUM,
  minimum: BINARY_MINIMUM,
};

/**
 * Op codes of the wasm `unary` kernel. neg/abs/relu/sqrt are exact in float32, so they match the
 * reference bit for bit; the transcendental ones are within {@link TRANSCENDENTAL_ULPS} of it.
 * @internal
 */
export const UNARY_OPS: Partial<Record<UnaryOpName, number>> = {
  neg: UNARY_NEG,
  abs: UNARY_ABS,
  relu: UNARY_RELU,
  sqrt: UNARY_SQRT,
  exp: UNARY_EXP,
  log: UNARY_LOG,
  log1p: UNARY_LOG1P,
  sigmoid: UNARY_SIGMOID,
  tanh: UNARY_TANH,
};

/** The unary ops whose wasm kernel computes rather than rounds: compute-bound, worth a second thread. @internal */
export const TRANSCENDENTAL_UNARY: ReadonlySet<number> = new Set([
  UNARY_EXP,
  UNARY_LOG,
  UNARY_LOG1P,
  UNARY_SIGMOID,
  UNARY_TANH,
]);

/**
 * The most float32 ulps by which the wasm exp/log/log1p/sigmoid/tanh differ from the reference
 * (Math.* in float64, rounded once), over normal results; held by transcendental.test.ts.
 * @internal
 */
export const TRANSCENDENTAL_ULPS = 2;

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
export const REDUCE_OPS: Record<ReduceOpName, number> = {
  sum: REDUCE_SUM,
  max: REDUCE_MAX,
  min: REDUCE_MIN,
};

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
