import type { Conv2dGeometry } from '../backend/backend.js';
import { ArgumentRangeError, fmtShape, ShapeError } from '../errors.js';
import type { Tensor } from '../tensor.js';

/** A size given once for both spatial axes, or as [vertical, horizontal]. */
export type Pair = number | readonly [number, number];

/** Turns a {@link Pair} into [vertical, horizontal], checking integers ≥ `min`. @internal */
export function pair(op: string, argument: string, value: Pair, min: number): [number, number] {
  const p: [number, number] =
    typeof value === 'number' ? [value, value] : [value?.[0] as number, value?.[1] as number];
  if (
    !p.every((v) => Number.isInteger(v) && v >= min) ||
    (typeof value !== 'number' && value?.length !== 2)
  ) {
    throw new ArgumentRangeError(
      op,
      argument,
      `must be an integer ≥ ${min} or a pair of them, got ${JSON.stringify(value)}`,
    );
  }
  return p;
}

/** Checks a rank-4 float32 NCHW tensor. @internal */
export function checkNCHW(
  op: string,
  argument: string,
  x: Tensor,
): [number, number, number, number] {
  if (x.rank !== 4) {
    throw new ShapeError(op, argument, `must have shape [N, C, H, W], got ${fmtShape(x.shape)}`);
  }
  return x.shape as unknown as [number, number, number, number];
}

/** Output size of one spatial axis, or throws if the window does not fit. @internal */
export function outputSize(
  op: string,
  input: number,
  kernel: number,
  stride: number,
  padding: number,
  dilation: number,
): number {
  const span = dilation * (kernel - 1) + 1;
  const out = Math.floor((input + 2 * padding - span) / stride) + 1;
  if (out < 1) {
    throw new ShapeError(
      op,
      'x',
      `is too small: an input of size ${input} with padding ${padding} cannot hold a window spanning ${span}`,
    );
  }
  return out;
}

/** Builds the geometry of a window op over NCHW input. @internal */
export function geometry(
  op: string,
  shape: readonly [number, number, number, number],
  channels: number,
  kernel: [number, number],
  stride: [number, number],
  padding: [number, number],
  dilation: [number, number],
): Conv2dGeometry {
  const [batch, , inH, inW] = shape;
  return {
    batch,
    channels,
    inH,
    inW,
    kH: kernel[0],
    kW: kernel[1],
    stride,
    padding,
    dilation,
    outH: outputSize(op, inH, kernel[0], stride[0], padding[0], dilation[0]),
    outW: outputSize(op, inW, kernel[1], stride[1], padding[1], dilation[1]),
  };
}
