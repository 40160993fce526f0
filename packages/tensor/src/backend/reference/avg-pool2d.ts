import type { Conv2dGeometry } from '../backend.js';
import { forEachWindow } from './pool-windows.js';

export function avgPool2d(x: Float32Array, g: Conv2dGeometry, out: Float32Array): void {
  const area = g.kH * g.kW;
  let sum = 0;
  forEachWindow(
    g,
    () => {
      sum = 0;
    },
    (_, i) => {
      if (i >= 0) sum += x[i]!;
    },
    (o) => {
      out[o] = sum / area;
    },
  );
}

export function avgPool2dBackward(grad: Float32Array, g: Conv2dGeometry, dx: Float32Array): void {
  const area = g.kH * g.kW;
  forEachWindow(
    g,
    () => {},
    (o, i) => {
      if (i >= 0) dx[i]! += grad[o]! / area;
    },
    () => {},
  );
}
