import { type Dataset, takeRows } from '@lacuna/datasets';
import {
  ArgumentRangeError,
  DTypeError,
  type Generator,
  requireGenerator,
  ShapeError,
  Tensor,
} from '@lacuna/tensor';

/** Labels after {@link corruptLabels}: the new labels and which rows were changed. */
export interface NoisyLabels {
  /** int32 [n]: the original labels with the corrupted rows replaced. */
  labels: Tensor;
  /** The changed rows, ascending. Every one of them now carries a wrong label. */
  corrupted: Int32Array;
}

const OP = 'corruptLabels';

/**
 * Symmetric label noise: exactly `round(fraction · n)` rows, picked by a seeded shuffle, get a
 * label drawn uniformly from the `classes − 1` OTHER classes, so every corrupted row is wrong
 * (drawing from all classes would leave 1/classes of them correct by chance and blur what
 * "memorising a noisy label" means). The input tensor is not changed.
 *
 * @param labels - int32 [n] with values in [0, classes).
 * @param fraction - In [0, 1]: the share of rows to corrupt.
 * @param classes - The number of classes (at least 2).
 * @param generator - The random stream: the same state gives the same corruption.
 * @throws DTypeError / ShapeError for labels that are not int32 [n], ArgumentRangeError for a
 *   fraction, a class count or a label out of range.
 */
export function corruptLabels(
  labels: Tensor,
  fraction: number,
  classes: number,
  generator: Generator,
): NoisyLabels {
  if (!(labels instanceof Tensor) || labels.shape.length !== 1)
    throw new ShapeError(OP, 'labels', `must be a rank-1 tensor [n]`);
  if (labels.dtype !== 'int32')
    throw new DTypeError(OP, 'labels', `must be int32, got ${labels.dtype}`);
  if (!(Number.isFinite(fraction) && fraction >= 0 && fraction <= 1))
    throw new ArgumentRangeError(OP, 'fraction', `must be in [0, 1], got ${fraction}`);
  if (!(Number.isInteger(classes) && classes >= 2))
    throw new ArgumentRangeError(OP, 'classes', `must be an integer ≥ 2, got ${classes}`);
  const g = requireGenerator(OP, generator);
  const original = labels.storage as Int32Array;
  const n = original.length;
  original.forEach((y, i) => {
    if (y < 0 || y >= classes)
      throw new ArgumentRangeError(OP, `labels[${i}]`, `must be in [0, ${classes}), got ${y}`);
  });
  // A partial Fisher–Yates shuffle: the first `count` slots are a uniform sample without
  // replacement, so the corrupted share is exact rather than binomial.
  const count = Math.round(fraction * n);
  const order = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(g.nextFloat() * (n - i));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const corrupted = order.slice(0, count).sort();
  const noisy = Int32Array.from(original);
  for (const i of corrupted) {
    // Uniform over the classes − 1 others: draw from 0..classes−2 and skip the true label.
    const r = Math.floor(g.nextFloat() * (classes - 1));
    noisy[i] = r >= original[i]! ? r + 1 : r;
  }
  return { labels: new Tensor(noisy, [n], 'int32'), corrupted };
}

/** The training data of a noisy-label run and the parts it is evaluated on. */
export interface NoisySplit {
  /** What the network trains on: the inputs with the corrupted labels. */
  train: Dataset;
  /** The corrupted rows with their NOISY labels: accuracy here is the memorised share. */
  noisy: Dataset;
  /** The corrupted rows with their TRUE labels: accuracy here is what the network got right anyway. */
  noisyTrue: Dataset;
  /** The rows left alone. */
  clean: Dataset;
}

/** Splits a training set after {@link corruptLabels} into what is trained on and evaluated. */
export function noisySplit(data: Dataset, noise: NoisyLabels): NoisySplit {
  const n = data.y.shape[0]!;
  const hit = new Uint8Array(n);
  for (const i of noise.corrupted) hit[i] = 1;
  const cleanRows = Int32Array.from({ length: n }, (_, i) => i).filter((i) => !hit[i]);
  const train = { x: data.x, y: noise.labels };
  return {
    train,
    noisy: takeRows(train, noise.corrupted),
    noisyTrue: takeRows(data, noise.corrupted),
    clean: takeRows(data, cleanRows),
  };
}
