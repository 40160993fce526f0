/**
 * `@lacuna/tensor`: n-dimensional tensors, broadcasting ops, reductions, shape ops, matmul,
 * convolution and pooling, and seeded random numbers, with kernels behind a swappable
 * {@link Backend}.
 *
 * @packageDocumentation
 */
export type {
  AxisParams,
  Backend,
  BinaryOpName,
  BinaryParams,
  Conv2dGeometry,
  Conv2dParams,
  DropoutParams,
  LinearParams,
  MaskedAffineParams,
  MatmulParams,
  RandomKey,
  ReduceOpName,
  SoftmaxCrossEntropyParams,
  UnaryOpName,
  UnaryParams,
  WhereParams,
} from './backend/backend.js';
export type { KlKernels, ScaledSquareOutputs } from './backend/kl-kernels.js';
export { referenceBackend } from './backend/reference/index.js';
export {
  type BackendInfo,
  getBackend,
  getBackendInfo,
  setBackend,
} from './backend/registry.js';
export type { SamplingKernels } from './backend/sampling-kernels.js';
export {
  createWasmBackend,
  type SimdBuild,
  type SimdOption,
  type WasmBackend,
  type WasmBackendOptions,
} from './backend/wasm/index.js';
export type { DataTypeMap, DType, TypedArray } from './dtype.js';
export {
  ArgumentRangeError,
  DisposedTensorError,
  DTypeError,
  LacunaError,
  ShapeError,
} from './errors.js';
export { type Brand, createBrand, type PackageCopy, VersionConflictError } from './identity.js';
export type { NothingSaved, OpName, OpSaved } from './op-saved.js';
export {
  type AlphaActivationSaved,
  elu,
  gelu,
  leakyRelu,
  selu,
  softplus,
} from './ops/activation.js';
export { addcmul } from './ops/addcmul.js';
export { type AvgPool2dSaved, avgPool2d, avgPool2dBackward } from './ops/avg-pool2d.js';
export {
  add,
  div,
  equal,
  greater,
  greaterEqual,
  less,
  lessEqual,
  maximum,
  minimum,
  mul,
  notEqual,
  pow,
  sub,
  type TensorLike,
} from './ops/binary.js';
export { broadcastTo } from './ops/broadcast-to.js';
export { type ClampSaved, clamp } from './ops/clamp.js';
export { type ConcatSaved, concat, stack } from './ops/concat.js';
export type { Pair } from './ops/conv-geometry.js';
export {
  type Conv2dConfig,
  type Conv2dOptions,
  type Conv2dSaved,
  conv2d,
  conv2dBackwardInput,
  conv2dBackwardWeight,
} from './ops/conv2d.js';
export {
  arange,
  type CreationOptions,
  eye,
  full,
  fullLike,
  linspace,
  ones,
  onesLike,
  type TensorOptions,
  tensor,
  zeros,
  zerosLike,
} from './ops/creation.js';
export {
  type DropoutOptions,
  type DropoutResult,
  type DropoutSaved,
  type DropoutScaling,
  dropout,
  dropoutBackward,
  dropoutWithMask,
  keepProbability,
} from './ops/dropout.js';
export { type GatherSaved, gather, type IndexSelectSaved, indexSelect } from './ops/gather.js';
export {
  type GaussianSaved,
  gaussianDropout,
  gaussianDropoutBackward,
} from './ops/gaussian-dropout.js';
export { gaussianNoise } from './ops/gaussian-noise.js';
export type { KlOptions } from './ops/kl-options.js';
export {
  type LinearActivation,
  type LinearOptions,
  type LinearSaved,
  linear,
} from './ops/linear.js';
export { type LogSoftmaxSaved, logSoftmax, softmax } from './ops/log-softmax.js';
export {
  type MaskedAffineOptions,
  type MaskedAffineSaved,
  maskedAffine,
  maskedAffineBackward,
} from './ops/masked-affine.js';
export { type MatmulOptions, type MatmulSaved, matmul } from './ops/matmul.js';
export { type MaxPool2dSaved, maxPool2d, maxPool2dBackward } from './ops/max-pool2d.js';
export { oneHot } from './ops/one-hot.js';
export { type PadSaved, pad } from './ops/pad.js';
export { type PermuteSaved, permute, transpose } from './ops/permute.js';
export type { PoolOptions } from './ops/pool-geometry.js';
export {
  bernoulli,
  normal,
  permutation,
  type RandomOptions,
  randint,
  uniform,
} from './ops/random.js';
export {
  argmax,
  argmin,
  logsumexp,
  max,
  mean,
  min,
  type ReduceAxisOrOptions,
  type ReduceOptions,
  type ReduceSaved,
  sum,
  type VarianceOptions,
  variance,
} from './ops/reduce.js';
export { flatten, type ReshapeSaved, reshape } from './ops/reshape.js';
export {
  type SampleNormalOptions,
  type SampleNormalSaved,
  sampleNormal,
} from './ops/sample-normal.js';
export {
  type ScaledSquareBackwardOptions,
  type ScaledSquareSaved,
  scaledSquare,
  scaledSquareBackward,
} from './ops/scaled-square.js';
export { type ResolvedRange, type SliceRange, type SliceSaved, slice } from './ops/slice.js';
export {
  type LossReduction,
  type SoftmaxCrossEntropyOptions,
  type SoftmaxCrossEntropySaved,
  softmaxCrossEntropy,
  softmaxCrossEntropyBackward,
} from './ops/softmax-cross-entropy.js';
export {
  type KlWithSigma2,
  type SparseVariationalDropoutKlSaved,
  sparseVariationalDropoutKl,
  sparseVariationalDropoutKlWithSigma2,
} from './ops/sparse-variational-dropout-kl.js';
export { squeeze, unsqueeze } from './ops/squeeze.js';
export {
  abs,
  erf,
  exp,
  log,
  log1p,
  neg,
  relu,
  sigmoid,
  sign,
  sqrt,
  tanh,
  type UnarySaved,
} from './ops/unary.js';
export {
  type KlWithScaledSquare,
  type VariationalDropoutKlSaved,
  variationalDropoutKl,
  variationalDropoutKlWithScaledSquare,
} from './ops/variational-dropout-kl.js';
export { type WhereSaved, where } from './ops/where.js';
export {
  checkOptionKeys,
  closestName,
  describeValue,
  isPlainObject,
  optionBoolean,
  optionEnum,
  optionKeys,
} from './options.js';
export {
  Generator,
  type GeneratorState,
  isGenerator,
  requireGenerator,
} from './random/generator.js';
export {
  type GradNode,
  type RecordedNode,
  type ReleasedNode,
  record,
  type SavedByEvery,
  willRecord,
  withoutRecording,
} from './record.js';
export { dispose, type KeepOptions, keep, scope } from './scope.js';
export { broadcastShapes, MAX_ELEMENTS, type Shape } from './shape.js';
export { isTensor, type NestedArray, Tensor } from './tensor.js';
