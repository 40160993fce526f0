import type { Conv2dGeometry } from '../backend.js';
import { forEachWindow } from './pool-windows.js';

export function maxPool2d(
  x: Float32Array,
  g: Conv2dGeometry,
  out: Float32Array,
  argmax: Int32Array,
): void {
  let best = -Infinity;
  let where = -1;
  forEachWindow(
    g,
    () => {
      best = -Infinity;
      where = -1;
    },
    (_, i) => {
      if (i < 0) return; // padding never wins (PyTorch pads max pooling with -inf)
      const v = x[i]!;
      if (where < 0 || v > best || (Number.isNaN(v) && !Number.isNaN(best))) {
        best = v;
        where = i;
      }
    },
    (o) => {
      out[o] = best;
      argmax[o] = where;
    },
  );
}

export function maxPool2dBackward(grad: Float32Array, argmax: Int32Array, dx: Float32Array): void {
  for (let o = 0; o < grad.length; o++) {
    const i = argmax[o]!;
    if (i >= 0) dx[i]! += grad[o]!;
  }
}
