import { ArgumentRangeError, fmtValue } from '../errors.js';
import { record } from '../record.js';
import type { Tensor } from '../tensor.js';
import { type UnarySaved, unaryKernel } from './unary.js';

/** What clamp records: the bounds it was given (absent when omitted) besides the output. */
export interface ClampSaved extends UnarySaved {
  /** The lower bound; −∞ when absent. */
  readonly min?: number;
  /** The upper bound; +∞ when absent. */
  readonly max?: number;
}

/**
 * Limits every element to [min, max] (either bound may be omitted). NaN stays NaN. The gradient
 * passes where the input lies inside the bounds.
 *
 * @param x - float32 input.
 * @param min - Lower bound, or undefined for none.
 * @param max - Upper bound, or undefined for none; must be ≥ min.
 * @example
 * ```ts
 * import { clamp, tensor } from '@lacuna/tensor';
 * clamp(tensor([-2, 0.5, 3]), 0, 1).toArray(); // [0, 0.5, 1]
 * ```
 */
export function clamp(x: Tensor, min?: number, max?: number): Tensor {
  for (const [name, v] of [
    ['min', min],
    ['max', max],
  ] as const) {
    if (v !== undefined && (typeof v !== 'number' || Number.isNaN(v))) {
      throw new ArgumentRangeError(
        'clamp',
        name,
        `must be a number or undefined, got ${fmtValue(v)}`,
      );
    }
  }
  if (min !== undefined && max !== undefined && min > max) {
    throw new ArgumentRangeError('clamp', 'max', `must be ≥ min = ${min}, got ${max}`);
  }
  const bounds = { ...(min === undefined ? {} : { min }), ...(max === undefined ? {} : { max }) };
  const out = unaryKernel('clamp', x, bounds);
  return record('clamp', [x], out, { ...bounds, output: out });
}
