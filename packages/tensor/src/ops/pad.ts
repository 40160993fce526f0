import { ArgumentRangeError } from '../errors.js';
import { record } from '../record.js';
import { checkElementCount, sizeOf, stridesOf } from '../shape.js';
import { allocate } from '../storage.js';
import { Tensor } from '../tensor.js';
import { checkTensor } from './util.js';

/** What pad records: the padding its gradient cuts away. */
export interface PadSaved {
  /** `[before, after]` of every axis. */
  readonly pads: readonly (readonly [number, number])[];
}

/**
 * Pads with a constant: `pads[i] = [before, after]` elements on axis i (missing trailing axes get
 * none). A copy.
 *
 * @param x - Any tensor.
 * @param pads - Non-negative integer pairs, one per axis from the first.
 * @param value - Fill value, default 0.
 * @example
 * ```ts
 * import { pad, tensor } from '@lacuna/tensor';
 * pad(tensor([[1, 2]]), [[1, 0], [0, 1]]).toArray(); // [[0, 0, 0], [1, 2, 0]]
 * ```
 */
export function pad(x: Tensor, pads: readonly (readonly [number, number])[], value = 0): Tensor {
  checkTensor('pad', 'x', x);
  if (!Array.isArray(pads as unknown) || pads.length > x.rank) {
    throw new ArgumentRangeError(
      'pad',
      'pads',
      `must hold at most ${x.rank} [before, after] pairs, got ${JSON.stringify(pads)}`,
    );
  }
  const full = x.shape.map((_, i): readonly [number, number] => pads[i] ?? [0, 0]);
  full.forEach(([b, a], i) => {
    if (!Number.isInteger(b) || !Number.isInteger(a) || b < 0 || a < 0) {
      throw new ArgumentRangeError(
        'pad',
        `pads[${i}]`,
        `must be two non-negative integers, got ${JSON.stringify(pads[i])}`,
      );
    }
  });
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new ArgumentRangeError('pad', 'value', `must be a number, got ${String(value)}`);
  }
  const shape = x.shape.map((d, i) => d + full[i]![0] + full[i]![1]);
  checkElementCount('pad', 'pads', shape);
  const out = new Tensor(allocate(x.dtype, sizeOf(shape)), shape, x.dtype);
  out.storage.fill(value);
  const outStrides = stridesOf(shape);
  const offsets = full.reduce((o, [b], i) => o + b * outStrides[i]!, 0);
  // Copy x row by row (its last axis is contiguous in both).
  const inner = x.shape[x.rank - 1] ?? 1;
  const rows = x.rank === 0 ? 1 : x.size / Math.max(inner, 1);
  const index = new Array<number>(Math.max(x.rank - 1, 0)).fill(0);
  for (let r = 0; r < rows && inner > 0; r++) {
    let dst = offsets;
    for (let d = 0; d < index.length; d++) dst += index[d]! * outStrides[d]!;
    out.storage.set(x.storage.subarray(r * inner, (r + 1) * inner), dst);
    for (let d = index.length - 1; d >= 0; d--) {
      index[d]!++;
      if (index[d]! < x.shape[d]!) break;
      index[d] = 0;
    }
  }
  return record('pad', [x], out, { pads: full });
}
