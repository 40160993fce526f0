import { getBackend } from '../backend/registry.js';
import { ArgumentRangeError } from '../errors.js';
import { record } from '../record.js';
import { normalizeAxis, stridesOf } from '../shape.js';
import { allocateUnfilled } from '../storage.js';
import { Tensor } from '../tensor.js';
import { checkTensor } from './util.js';

/** What permute records: the permutation its gradient inverts. */
export interface PermuteSaved {
  /** Output axis i is input axis `perm[i]` (non-negative). */
  readonly perm: readonly number[];
}

/**
 * Reorders axes: output axis i is input axis `perm[i]` (a copy, contiguous).
 *
 * @param x - Any tensor.
 * @param perm - A permutation of 0..rank-1 (negative axes allowed).
 * @example
 * ```ts
 * import { permute, zeros } from '@lacuna/tensor';
 * permute(zeros([2, 3, 4]), [2, 0, 1]).shape; // [4, 2, 3]
 * ```
 */
export function permute(x: Tensor, perm: readonly number[]): Tensor {
  checkTensor('permute', 'x', x);
  if (!Array.isArray(perm as unknown) || perm.length !== x.rank) {
    throw new ArgumentRangeError(
      'permute',
      'perm',
      `must list all ${x.rank} axes, got ${JSON.stringify(perm)}`,
    );
  }
  const axes = perm.map((a) => normalizeAxis('permute', a, x.rank, 'perm'));
  if (new Set(axes).size !== axes.length) {
    throw new ArgumentRangeError(
      'permute',
      'perm',
      `must be a permutation of the axes, got ${JSON.stringify(perm)}`,
    );
  }
  const strides = stridesOf(x.shape);
  const shape = axes.map((a) => x.shape[a]!);
  const out = new Tensor(allocateUnfilled(x.dtype, x.size), shape, x.dtype);
  getBackend().copyStrided(
    x.storage,
    0,
    axes.map((a) => strides[a]!),
    shape,
    out.storage,
  );
  return record('permute', [x], out, { perm: axes });
}

/**
 * Swaps two axes (default: the last two, the matrix transpose). A copy.
 *
 * @example
 * ```ts
 * import { tensor, transpose } from '@lacuna/tensor';
 * transpose(tensor([[1, 2, 3]])).toArray(); // [[1], [2], [3]]
 * ```
 */
export function transpose(x: Tensor, axis0 = -2, axis1 = -1): Tensor {
  checkTensor('transpose', 'x', x);
  const a = normalizeAxis('transpose', axis0, x.rank, 'axis0');
  const b = normalizeAxis('transpose', axis1, x.rank, 'axis1');
  const perm = [...Array(x.rank).keys()];
  perm[a] = b;
  perm[b] = a;
  return permute(x, perm);
}
