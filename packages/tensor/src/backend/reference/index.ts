import type { Backend } from '../backend.js';
import { addcmul } from './addcmul.js';
import { avgPool2d, avgPool2dBackward } from './avg-pool2d.js';
import { binary } from './binary.js';
import { conv2d, conv2dBackwardInput, conv2dBackwardWeight } from './conv2d.js';
import { copyStrided } from './copy-strided.js';
import { dropout } from './dropout.js';
import { linear } from './linear.js';
import { logSoftmax } from './log-softmax.js';
import { maskedAffine } from './masked-affine.js';
import { matmul } from './matmul.js';
import { maxPool2d, maxPool2dBackward } from './max-pool2d.js';
import { normal, uniform } from './random.js';
import { argReduce, reduce } from './reduce.js';
import { sampleNormal } from './sample-normal.js';
import { scaledSquare, scaledSquareBackward } from './scaled-square.js';
import { softmaxCrossEntropy, softmaxCrossEntropyBackward } from './softmax-cross-entropy.js';
import { sparseVariationalDropoutKl } from './sparse-variational-dropout-kl.js';
import { unary } from './unary.js';
import { variationalDropoutKl } from './variational-dropout-kl.js';
import { where } from './where.js';

/**
 * The plain-TypeScript backend: clear, correct, single-threaded. It is the fallback (the
 * WebAssembly SIMD backend is the default wherever it loads; ops it lacks run this code too) and
 * the oracle every faster backend is tested against.
 *
 * @example
 * ```ts
 * import { referenceBackend } from '@lacuna/tensor';
 * const out = new Float32Array(4);
 * referenceBackend.unary('relu', new Float32Array([-1, 2, -3, 4]), out);
 * console.log(out); // Float32Array [0, 2, 0, 4]
 * ```
 */
export const referenceBackend: Backend = {
  name: 'reference',
  binary,
  unary,
  where,
  reduce,
  argReduce,
  copyStrided,
  matmul,
  linear,
  logSoftmax,
  softmaxCrossEntropy,
  softmaxCrossEntropyBackward,
  sparseVariationalDropoutKl,
  variationalDropoutKl,
  conv2d,
  conv2dBackwardInput,
  conv2dBackwardWeight,
  maxPool2d,
  maxPool2dBackward,
  avgPool2d,
  avgPool2dBackward,
  maskedAffine,
  scaledSquare,
  scaledSquareBackward,
  addcmul,
  sampleNormal,
  uniform,
  normal,
  dropout,
};
