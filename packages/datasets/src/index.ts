/**
 * `@lacuna/datasets`: synthetic sets, IDX (MNIST) parsing and a seeded DataLoader. Browser-safe;
 * file-system loaders live in `@lacuna/datasets/node`.
 *
 * @packageDocumentation
 */
export { DataLoader, type DataLoaderOptions } from './data-loader.js';
export {
  type IdxArray,
  type IdxData,
  IdxFormatError,
  idxImagesToTensor,
  idxLabelsToTensor,
  parseIdx,
} from './idx.js';
export { type Dataset, type TwoMoonsOptions, twoMoons } from './synthetic.js';
