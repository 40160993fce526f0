/**
 * `@lacuna/datasets`: seeded synthetic sets, IDX (MNIST) and CIFAR-10 parsing, subsets and
 * splits, batch transforms and a seeded DataLoader. Browser-safe; file and network loaders live
 * in `@lacuna/datasets/node`.
 *
 * @packageDocumentation
 */
export { CIFAR10_CLASSES, parseCifar10Batch } from './cifar.js';
export { DataLoader, type DataLoaderOptions } from './data-loader.js';
export {
  DatasetFormatError,
  type IdxArray,
  type IdxData,
  IdxFormatError,
  idxImagesToTensor,
  idxLabelsToTensor,
  parseIdx,
} from './idx.js';
export { balancedSubset, type TrainValidation, takeRows, trainValidationSplit } from './subsets.js';
export {
  circles,
  type Dataset,
  regression1d,
  type SyntheticOptions,
  spirals,
  type TwoMoonsOptions,
  twoMoons,
} from './synthetic.js';
export { compose, flattenInputs, normalize, oneHotLabels, type Transform } from './transforms.js';
