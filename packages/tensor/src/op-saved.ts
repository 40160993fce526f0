import type { AlphaActivationSaved } from './ops/activation.js';
import type { AvgPool2dSaved } from './ops/avg-pool2d.js';
import type { ClampSaved } from './ops/clamp.js';
import type { ConcatSaved } from './ops/concat.js';
import type { Conv2dSaved } from './ops/conv2d.js';
import type { DropoutSaved } from './ops/dropout.js';
import type { GatherSaved, IndexSelectSaved } from './ops/gather.js';
import type { GaussianSaved } from './ops/gaussian-dropout.js';
import type { LinearSaved } from './ops/linear.js';
import type { LogSoftmaxSaved } from './ops/log-softmax.js';
import type { MaskedAffineSaved } from './ops/masked-affine.js';
import type { MatmulSaved } from './ops/matmul.js';
import type { MaxPool2dSaved } from './ops/max-pool2d.js';
import type { PadSaved } from './ops/pad.js';
import type { PermuteSaved } from './ops/permute.js';
import type { ReduceSaved } from './ops/reduce.js';
import type { ReshapeSaved } from './ops/reshape.js';
import type { SampleNormalSaved } from './ops/sample-normal.js';
import type { ScaledSquareSaved } from './ops/scaled-square.js';
import type { SliceSaved } from './ops/slice.js';
import type { SoftmaxCrossEntropySaved } from './ops/softmax-cross-entropy.js';
import type { SparseVariationalDropoutKlSaved } from './ops/sparse-variational-dropout-kl.js';
import type { UnarySaved } from './ops/unary.js';
import type { VariationalDropoutKlSaved } from './ops/variational-dropout-kl.js';
import type { WhereSaved } from './ops/where.js';

/** What an op that needs nothing for its gradient records: an empty object. */
export type NothingSaved = Readonly<Record<string, never>>;

/**
 * Every op that records a `GradNode`, by name, with the values it saves for its gradient
 * rule. Each saved type is declared next to its op in `ops/<op>.ts`; `@lacuna/autograd` keys its
 * rule table by these names, so a recorded op without a rule, or a rule reading a value its op
 * does not save, fails to compile.
 *
 * Ops built from other ops record nothing of their own: softmax (exp of logSoftmax), variance and
 * logsumexp (arithmetic and reductions), stack (unsqueeze and concat), transpose (permute),
 * flatten, squeeze and unsqueeze (reshape). Comparisons, argmax/argmin and integer ops are not
 * differentiable and record nothing.
 *
 * @example
 * ```ts
 * import type { OpSaved } from '@lacuna/tensor';
 * const saved: OpSaved['matmul'] = { transA: false, transB: true };
 * ```
 */
export interface OpSaved {
  // ops/binary.ts
  /** `a + b`. */
  add: NothingSaved;
  /** `a - b`. */
  sub: NothingSaved;
  /** `a · b`. */
  mul: NothingSaved;
  /** `a / b`. */
  div: NothingSaved;
  /** `a ^ b`. */
  pow: NothingSaved;
  /** Elementwise maximum. */
  maximum: NothingSaved;
  /** Elementwise minimum. */
  minimum: NothingSaved;
  // ops/unary.ts
  /** `-x`. */
  neg: UnarySaved;
  /** `e^x`. */
  exp: UnarySaved;
  /** `ln x`. */
  log: UnarySaved;
  /** `ln(1 + x)`. */
  log1p: UnarySaved;
  /** The error function. */
  erf: UnarySaved;
  /** `√x`. */
  sqrt: UnarySaved;
  /** `|x|`. */
  abs: UnarySaved;
  /** -1, 0 or 1. */
  sign: UnarySaved;
  /** `max(x, 0)`. */
  relu: UnarySaved;
  /** The logistic sigmoid. */
  sigmoid: UnarySaved;
  /** The hyperbolic tangent. */
  tanh: UnarySaved;
  // ops/activation.ts
  /** Leaky ReLU. */
  leakyRelu: AlphaActivationSaved;
  /** ELU. */
  elu: AlphaActivationSaved;
  /** SELU. */
  selu: UnarySaved;
  /** GELU. */
  gelu: UnarySaved;
  /** Softplus. */
  softplus: UnarySaved;
  // ops/clamp.ts
  /** Clamp to [min, max]. */
  clamp: ClampSaved;
  // ops/where.ts
  /** `condition ? a : b`. */
  where: WhereSaved;
  // ops/reduce.ts
  /** Sum over axes. */
  sum: ReduceSaved;
  /** Mean over axes. */
  mean: ReduceSaved;
  /** Maximum over axes. */
  max: ReduceSaved;
  /** Minimum over axes. */
  min: ReduceSaved;
  // ops/matmul.ts
  /** (Batched) matrix product. */
  matmul: MatmulSaved;
  // ops/linear.ts
  /** `act(x·Wᵀ + b)`, fused. */
  linear: LinearSaved;
  // ops/log-softmax.ts
  /** Log-softmax along an axis. */
  logSoftmax: LogSoftmaxSaved;
  // ops/softmax-cross-entropy.ts
  /** Cross-entropy on logits: log-softmax and NLL as one op. */
  softmaxCrossEntropy: SoftmaxCrossEntropySaved;
  // ops/sparse-variational-dropout-kl.ts, ops/variational-dropout-kl.ts
  /** scale·Σ of Molchanov et al.'s KL approximation over θ and log σ² (gradients from forward). */
  sparseVariationalDropoutKl: SparseVariationalDropoutKlSaved;
  /** scale·Σ of Kingma et al.'s eq. 7 KL over log α (gradient from forward). */
  variationalDropoutKl: VariationalDropoutKlSaved;
  // ops/reshape.ts, ops/permute.ts, ops/broadcast-to.ts, ops/slice.ts, ops/concat.ts, ops/gather.ts, ops/pad.ts
  /** Reshape (also flatten, squeeze, unsqueeze). */
  reshape: ReshapeSaved;
  /** Axis permutation (also transpose). */
  permute: PermuteSaved;
  /** Broadcast to a larger shape. */
  broadcastTo: NothingSaved;
  /** Strided slice. */
  slice: SliceSaved;
  /** Join along an axis (also stack). */
  concat: ConcatSaved;
  /** Gather along an axis by an index tensor. */
  gather: GatherSaved;
  /** Select whole slices along an axis. */
  indexSelect: IndexSelectSaved;
  /** Constant padding. */
  pad: PadSaved;
  // ops/conv2d.ts, ops/max-pool2d.ts, ops/avg-pool2d.ts
  /** 2-D convolution. */
  conv2d: Conv2dSaved;
  /** 2-D max pooling. */
  maxPool2d: MaxPool2dSaved;
  /** 2-D average pooling. */
  avgPool2d: AvgPool2dSaved;
  // ops/dropout.ts, ops/gaussian-dropout.ts, ops/gaussian-noise.ts, ops/masked-affine.ts
  /** Dropout in training. */
  dropout: DropoutSaved;
  /** Gaussian dropout in training. */
  gaussianDropout: GaussianSaved;
  /** Additive Gaussian noise in training. */
  gaussianNoise: NothingSaved;
  /** `m ? x·scale + shift : fill`. */
  maskedAffine: MaskedAffineSaved;
  // ops/scaled-square.ts
  /** `exp(s)·x²`, fused (saves e^s·x and the output: no exp in backward). */
  scaledSquare: ScaledSquareSaved;
  // ops/addcmul.ts
  /** `input + a·b`, fused. */
  addcmul: NothingSaved;
  // ops/sample-normal.ts
  /** `mean + √(variance + floor)·ε`, fused (ε and 2σ kept). */
  sampleNormal: SampleNormalSaved;
}

/** The name of an op that records a `GradNode`: a key of {@link OpSaved}. */
export type OpName = keyof OpSaved;
