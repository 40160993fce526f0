import { DTypeError, fmtShape, LacunaError, ShapeError } from '../errors.js';
import { record } from '../record.js';
import { checkElementCount, normalizeAxis, sizeOf } from '../shape.js';
import { allocate } from '../storage.js';
import { Tensor } from '../tensor.js';
import { unsqueeze } from './squeeze.js';
import { checkTensor } from './util.js';

/** What concat (and so stack) records: where each input's slab lies along the axis. */
export interface ConcatSaved {
  /** The joined axis, non-negative. */
  readonly axis: number;
  /** Each input's size along the axis, in order. */
  readonly sizes: readonly number[];
}

/**
 * Joins tensors along an existing axis; all other sizes and the dtype must match.
 *
 * @param tensors - One or more tensors.
 * @param axis - The axis to join along (default 0).
 * @example
 * ```ts
 * import { concat, tensor } from '@lacuna/tensor';
 * concat([tensor([[1, 2]]), tensor([[3, 4]])]).toArray();    // [[1, 2], [3, 4]]
 * concat([tensor([[1, 2]]), tensor([[3]])], 1).toArray();    // [[1, 2, 3]]
 * ```
 */
export function concat(tensors: readonly Tensor[], axis = 0): Tensor {
  if (!Array.isArray(tensors as unknown) || tensors.length === 0) {
    throw new LacunaError('concat', 'tensors', 'must be a non-empty array of tensors');
  }
  tensors.forEach((t, i) => {
    checkTensor('concat', `tensors[${i}]`, t);
  });
  const first = tensors[0]!;
  const ax = normalizeAxis('concat', axis, first.rank);
  tensors.forEach((t, i) => {
    if (t.dtype !== first.dtype)
      throw new DTypeError(
        'concat',
        `tensors[${i}]`,
        `has dtype ${t.dtype}, expected ${first.dtype}`,
      );
    const ok = t.rank === first.rank && t.shape.every((d, j) => j === ax || d === first.shape[j]);
    if (!ok) {
      throw new ShapeError(
        'concat',
        `tensors[${i}]`,
        `has shape ${fmtShape(t.shape)}, expected ${fmtShape(first.shape.map((d, j) => (j === ax ? -1 : d))).replace('-1', '*')}`,
      );
    }
  });
  const sizes = tensors.map((t) => t.shape[ax]!);
  const shape = first.shape.map((d, j) => (j === ax ? sizes.reduce((a, b) => a + b, 0) : d));
  checkElementCount('concat', 'tensors', shape);
  const out = new Tensor(allocate(first.dtype, sizeOf(shape)), shape, first.dtype);
  const outer = sizeOf(first.shape.slice(0, ax));
  const inner = sizeOf(first.shape.slice(ax + 1));
  const rowOut = shape[ax]! * inner;
  let offset = 0;
  for (const t of tensors) {
    const row = t.shape[ax]! * inner;
    for (let o = 0; o < outer; o++)
      out.storage.set(t.storage.subarray(o * row, (o + 1) * row), o * rowOut + offset);
    offset += row;
  }
  return record('concat', tensors, out, { axis: ax, sizes });
}

/**
 * Stacks same-shaped tensors along a new axis.
 *
 * @example
 * ```ts
 * import { stack, tensor } from '@lacuna/tensor';
 * stack([tensor([1, 2]), tensor([3, 4])], 1).toArray(); // [[1, 3], [2, 4]]
 * ```
 */
export function stack(tensors: readonly Tensor[], axis = 0): Tensor {
  if (!Array.isArray(tensors as unknown) || tensors.length === 0) {
    throw new LacunaError('stack', 'tensors', 'must be a non-empty array of tensors');
  }
  tensors.forEach((t, i) => {
    checkTensor('stack', `tensors[${i}]`, t);
    if (t.shape.join() !== tensors[0]!.shape.join()) {
      throw new ShapeError(
        'stack',
        `tensors[${i}]`,
        `has shape ${fmtShape(t.shape)}, expected ${fmtShape(tensors[0]!.shape)} like tensors[0]`,
      );
    }
  });
  const ax = normalizeAxis('stack', axis, tensors[0]!.rank + 1);
  return concat(
    tensors.map((t) => unsqueeze(t, ax)),
    ax,
  );
}
