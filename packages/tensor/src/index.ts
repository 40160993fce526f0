/**
 * `@lacuna/tensor`: n-dimensional tensors, broadcasting ops, reductions, matmul and seeded random
 * numbers, with kernels behind a swappable {@link Backend}.
 *
 * @packageDocumentation
 */
export type {
  Backend,
  BinaryOpName,
  MatmulParams,
  RandomKey,
  ReduceOpName,
  UnaryOpName,
} from './backend/backend.js';
export { referenceBackend } from './backend/reference.js';
export { getBackend, setBackend } from './backend/registry.js';
export type { DataTypeMap, DType, TypedArray } from './dtype.js';
export { ArgumentRangeError, DTypeError, LacunaError, ShapeError } from './errors.js';
export {
  add,
  div,
  equal,
  greater,
  maximum,
  minimum,
  mul,
  sub,
  type TensorLike,
} from './ops/binary.js';
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
  type DropoutScaling,
  dropout,
  dropoutWithMask,
} from './ops/dropout.js';
export { logSoftmax, softmax } from './ops/log-softmax.js';
export { type MatmulOptions, matmul } from './ops/matmul.js';
export { oneHot } from './ops/one-hot.js';
export {
  bernoulli,
  normal,
  permutation,
  type RandomOptions,
  randint,
  uniform,
} from './ops/random.js';
export { argmax, max, mean, min, type ReduceOptions, sum } from './ops/reduce.js';
export { flatten, reshape } from './ops/reshape.js';
export { abs, exp, log, neg, relu, sigmoid, sqrt, tanh } from './ops/unary.js';
export { Generator, type GeneratorState } from './random/generator.js';
export { type GradNode, record, willRecord, withoutRecording } from './record.js';
export { broadcastShapes, type Shape } from './shape.js';
export { type NestedArray, Tensor } from './tensor.js';
