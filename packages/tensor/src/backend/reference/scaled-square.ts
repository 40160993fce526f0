// exp(s)·x² and its two gradients, each element in float64 from the float32 operands, rounded
// once: the oracle of the wasm kernel (assembly/scaled-square.ts), which works in float32.

export function scaledSquare(
  x: Float32Array,
  logScale: Float32Array,
  out: Float32Array,
  scaled: Float32Array | null,
): void {
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    const sx = Math.exp(logScale[i]!) * v;
    out[i] = sx * v;
    if (scaled) scaled[i] = sx;
  }
}

export function scaledSquareBackward(
  grad: Float32Array,
  scaled: Float32Array,
  out: Float32Array,
  dx: Float32Array,
  dLogScale: Float32Array,
  dxAddend: Float32Array | null,
  dsAddend: Float32Array | null,
): void {
  for (let i = 0; i < grad.length; i++) {
    const g = grad[i]!;
    // Each gradient is rounded to float32 before its addend is added (and rounded again), as
    // `add(addend, gradient)` would.
    const gx = Math.fround(2 * scaled[i]! * g);
    const gs = Math.fround(out[i]! * g);
    dx[i] = dxAddend ? dxAddend[i]! + gx : gx;
    dLogScale[i] = dsAddend ? dsAddend[i]! + gs : gs;
  }
}
