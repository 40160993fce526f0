import { Tensor } from '@lacuna/tensor';
import { DatasetFormatError } from './idx.js';
import type { Dataset } from './synthetic.js';

/** CIFAR-10's class names, by label. */
export const CIFAR10_CLASSES: readonly string[] = [
  'airplane',
  'automobile',
  'bird',
  'cat',
  'deer',
  'dog',
  'frog',
  'horse',
  'ship',
  'truck',
];

const RECORD = 1 + 3 * 32 * 32;

/**
 * Parses a CIFAR-10 binary batch (`data_batch_1.bin` … `test_batch.bin`): records of one label
 * byte followed by 3,072 pixel bytes (1,024 red, 1,024 green, 1,024 blue, row-major 32×32).
 * The length must be a whole number of records and every label in 0..9.
 *
 * @param bytes - The whole file.
 * @param name - For error messages.
 * @returns x float32 [N, 3, 32, 32] in [0, 1], y int32 [N].
 * @example
 * ```ts
 * import { parseCifar10Batch } from '@lacuna/datasets';
 * const record = new Uint8Array(3073);
 * record[0] = 3; // a cat, all black
 * parseCifar10Batch(record).y.toArray(); // [3]
 * ```
 */
export function parseCifar10Batch(bytes: Uint8Array, name = 'bytes'): Dataset {
  if (!(bytes instanceof Uint8Array) || bytes.length === 0 || bytes.length % RECORD !== 0) {
    throw new DatasetFormatError(
      'parseCifar10Batch',
      name,
      `must hold whole ${RECORD}-byte records, got ${bytes?.length ?? 0} bytes`,
    );
  }
  const n = bytes.length / RECORD;
  const x = new Float32Array(n * (RECORD - 1));
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const label = bytes[i * RECORD]!;
    if (label > 9)
      throw new DatasetFormatError(
        'parseCifar10Batch',
        name,
        `has label ${label} in record ${i}; CIFAR-10 labels are 0..9`,
      );
    y[i] = label;
    const src = i * RECORD + 1;
    const dst = i * (RECORD - 1);
    for (let k = 0; k < RECORD - 1; k++) x[dst + k] = bytes[src + k]! / 255;
  }
  return { x: new Tensor(x, [n, 3, 32, 32], 'float32'), y: new Tensor(y, [n], 'int32') };
}
