import { getBackend } from '../backend/registry.js';
import { fmtShape, ShapeError } from '../errors.js';
import { checkOptionKeys, optionBoolean, optionKeys } from '../options.js';
import { record } from '../record.js';
import { checkElementCount } from '../shape.js';
import { allocateUnfilled } from '../storage.js';
import { Tensor } from '../tensor.js';
import { checkFloat, checkFloatOfShape } from './util.js';

/** What matmul records: the transpose flags (inputs: its operands, then the addend if any). */
export interface MatmulSaved {
  /** A was used transposed. */
  readonly transA: boolean;
  /** B was used transposed. */
  readonly transB: boolean;
}

/** Options of {@link matmul}. */
export interface MatmulOptions {
  /** Use A transposed (its last two axes swapped) without copying it. */
  transA?: boolean;
  /** Use B transposed (its last two axes swapped) without copying it. */
  transB?: boolean;
  /**
   * Added to the product: float32, exactly the result's shape (no broadcasting). On the wasm
   * backend the sum is formed as each output tile is stored, not in a second pass over the result.
   */
  addend?: Tensor;
}

const MATMUL_KEYS = optionKeys<MatmulOptions>({ transA: true, transB: true, addend: true });

/**
 * Matrix product `op(A) · op(B)`, plus an optional addend D; `op` transposes the last two axes
 * when its flag is set.
 *
 * 2-D: A is [m, k] (or [k, m] with `transA`), B is [k, n] (or [n, k] with `transB`), the result is
 * [m, n]. Batched: A and B are [batch, ·, ·] with equal batch sizes, or one of them 2-D and shared
 * by every batch element. The transposed forms read the operand in place, which is what backward
 * passes need (`dA = dC·Bᵀ`, `dB = Aᵀ·dC`).
 *
 * With `addend` D, the result is `op(A)·op(B) + D`: each element is the product's float32 value
 * plus D's, rounded once, bit for bit `add(D, matmul(a, b))`, without the second pass over the
 * result (gradient accumulation: `dW_total = dW_other + Gᵀ·X` in one product). The addend's
 * gradient is the output gradient.
 *
 * @param a - float32, rank 2 or 3.
 * @param b - float32, rank 2 or 3.
 * @param options - `transA`, `transB` (default false) and `addend` (float32, the result's shape).
 * @throws ShapeError for operands that do not multiply or an addend of another shape; DTypeError
 *   for a non-float32 operand or addend.
 * @example
 * ```ts
 * import { matmul, tensor } from '@lacuna/tensor';
 * const a = tensor([[1, 2], [3, 4]]);
 * matmul(a, a).toArray();                  // [[7, 10], [15, 22]]
 * matmul(a, a, { transB: true }).toArray(); // [[5, 11], [11, 25]] (A·Aᵀ)
 * matmul(a, a, { addend: tensor([[1, 1], [1, 1]]) }).toArray(); // [[8, 11], [16, 23]]
 * ```
 */
export function matmul(a: Tensor, b: Tensor, options: MatmulOptions = {}): Tensor {
  checkFloat('matmul', 'a', a);
  checkFloat('matmul', 'b', b);
  checkOptionKeys('matmul', options, MATMUL_KEYS);
  const transA = optionBoolean('matmul', 'transA', options.transA, false);
  const transB = optionBoolean('matmul', 'transB', options.transB, false);
  for (const [name, t] of [
    ['a', a],
    ['b', b],
  ] as const) {
    if (t.rank !== 2 && t.rank !== 3) {
      throw new ShapeError('matmul', name, `must have rank 2 or 3, got shape ${fmtShape(t.shape)}`);
    }
  }
  const [ar, ac] = a.shape.slice(-2) as [number, number];
  const [br, bc] = b.shape.slice(-2) as [number, number];
  const [m, k] = transA ? [ac, ar] : [ar, ac];
  const [kb, n] = transB ? [bc, br] : [br, bc];
  if (k !== kb) {
    throw new ShapeError(
      'matmul',
      'b',
      `has shape ${fmtShape(b.shape)}${transB ? ' (transposed)' : ''}: its rows must equal the ${k} columns of a${transA ? ' (transposed)' : ''} ${fmtShape(a.shape)}, got ${kb}`,
    );
  }
  const batchA = a.rank === 3 ? a.shape[0]! : 1;
  const batchB = b.rank === 3 ? b.shape[0]! : 1;
  if (a.rank === 3 && b.rank === 3 && batchA !== batchB) {
    throw new ShapeError('matmul', 'b', `has batch size ${batchB}, expected ${batchA} to match a`);
  }
  const batch = Math.max(batchA, batchB);
  const shape = a.rank === 3 || b.rank === 3 ? [batch, m, n] : [m, n];
  checkElementCount('matmul', 'b', shape);
  const addend =
    options.addend === undefined
      ? null
      : checkFloatOfShape('matmul', 'addend', options.addend, shape, "the result's");
  const d = addend ? (addend.storage as Float32Array) : null;
  const out = new Tensor(allocateUnfilled('float32', batch * m * n), shape, 'float32');
  const backend = getBackend();
  if (batchA === batchB) {
    backend.matmul(
      a.storage as Float32Array,
      b.storage as Float32Array,
      out.storage as Float32Array,
      {
        batch,
        m,
        n,
        k,
        transA,
        transB,
      },
      d,
    );
  } else {
    // One side is shared across the batch: run one product per batch element on subarray views.
    for (let i = 0; i < batch; i++) {
      const as = (a.storage as Float32Array).subarray(
        batchA === 1 ? 0 : i * m * k,
        (batchA === 1 ? 0 : i * m * k) + m * k,
      );
      const bs = (b.storage as Float32Array).subarray(
        batchB === 1 ? 0 : i * k * n,
        (batchB === 1 ? 0 : i * k * n) + k * n,
      );
      const piece = [i * m * n, (i + 1) * m * n] as const;
      backend.matmul(
        as,
        bs,
        (out.storage as Float32Array).subarray(...piece),
        { batch: 1, m, n, k, transA, transB },
        d ? d.subarray(...piece) : null,
      );
    }
  }
  return record('matmul', addend ? [a, b, addend] : [a, b], out, { transA, transB });
}
