import type { Backend } from '../backend.js';
import {
  avgPool2d,
  avgPool2dBackward,
  conv2d,
  conv2dBackwardInput,
  conv2dBackwardWeight,
  maxPool2d,
  maxPool2dBackward,
} from './conv.js';
import { copyStrided } from './copy.js';
import { binary, maskedAffine, unary, where } from './elementwise.js';
import { matmul } from './matmul.js';
import { dropout, normal, uniform } from './random.js';
import { argReduce, logSoftmax, reduce } from './reduce.js';

/**
 * The plain-TypeScript backend: clear, correct, single-threaded. It is the default and the oracle
 * every faster backend is tested against.
 *
 * @example
 * ```ts
 * import { referenceBackend } from '@lacuna/tensor';
 * const out = new Float32Array(4);
 * referenceBackend.unary('relu', new Float32Array([-1, 2, -3, 4]), out); // [0, 2, 0, 4]
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
  logSoftmax,
  conv2d,
  conv2dBackwardInput,
  conv2dBackwardWeight,
  maxPool2d,
  maxPool2dBackward,
  avgPool2d,
  avgPool2dBackward,
  maskedAffine,
  uniform,
  normal,
  dropout,
};
