// exp(s)·x² and its two gradients, each element in float64 from the float32 operands, rounded
// once: the oracle of the wasm kernel (assembly/scaled-square.ts), which works in float32.
import type { Backend } from '../backend.js';

export const scaledSquare: Backend['scaledSquare'] = (x, logScale, out, scaled) => {
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    const sx = Math.exp(logScale[i]!) * v;
    out[i] = sx * v;
    if (scaled) scaled[i] = sx;
  }
};

export const scaledSquareBackward: Backend['scaledSquareBackward'] = (
  grad,
  scaled,
  out,
  dx,
  dLogScale,
  dxAddend,
  dsAddend,
) => {
  for (let i = 0; i < grad.length; i++) {
    const g = grad[i]!;
    // Each gradient is rounded to float32 before its addend is added (and rounded again), as
    // `add(addend, gradient)` would.
    const gx = Math.fround(2 * scaled[i]! * g);
    const gs = Math.fround(out[i]! * g);
    dx[i] = dxAddend ? dxAddend[i]! + gx : gx;
    dLogScale[i] = dsAddend ? dsAddend[i]! + gs : gs;
  }
};
