import { ArgumentRangeError, fmtShape, ShapeError } from './errors.js';

/** A tensor's shape: one non-negative integer size per dimension; `[]` is a scalar. */
export type Shape = readonly number[];

/** Number of elements of a shape (1 for a scalar). @internal */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major strides of a contiguous tensor of `shape`. @internal */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}

/**
 * The most elements one tensor may hold: 2³¹ − 1. Every JavaScript engine's typed arrays reach at
 * least this length, and int32 flat indices (argmax, gather, pooling) can address every element.
 * Engines differ above it (Node 20 stops at 2³² for bytes), so Lacuna does not go there.
 */
export const MAX_ELEMENTS = 2 ** 31 - 1;

/**
 * Checks that `shape` holds at most {@link MAX_ELEMENTS} elements, so that allocating it cannot
 * fail with the engine's bare `RangeError: Invalid typed array length`. Every op that allocates
 * from a caller's shape (or a shape derived from one) calls this first. @internal
 */
export function checkElementCount(op: string, argument: string, shape: Shape): void {
  const n = sizeOf(shape);
  // `!(n <= …)` also refuses NaN, the size of a shape such as [1e300, 1e300, 0].
  if (!(n <= MAX_ELEMENTS)) {
    throw new ArgumentRangeError(
      op,
      argument,
      `must give at most ${MAX_ELEMENTS} elements (2^31 - 1, what a typed array can hold on every ` +
        `engine), got shape ${fmtShape(shape)} with ${n} elements`,
    );
  }
}

/** Checks that `shape` is a list of non-negative integers whose tensor can be allocated. @internal */
export function checkShape(op: string, argument: string, shape: unknown): Shape {
  if (
    !Array.isArray(shape) ||
    !shape.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 0)
  ) {
    throw new ShapeError(
      op,
      argument,
      `must be an array of non-negative integers, got ${JSON.stringify(shape)}`,
    );
  }
  checkElementCount(op, argument, shape);
  return shape as Shape;
}

/**
 * The shape two shapes broadcast to, by NumPy's rules: align trailing dimensions; sizes must be
 * equal or one of them 1.
 *
 * @example
 * ```ts
 * import { broadcastShapes } from '@lacuna/tensor';
 * broadcastShapes([4, 1, 3], [5, 1]); // [4, 5, 3]
 * ```
 */
export function broadcastShapes(a: Shape, b: Shape, op = 'broadcastShapes'): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(
        op,
        'b',
        `has shape ${fmtShape(b)}, expected a shape broadcastable with ${fmtShape(a)} (dimension ${i - rank} is ${db}, not ${da} or 1)`,
      );
    }
    out[i] = da === 1 ? db : da;
  }
  checkElementCount(op, 'b', out);
  return out;
}

/** Turns a possibly negative axis into 0..rank-1, or throws. @internal */
export function normalizeAxis(op: string, axis: number, rank: number, argument = 'axis'): number {
  if (!Number.isInteger(axis) || axis < -Math.max(rank, 1) || axis >= Math.max(rank, 1)) {
    throw new ArgumentRangeError(
      op,
      argument,
      `must be an integer in [${-rank}, ${rank - 1}] for a tensor of rank ${rank}, got ${axis}`,
    );
  }
  return axis < 0 ? axis + rank : axis;
}

/** Normalises an axis list (undefined = all axes), rejecting repeats. @internal */
export function normalizeAxes(
  op: string,
  axes: number | readonly number[] | undefined,
  rank: number,
): number[] {
  if (axes === undefined) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axes === 'number' ? [axes] : axes;
  const out = list.map((a) => normalizeAxis(op, a, rank));
  if (new Set(out).size !== out.length) {
    throw new ArgumentRangeError(op, 'axis', `must not repeat an axis, got [${list.join(',')}]`);
  }
  return out.sort((x, y) => x - y);
}

/** Whether two shapes are equal. @internal */
export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Strides of `shape` aligned to `outShape`, 0 on the axes where it broadcasts. @internal */
export function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const rank = outShape.length;
  const strides = new Array<number>(rank).fill(0);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const o = rank - shape.length + i;
    strides[o] = shape[i] === 1 && outShape[o] !== 1 ? 0 : s;
    s *= shape[i]!;
  }
  return strides;
}
