import { join } from 'node:path';
import { Tensor } from '@lacuna/tensor';
import { CIFAR10_CLASSES, parseCifar10Batch } from './cifar.js';
import { readWholeFile, regularFileSize } from './fs-errors.js';
import { DatasetFormatError } from './idx.js';
import { checkDir, checkSplit, type LabelledImages } from './labelled-images.js';

/** Records in every CIFAR-10 binary batch file. */
export const CIFAR10_BATCH_RECORDS = 10_000;
const RECORD = 1 + 3 * 32 * 32;
const BATCH_BYTES = CIFAR10_BATCH_RECORDS * RECORD;

/**
 * CIFAR-10 (Krizhevsky 2009) from a directory holding the binary batches
 * (`data_batch_1.bin` … `data_batch_5.bin`, `test_batch.bin`).
 *
 * Validated: every batch file holds exactly 10,000 records of 3,073 bytes (30,730,000 bytes;
 * checked from its size before it is read, so a file cut at a record boundary or holding two
 * records is refused), every label is in 0..9. Failures are `DatasetFormatError`s naming the
 * file; a missing file is a `FileError`. Pixel values are bytes, so any value is a valid pixel.
 *
 * @param dir - The `cifar-10-batches-bin` directory.
 * @param split - `'train'` (50,000 images) or `'test'` (10,000).
 * @returns x float32 [N, 3, 32, 32] in [0, 1], y int32 [N], class names.
 * @example
 * ```ts no-run: needs CIFAR-10 in /data/cifar-10-batches-bin
 * import { loadCifar10FromDirectory } from '@lacuna/datasets/node';
 * const test = await loadCifar10FromDirectory('/data/cifar-10-batches-bin', 'test');
 * ```
 */
export async function loadCifar10FromDirectory(
  dir: string,
  split: 'train' | 'test',
): Promise<LabelledImages> {
  const op = 'loadCifar10FromDirectory';
  checkDir(op, dir);
  const names =
    checkSplit(op, split) === 'train'
      ? [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`)
      : ['test_batch.bin'];
  const paths = names.map((n) => join(dir, n));
  // Sizes first: nothing is read until every file has the promised length.
  const sizes = await Promise.all(paths.map((p) => regularFileSize(p, { op, argument: 'dir' })));
  sizes.forEach((size, i) => {
    if (size !== BATCH_BYTES)
      throw new DatasetFormatError(
        op,
        paths[i]!,
        `is ${size} bytes; a CIFAR-10 batch is exactly ${CIFAR10_BATCH_RECORDS} records of ${RECORD} bytes (${BATCH_BYTES} bytes)`,
      );
  });
  const count = paths.length * CIFAR10_BATCH_RECORDS;
  const x = new Float32Array(count * (RECORD - 1));
  const y = new Int32Array(count);
  let offset = 0;
  for (const path of paths) {
    const bytes = await readWholeFile(path, { op, argument: 'dir' });
    if (bytes.length !== BATCH_BYTES)
      throw new DatasetFormatError(
        op,
        path,
        `changed size while being read (${bytes.length} bytes)`,
      );
    const part = parseCifar10Batch(bytes, path);
    x.set(part.x.storage as Float32Array, offset * (RECORD - 1));
    y.set(part.y.storage as Int32Array, offset);
    offset += CIFAR10_BATCH_RECORDS;
  }
  return {
    x: new Tensor(x, [count, 3, 32, 32], 'float32'),
    y: new Tensor(y, [count], 'int32'),
    classes: CIFAR10_CLASSES,
  };
}
