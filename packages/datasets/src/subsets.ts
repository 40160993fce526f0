import {
  ArgumentRangeError,
  checkOptionKeys,
  DTypeError,
  type Generator,
  LacunaError,
  permutation,
  requireGenerator,
  ShapeError,
  Tensor,
} from '@lacuna/tensor';
import type { Dataset } from './synthetic.js';

/**
 * The rows `indices` of both tensors of a dataset, copied, in the order given.
 *
 * @example
 * ```ts
 * import { takeRows, twoMoons } from '@lacuna/datasets';
 * import { Generator } from '@lacuna/tensor';
 * const firstTen = takeRows(twoMoons(100, { generator: new Generator(0) }), Array.from({ length: 10 }, (_, i) => i));
 * ```
 */
export function takeRows(data: Dataset, indices: ArrayLike<number>): Dataset {
  const pick = (t: Tensor): Tensor => {
    const row = t.size / Math.max(t.shape[0]!, 1);
    const out = new (t.storage.constructor as new (n: number) => typeof t.storage)(
      indices.length * row,
    );
    for (let i = 0; i < indices.length; i++)
      out.set(t.storage.subarray(indices[i]! * row, (indices[i]! + 1) * row), i * row);
    return new Tensor(out, [indices.length, ...t.shape.slice(1)], t.dtype);
  };
  return { x: pick(data.x), y: pick(data.y) };
}

function checkPaired(op: string, data: Dataset): number {
  if (
    !(data?.x instanceof Tensor) ||
    !(data.y instanceof Tensor) ||
    data.x.shape[0] !== data.y.shape[0]
  ) {
    throw new ShapeError(op, 'data', 'must be { x, y } tensors sharing their first dimension');
  }
  return data.x.shape[0]!;
}

/** The two parts of {@link trainValidationSplit}. */
export interface TrainValidation {
  /** The rows left for training. */
  train: Dataset;
  /** The held-out rows. */
  validation: Dataset;
}

/**
 * Splits a dataset into training and validation parts after a seeded shuffle.
 *
 * @param data - The dataset.
 * @param options - `validationFraction` in (0, 1) or `validationSize` (one of them), and
 *   `generator`. Unknown keys are an error.
 * @example
 * ```ts
 * import { trainValidationSplit, twoMoons } from '@lacuna/datasets';
 * import { Generator } from '@lacuna/tensor';
 * const g = new Generator(0);
 * const { train, validation } = trainValidationSplit(twoMoons(100, { generator: g }), { validationFraction: 0.2, generator: g });
 * ```
 */
export function trainValidationSplit(
  data: Dataset,
  options: { validationFraction?: number; validationSize?: number; generator: Generator },
): TrainValidation {
  const n = checkPaired('trainValidationSplit', data);
  checkOptionKeys('trainValidationSplit', options, [
    'validationFraction',
    'validationSize',
    'generator',
  ]);
  requireGenerator('trainValidationSplit', options?.generator);
  if (options.validationFraction !== undefined && options.validationSize !== undefined)
    throw new LacunaError(
      'trainValidationSplit',
      'options',
      'takes validationFraction or validationSize, not both',
    );
  if (options.validationFraction !== undefined && typeof options.validationFraction !== 'number')
    throw new ArgumentRangeError(
      'trainValidationSplit',
      'validationFraction',
      `must be a number in (0, 1), got ${JSON.stringify(options.validationFraction)}`,
    );
  const size = options.validationSize ?? Math.round((options.validationFraction ?? Number.NaN) * n);
  if (!Number.isInteger(size) || size < 1 || size >= n) {
    throw new ArgumentRangeError(
      'trainValidationSplit',
      'validationFraction',
      `must leave at least one example on each side of ${n}, got a validation size of ${size}`,
    );
  }
  const order = permutation(n, { generator: options.generator }).storage as Int32Array;
  return {
    validation: takeRows(data, order.subarray(0, size)),
    train: takeRows(data, order.subarray(size)),
  };
}

/**
 * A class-balanced random subset: `perClass` examples of every class (or `size` in total, split as
 * evenly as the classes allow), drawn with a seeded shuffle. Dropout's benefit shows best on small
 * training sets.
 *
 * @param data - A dataset with int32 labels [N].
 * @param options - `size` or `perClass` (one of them), and `generator`. Unknown keys are an error.
 * @example
 * ```ts
 * import { balancedSubset, twoMoons } from '@lacuna/datasets';
 * import { Generator } from '@lacuna/tensor';
 * const g = new Generator(0);
 * const small = balancedSubset(twoMoons(1000, { generator: g }), { size: 100, generator: g }); // 50 per class
 * ```
 */
export function balancedSubset(
  data: Dataset,
  options: { size?: number; perClass?: number; generator: Generator },
): Dataset {
  const n = checkPaired('balancedSubset', data);
  checkOptionKeys('balancedSubset', options, ['size', 'perClass', 'generator']);
  requireGenerator('balancedSubset', options?.generator);
  if (options.size !== undefined && options.perClass !== undefined)
    throw new LacunaError('balancedSubset', 'options', 'takes size or perClass, not both');
  if (data.y.dtype !== 'int32' || data.y.rank !== 1)
    throw new DTypeError('balancedSubset', 'data', 'needs int32 class labels of shape [N]');
  const byClass = new Map<number, number[]>();
  const order = permutation(n, { generator: options.generator }).storage;
  for (const i of order) {
    const c = data.y.storage[i]!;
    byClass.set(c, [...(byClass.get(c) ?? []), i]);
  }
  const classes = [...byClass.keys()].sort((a, b) => a - b);
  const total = options.size ?? (options.perClass ?? Number.NaN) * classes.length;
  if (!Number.isInteger(total) || total < 1) {
    throw new ArgumentRangeError(
      'balancedSubset',
      'size',
      `must be a positive integer (or give perClass), got ${options.size ?? options.perClass}`,
    );
  }
  const picked: number[] = [];
  classes.forEach((c, k) => {
    const want = Math.floor(total / classes.length) + (k < total % classes.length ? 1 : 0);
    const pool = byClass.get(c)!;
    if (pool.length < want) {
      throw new ArgumentRangeError(
        'balancedSubset',
        'size',
        `asks for ${want} examples of class ${c}, which has only ${pool.length}`,
      );
    }
    picked.push(...pool.slice(0, want));
  });
  // Interleave by shuffled position so batches are mixed, deterministically.
  picked.sort((a, b) => order.indexOf(a) - order.indexOf(b));
  return takeRows(data, picked);
}
