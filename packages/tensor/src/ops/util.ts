import {
  DisposedTensorError,
  DTypeError,
  fmtShape,
  LacunaError,
  RELEASED_TENSOR,
  ShapeError,
} from '../errors.js';
import { type Shape, sameShape } from '../shape.js';
import { allocateUnfilled } from '../storage.js';
import { isTensor, Tensor } from '../tensor.js';

/** Rejects anything that is not a Tensor with a message naming op and argument. @internal */
export function checkTensor(op: string, argument: string, value: unknown): Tensor {
  if (!isTensor(value, op, argument)) {
    const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
    throw new LacunaError(op, argument, `must be a Tensor, got ${got}`);
  }
  if (value.isDisposed) {
    throw new DisposedTensorError(op, argument, RELEASED_TENSOR);
  }
  return value;
}

/** Rejects a tensor whose dtype is not float32 (ops with real-valued math). @internal */
export function checkFloat(op: string, argument: string, value: unknown): Tensor {
  const t = checkTensor(op, argument, value);
  if (t.dtype !== 'float32') {
    throw new DTypeError(op, argument, `must have dtype float32, got ${t.dtype}`);
  }
  return t;
}

/**
 * Rejects anything but a float32 tensor of exactly `shape` (no broadcasting), whose owner the
 * message names: `whose` is e.g. `"x's"` or `"the result's"`. @internal
 */
export function checkFloatOfShape(
  op: string,
  argument: string,
  value: unknown,
  shape: Shape,
  whose: string,
): Tensor {
  const t = checkFloat(op, argument, value);
  if (!sameShape(t.shape, shape)) {
    throw new ShapeError(
      op,
      argument,
      `must have ${whose} shape ${fmtShape(shape)}, got ${fmtShape(t.shape)}`,
    );
  }
  return t;
}

/** Reads the required `training` flag of a noise op (it has no default). @internal */
export function checkTraining(op: string, training: unknown): boolean {
  if (typeof training !== 'boolean') {
    throw new LacunaError(
      op,
      'training',
      `must be true or false (it has no default), got ${String(training)}`,
    );
  }
  return training;
}

/** A fresh float32 tensor of `like`'s shape, its storage left for a kernel to fill. @internal */
export const unfilledLike = (like: Tensor): Tensor =>
  new Tensor(allocateUnfilled('float32', like.size), like.shape, 'float32');
