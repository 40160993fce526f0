/**
 * `@lacuna/layers`: modules with train/eval modes, layers, losses, initialisers, safetensors
 * checkpoints, and the whole dropout family with Monte Carlo dropout. Browser-safe; file
 * checkpoints live in `@lacuna/layers/node`.
 *
 * @packageDocumentation
 */
export {
  parseSafetensors,
  type Safetensors,
  SafetensorsError,
  serializeSafetensors,
} from './checkpoint/safetensors.js';
export {
  AlphaDropout,
  type AlphaDropoutCoefficients,
  type AlphaDropoutOptions,
  alphaDropoutCoefficients,
  FeatureAlphaDropout,
} from './dropout/alpha.js';
export { DropoutLayer, type DropoutLayerOptions } from './dropout/base.js';
// Concrete dropout (learned drop rate, Gal, Hron & Kendall 2017)
export { ConcreteDropout, type ConcreteDropoutOptions } from './dropout/concrete.js';
export { DropBlock2d } from './dropout/drop-block.js';
export { DropConnectLinear, type DropConnectOptions } from './dropout/drop-connect.js';
export { DropPath, type DropPathOptions } from './dropout/drop-path.js';
export {
  Dropout,
  Dropout1d,
  Dropout2d,
  Dropout3d,
  type DropoutOptions,
} from './dropout/dropout.js';
export { GaussianDropout, GaussianNoise } from './dropout/gaussian.js';
export { LockedDropout } from './dropout/locked.js';
export { type McPrediction, type McPredictOptions, mcPredict } from './dropout/mc.js';
export { type NoiseShape, sharedMaskDropout } from './dropout/noise-shape.js';
// Sparse variational dropout (Molchanov et al. 2017)
export { LinearSVD, type LinearSVDOptions } from './dropout/sparse-variational.js';
export {
  SparseVariationalLayer,
  type SparseVariationalOptions,
  type Sparsity,
} from './dropout/sparse-variational-base.js';
export { Conv2dSVD, type Conv2dSVDOptions } from './dropout/sparse-variational-conv.js';
export {
  type LayerSparsity,
  type SparsityReport,
  sparsityReport,
} from './dropout/sparsity-report.js';
// Variational dropout (Kingma, Salimans & Welling 2015): learned α, local reparameterisation, KL term.
export {
  type AlphaGranularity,
  VariationalDropoutLayer,
  type VariationalDropoutOptions,
} from './dropout/variational.js';
export {
  VariationalConv2d,
  type VariationalConv2dOptions,
} from './dropout/variational-conv2d.js';
export { VariationalLinear } from './dropout/variational-linear.js';
export {
  constant,
  type Fans,
  fans,
  glorotNormal,
  glorotUniform,
  heNormal,
  heUniform,
  lecunNormal,
} from './init/initializers.js';
export {
  binaryCrossEntropyWithLogits,
  type CrossEntropyOptions,
  crossEntropy,
  nllLoss,
} from './losses/classification.js';
export { mseLoss } from './losses/mse.js';
export { l1Penalty, l2Penalty, type PenaltyOptions } from './losses/penalties.js';
// R-Drop (Liang et al. 2021): the two-pass loss, its KL term and fit's `rDrop` option.
export {
  type RDropLossOptions,
  rDropLoss,
  type SymmetricKlOptions,
  symmetricKlDivergence,
} from './losses/r-drop.js';
export type { Reduction } from './losses/reduction.js';
export { type CallOptions, type LoadStateDictOptions, Module } from './module.js';
export { ELU, GELU, LeakyReLU, ReLU, SELU, Sigmoid, Softmax, Tanh } from './modules/activations.js';
export { BatchNorm1d, BatchNorm2d, type BatchNormOptions } from './modules/batch-norm.js';
export { Conv2d, type Conv2dLayerOptions } from './modules/conv.js';
export { Linear, type LinearOptions } from './modules/linear.js';
export { AvgPool2d, Flatten, MaxPool2d } from './modules/pool.js';
export { Residual, type ResidualOptions } from './modules/residual.js';
export { Sequential } from './modules/sequential.js';
export type { StateDictInput } from './state-dict.js';
export { type Summary, type SummaryRow, summary } from './summary.js';
export { earlyStopping } from './training/callbacks.js';
export { CheckpointError } from './training/checkpoint-error.js';
export { type MemoryCheckpointer, memoryCheckpointer } from './training/checkpointing.js';
export { decodeTrainingState, encodeTrainingState } from './training/encode.js';
export { evaluate } from './training/evaluate.js';
export { fit } from './training/fit.js';
export type {
  Batch,
  BatchSource,
  Callback,
  Checkpointer,
  EpochLog,
  FitOptions,
  History,
  Metrics,
  RDropFitOptions,
  Stateful,
  TrainableOptimizer,
  TrainingState,
} from './training/fit-types.js';
