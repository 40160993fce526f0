/**
 * `@lacuna/datasets/node`: everything in `@lacuna/datasets` plus loaders that read files, for
 * Node.js only.
 *
 * @packageDocumentation
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { type IdxArray, idxImagesToTensor, idxLabelsToTensor, parseIdx } from './idx.js';
import type { Dataset } from './synthetic.js';

// The node entry re-exports the browser-safe API, so Node code imports everything from one place
// (CJS builds do not share chunks between entries, so mixing both entries would duplicate classes).
export * from './index.js';

export * from './index.js';

/**
 * Reads and parses an IDX file, gzip-compressed (`.gz`, detected by its magic bytes) or raw.
 *
 * @param path - File path.
 * @example
 * ```ts
 * import { readIdxFile } from '@lacuna/datasets/node';
 * const labels = await readIdxFile('data/t10k-labels-idx1-ubyte.gz');
 * ```
 */
export async function readIdxFile(path: string): Promise<IdxArray> {
  const raw = new Uint8Array(await readFile(path));
  const bytes = raw[0] === 0x1f && raw[1] === 0x8b ? new Uint8Array(gunzipSync(raw)) : raw;
  return parseIdx(bytes, path);
}

/**
 * Loads the MNIST test or training split from a directory holding the four standard files
 * (`train-images-idx3-ubyte`, `train-labels-idx1-ubyte`, `t10k-…`; raw or `.gz`).
 *
 * @param dir - The directory.
 * @param split - `'train'` (60,000 images) or `'test'` (10,000).
 * @returns x float32 [N, 28, 28] in [0, 1], y int32 [N].
 * @example
 * ```ts
 * import { loadMnistFromDirectory } from '@lacuna/datasets/node';
 * const { x, y } = await loadMnistFromDirectory('/data/mnist', 'test');
 * ```
 */
export async function loadMnistFromDirectory(
  dir: string,
  split: 'train' | 'test',
): Promise<Dataset> {
  const prefix = split === 'train' ? 'train' : 't10k';
  const open = async (stem: string): Promise<IdxArray> => {
    try {
      return await readIdxFile(join(dir, stem));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      return readIdxFile(join(dir, `${stem}.gz`));
    }
  };
  const [images, labels] = await Promise.all([
    open(`${prefix}-images-idx3-ubyte`),
    open(`${prefix}-labels-idx1-ubyte`),
  ]);
  return { x: idxImagesToTensor(images), y: idxLabelsToTensor(labels) };
}
