import type { OpName } from '@lacuna/tensor';
import { eluRule, geluRule, leakyReluRule, seluRule, softplusRule } from './activation.js';
import { addcmulRule } from './addcmul.js';
import { avgPool2dRule } from './avg-pool2d.js';
import { addRule, divRule, maximumRule, minimumRule, mulRule, powRule, subRule } from './binary.js';
import { broadcastToRule } from './broadcast-to.js';
import { clampRule } from './clamp.js';
import { concatRule } from './concat.js';
import { conv2dRule } from './conv2d.js';
import { dropoutRule } from './dropout.js';
import { gatherRule, indexSelectRule } from './gather.js';
import { gaussianDropoutRule } from './gaussian-dropout.js';
import { gaussianNoiseRule } from './gaussian-noise.js';
import { linearRule } from './linear.js';
import { logSoftmaxRule } from './log-softmax.js';
import { maskedAffineRule } from './masked-affine.js';
import { matmulRule } from './matmul.js';
import { maxPool2dRule } from './max-pool2d.js';
import { padRule } from './pad.js';
import { permuteRule } from './permute.js';
import { extremumRule, meanRule, sumRule } from './reduce.js';
import { reshapeRule } from './reshape.js';
import type { GradRule } from './rule.js';
import { sampleNormalRule } from './sample-normal.js';
import { scaledSquareRule } from './scaled-square.js';
import { sliceRule } from './slice.js';
import { softmaxCrossEntropyRule } from './softmax-cross-entropy.js';
import { sparseVariationalDropoutKlRule } from './sparse-variational-dropout-kl.js';
import {
  absRule,
  erfRule,
  expRule,
  log1pRule,
  logRule,
  negRule,
  reluRule,
  sigmoidRule,
  signRule,
  sqrtRule,
  tanhRule,
} from './unary.js';
import { variationalDropoutKlRule } from './variational-dropout-kl.js';
import { whereRule } from './where.js';

/**
 * The rule table's type: one rule for every op in `@lacuna/tensor`'s `OpSaved`, each typed by its
 * op's saved values. A recorded op without a rule, or a rule for the wrong op, fails to compile.
 */
export type GradRules = { readonly [K in OpName]: GradRule<K> };

/**
 * Every gradient rule, keyed by the op name @lacuna/tensor records, in the order of `OpSaved`
 * (grouped by ops/ file). A static table: no registration side effects. Ops built from other ops
 * (softmax, variance, logsumexp, stack, transpose, squeeze, unsqueeze, flatten) need no rule of
 * their own: their gradients flow through the rules of the ops they are built from.
 *
 * @example
 * ```ts
 * import { gradRules } from '@lacuna/autograd';
 * console.log(typeof gradRules.matmul); // 'function'
 * ```
 */
export const gradRules: GradRules = {
  // binary.ts
  add: addRule,
  sub: subRule,
  mul: mulRule,
  div: divRule,
  pow: powRule,
  maximum: maximumRule,
  minimum: minimumRule,
  // unary.ts
  neg: negRule,
  exp: expRule,
  log: logRule,
  log1p: log1pRule,
  erf: erfRule,
  sqrt: sqrtRule,
  abs: absRule,
  sign: signRule,
  relu: reluRule,
  sigmoid: sigmoidRule,
  tanh: tanhRule,
  // activation.ts, clamp.ts, where.ts
  leakyRelu: leakyReluRule,
  elu: eluRule,
  selu: seluRule,
  gelu: geluRule,
  softplus: softplusRule,
  clamp: clampRule,
  where: whereRule,
  // reduce.ts, matmul.ts, log-softmax.ts
  sum: sumRule,
  mean: meanRule,
  max: extremumRule,
  min: extremumRule,
  matmul: matmulRule,
  linear: linearRule,
  logSoftmax: logSoftmaxRule,
  softmaxCrossEntropy: softmaxCrossEntropyRule,
  // sparse-variational-dropout-kl.ts, variational-dropout-kl.ts
  sparseVariationalDropoutKl: sparseVariationalDropoutKlRule,
  variationalDropoutKl: variationalDropoutKlRule,
  // reshape.ts, permute.ts, broadcast-to.ts, slice.ts, concat.ts, gather.ts, pad.ts
  reshape: reshapeRule,
  permute: permuteRule,
  broadcastTo: broadcastToRule,
  slice: sliceRule,
  concat: concatRule,
  gather: gatherRule,
  indexSelect: indexSelectRule,
  pad: padRule,
  // conv2d.ts, max-pool2d.ts, avg-pool2d.ts
  conv2d: conv2dRule,
  maxPool2d: maxPool2dRule,
  avgPool2d: avgPool2dRule,
  // dropout.ts, gaussian-dropout.ts, gaussian-noise.ts, masked-affine.ts
  dropout: dropoutRule,
  gaussianDropout: gaussianDropoutRule,
  gaussianNoise: gaussianNoiseRule,
  maskedAffine: maskedAffineRule,
  // scaled-square.ts
  scaledSquare: scaledSquareRule,
  // addcmul.ts
  addcmul: addcmulRule,
  // sample-normal.ts
  sampleNormal: sampleNormalRule,
};
