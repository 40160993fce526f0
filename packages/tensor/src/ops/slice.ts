import { getBackend } from '../backend/registry.js';
import { ArgumentRangeError, ShapeError } from '../errors.js';
import { record } from '../record.js';
import { sizeOf, stridesOf } from '../shape.js';
import { allocateUnfilled } from '../storage.js';
import { Tensor } from '../tensor.js';
import { checkTensor } from './util.js';

/** One axis of a slice: `[start, end]` or `[start, end, step]` (Python's start:end:step), or null for all. */
export type SliceRange = readonly [number, number] | readonly [number, number, number] | null;

/** A slice of one axis with its bounds resolved against the shape. */
export interface ResolvedRange {
  /** First index taken (non-negative). */
  start: number;
  /** Distance between taken indices (positive). */
  step: number;
  /** Number of indices taken. */
  length: number;
}

/** What slice records: the resolved range of every axis, where its gradient scatters back. */
export interface SliceSaved {
  /** One resolved range per input axis. */
  readonly ranges: readonly ResolvedRange[];
}

/** Resolves ranges against a shape (negative indices count from the end). @internal */
export function resolveRanges(
  op: string,
  shape: readonly number[],
  ranges: readonly SliceRange[],
): ResolvedRange[] {
  if (!Array.isArray(ranges as unknown) || ranges.length > shape.length) {
    throw new ShapeError(
      op,
      'ranges',
      `must be an array of at most ${shape.length} ranges (one per axis), got ${JSON.stringify(ranges)}`,
    );
  }
  return shape.map((n, axis) => {
    const r = ranges[axis] ?? null;
    if (r === null) return { start: 0, step: 1, length: n };
    const [rawStart, rawEnd, step = 1] = r;
    if (!Number.isInteger(step) || step < 1) {
      throw new ArgumentRangeError(
        op,
        `ranges[${axis}]`,
        `step must be a positive integer, got ${step}`,
      );
    }
    const fix = (v: number, what: string) => {
      if (!Number.isInteger(v) || v < -n || v > n) {
        throw new ArgumentRangeError(
          op,
          `ranges[${axis}]`,
          `${what} must be an integer in [${-n}, ${n}] for an axis of size ${n}, got ${v}`,
        );
      }
      return v < 0 ? v + n : v;
    };
    const start = fix(rawStart, 'start');
    const end = fix(rawEnd, 'end');
    return { start, step, length: Math.max(0, Math.ceil((end - start) / step)) };
  });
}

/**
 * A sub-tensor: for each axis, `[start, end]` or `[start, end, step]` like Python's
 * `start:end:step` (negative indices count from the end; out-of-range indices are an error, not
 * clamped), or null to keep the whole axis. Missing trailing axes are kept whole. A copy.
 *
 * @example
 * ```ts
 * import { arange, reshape, slice } from '@lacuna/tensor';
 * const x = reshape(arange(12), [3, 4]);
 * slice(x, [[1, 3], [0, 4, 2]]).toArray(); // [[4, 6], [8, 10]]
 * slice(x, [null, [-1, 4]]).toArray();     // [[3], [7], [11]]
 * ```
 */
export function slice(x: Tensor, ranges: readonly SliceRange[]): Tensor {
  checkTensor('slice', 'x', x);
  const resolved = resolveRanges('slice', x.shape, ranges);
  const strides = stridesOf(x.shape);
  const shape = resolved.map((r) => r.length);
  const offset = resolved.reduce((o, r, i) => o + r.start * strides[i]!, 0);
  const out = new Tensor(allocateUnfilled(x.dtype, sizeOf(shape)), shape, x.dtype);
  getBackend().copyStrided(
    x.storage,
    offset,
    resolved.map((r, i) => r.step * strides[i]!),
    shape,
    out.storage,
  );
  return record('slice', [x], out, { ranges: resolved });
}
