import {
  ArgumentRangeError,
  checkOptionKeys,
  type Generator,
  LacunaError,
  optionBoolean,
  permutation,
  requireGenerator,
  ShapeError,
  Tensor,
} from '@lacuna/tensor';
import { optionFunction } from './option-checks.js';
import { takeRows } from './subsets.js';
import type { Dataset } from './synthetic.js';
import type { Transform } from './transforms.js';

/** Options of {@link DataLoader}. */
export interface DataLoaderOptions {
  /** Examples per batch (the last one may be smaller unless `dropLast`). */
  batchSize: number;
  /** Shuffle at the start of every epoch (needs `generator`). Default false. */
  shuffle?: boolean;
  /** Draws each epoch's order; required when shuffling. */
  generator?: Generator;
  /** Skip a final batch smaller than `batchSize`. Default false. */
  dropLast?: boolean;
  /** Applied to every batch (normalise, flatten, one-hot; see `compose`). */
  transform?: Transform;
}

/**
 * Mini-batches of a {@link Dataset} as tensors, with a seeded shuffle that differs every epoch
 * and reproduces exactly from the same generator state.
 *
 * Each call of {@link DataLoader.batches} is one epoch: when shuffling, it draws a fresh
 * permutation from the generator.
 *
 * @example
 * ```ts
 * import { DataLoader, twoMoons } from '@lacuna/datasets';
 * import { Generator } from '@lacuna/tensor';
 * const g = new Generator(0);
 * const loader = new DataLoader(twoMoons(100, { generator: g }), { batchSize: 32, shuffle: true, generator: g });
 * for (const { x, y } of loader.batches()) console.log(x.shape, y.shape);
 * ```
 */
export class DataLoader {
  /** The dataset batches are cut from. */
  readonly dataset: Dataset;
  /** Examples per batch. */
  readonly batchSize: number;
  /** Whether each epoch is shuffled. */
  readonly shuffle: boolean;
  /** Whether a short final batch is skipped. */
  readonly dropLast: boolean;
  readonly #generator: Generator | undefined;
  readonly #transform: Transform | undefined;

  /**
   * @param dataset - `x` and `y` with the same first dimension.
   * @param options - `batchSize`, `shuffle`, `generator`, `dropLast`, `transform`; unknown keys
   *   and non-boolean `shuffle`/`dropLast` are errors.
   */
  constructor(dataset: Dataset, options: DataLoaderOptions) {
    const { x, y } = dataset ?? {};
    if (!(x instanceof Tensor) || !(y instanceof Tensor)) {
      throw new LacunaError('DataLoader', 'dataset', 'must be { x: Tensor, y: Tensor }');
    }
    if (x.rank === 0 || y.rank === 0 || x.shape[0] !== y.shape[0]) {
      throw new ShapeError(
        'DataLoader',
        'dataset',
        `x and y must share their first dimension, got [${x.shape.join(',')}] and [${y.shape.join(',')}]`,
      );
    }
    checkOptionKeys('DataLoader', options, [
      'batchSize',
      'shuffle',
      'generator',
      'dropLast',
      'transform',
    ]);
    if (!Number.isInteger(options?.batchSize) || options.batchSize < 1) {
      throw new ArgumentRangeError(
        'DataLoader',
        'batchSize',
        `must be a positive integer, got ${options?.batchSize}`,
      );
    }
    this.shuffle = optionBoolean('DataLoader', 'shuffle', options.shuffle, false);
    if (options.generator !== undefined) requireGenerator('DataLoader', options.generator);
    if (this.shuffle && options.generator === undefined) {
      throw new LacunaError('DataLoader', 'generator', 'is required when shuffle is true');
    }
    this.dataset = dataset;
    this.batchSize = options.batchSize;
    this.dropLast = optionBoolean('DataLoader', 'dropLast', options.dropLast, false);
    this.#generator = options.generator;
    this.#transform = optionFunction<Transform>('DataLoader', 'transform', options.transform);
  }

  /** Number of examples. */
  get length(): number {
    return this.dataset.x.shape[0]!;
  }

  /** Batches per epoch. */
  get numBatches(): number {
    return this.dropLast
      ? Math.floor(this.length / this.batchSize)
      : Math.ceil(this.length / this.batchSize);
  }

  /** One epoch of batches, freshly shuffled when `shuffle` is on. */
  *batches(): IterableIterator<Dataset> {
    const n = this.length;
    const order = this.shuffle
      ? (permutation(n, { generator: this.#generator! }).storage as Int32Array)
      : Int32Array.from({ length: n }, (_, i) => i);
    for (let b = 0; b < this.numBatches; b++) {
      const start = b * this.batchSize;
      const end = Math.min(n, start + this.batchSize);
      const batch = takeRows(this.dataset, order.subarray(start, end));
      yield this.#transform ? this.#transform(batch) : batch;
    }
  }
}
