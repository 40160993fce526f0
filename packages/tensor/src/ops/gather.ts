import { ArgumentRangeError, DTypeError, fmtShape, ShapeError } from '../errors.js';
import { record } from '../record.js';
import { checkElementCount, normalizeAxis, sizeOf } from '../shape.js';
import { allocate } from '../storage.js';
import { Tensor } from '../tensor.js';
import { checkTensor } from './util.js';

/** What gather records: where each output element came from. */
export interface GatherSaved {
  /** Flat input index of each output element. */
  readonly sources: Int32Array;
}

/** What indexSelect records: the selected slices. */
export interface IndexSelectSaved {
  /** The selecting axis, non-negative. */
  readonly axis: number;
  /** The int32 indices as given (negative ones count from the end). */
  readonly indices: Tensor;
}

function checkIndices(op: string, indices: Tensor, bound: number): void {
  checkTensor(op, 'indices', indices);
  if (indices.dtype !== 'int32')
    throw new DTypeError(op, 'indices', `must have dtype int32, got ${indices.dtype}`);
  for (let i = 0; i < indices.size; i++) {
    const v = indices.storage[i]!;
    if (v < -bound || v >= bound) {
      throw new ArgumentRangeError(
        op,
        'indices',
        `must lie in [${-bound}, ${bound}) for an axis of size ${bound}, got ${v} at flat index ${i}`,
      );
    }
  }
}

/**
 * Picks whole slices along `axis` by index (NumPy's `take`, PyTorch's `index_select`): the
 * result has `indices.size` entries on that axis. Negative indices count from the end.
 *
 * @param x - Any tensor.
 * @param axis - The axis to index.
 * @param indices - 1-D int32.
 * @example
 * ```ts
 * import { indexSelect, tensor } from '@lacuna/tensor';
 * const x = tensor([[1, 2], [3, 4], [5, 6]]);
 * indexSelect(x, 0, tensor([2, 0], { dtype: 'int32' })).toArray(); // [[5, 6], [1, 2]]
 * ```
 */
export function indexSelect(x: Tensor, axis: number, indices: Tensor): Tensor {
  checkTensor('indexSelect', 'x', x);
  const ax = normalizeAxis('indexSelect', axis, x.rank);
  const n = x.shape[ax]!;
  checkIndices('indexSelect', indices, n);
  if (indices.rank !== 1)
    throw new ShapeError(
      'indexSelect',
      'indices',
      `must be 1-D, got shape ${fmtShape(indices.shape)}`,
    );
  const outer = sizeOf(x.shape.slice(0, ax));
  const inner = sizeOf(x.shape.slice(ax + 1));
  const k = indices.size;
  const shape = x.shape.map((d, i) => (i === ax ? k : d));
  checkElementCount('indexSelect', 'indices', shape);
  const out = new Tensor(allocate(x.dtype, outer * k * inner), shape, x.dtype);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < k; j++) {
      const idx = indices.storage[j]!;
      const src = (o * n + (idx < 0 ? idx + n : idx)) * inner;
      out.storage.set(x.storage.subarray(src, src + inner), (o * k + j) * inner);
    }
  }
  return record('indexSelect', [x], out, { axis: ax, indices });
}

/**
 * Gathers elements along `axis` (PyTorch's `gather`): `out[i][j][k] = x[index[i][j][k]][j][k]`
 * for axis 0, and so on. `indices` has x's rank; its size on every other axis must not exceed x's.
 *
 * @example
 * ```ts
 * import { gather, tensor } from '@lacuna/tensor';
 * const logp = tensor([[0.1, 0.9], [0.8, 0.2]]);
 * gather(logp, 1, tensor([[1], [0]], { dtype: 'int32' })).toArray(); // [[0.9], [0.8]]
 * ```
 */
export function gather(x: Tensor, axis: number, indices: Tensor): Tensor {
  checkTensor('gather', 'x', x);
  const ax = normalizeAxis('gather', axis, x.rank);
  checkIndices('gather', indices, x.shape[ax]!);
  if (indices.rank !== x.rank || indices.shape.some((d, i) => i !== ax && d > x.shape[i]!)) {
    throw new ShapeError(
      'gather',
      'indices',
      `must have rank ${x.rank} and sizes no larger than ${fmtShape(x.shape)} off axis ${ax}, got ${fmtShape(indices.shape)}`,
    );
  }
  const out = new Tensor(allocate(x.dtype, indices.size), indices.shape, x.dtype);
  const xStrides = x.shape.map((_, i) => sizeOf(x.shape.slice(i + 1)));
  const sources = new Int32Array(indices.size);
  const index = new Array<number>(indices.rank).fill(0);
  for (let f = 0; f < indices.size; f++) {
    let src = 0;
    for (let d = 0; d < indices.rank; d++) {
      let v = d === ax ? indices.storage[f]! : index[d]!;
      if (d === ax && v < 0) v += x.shape[ax]!;
      src += v * xStrides[d]!;
    }
    sources[f] = src;
    out.storage[f] = x.storage[src]!;
    for (let d = indices.rank - 1; d >= 0; d--) {
      index[d]!++;
      if (index[d]! < indices.shape[d]!) break;
      index[d] = 0;
    }
  }
  return record('gather', [x], out, { sources });
}
