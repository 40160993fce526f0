// exp(s)·x² and its two gradients, each element in float64 from the float32 operands, rounded
// once: the oracle of the wasm kernel (assembly/scaled-square.ts), which works in float32.

export function scaledSquare(x: Float32Array, logScale: Float32Array, out: Float32Array): void {
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    out[i] = Math.exp(logScale[i]!) * v * v;
  }
}

export function scaledSquareBackward(
  x: Float32Array,
  logScale: Float32Array,
  grad: Float32Array,
  dx: Float32Array,
  dLogScale: Float32Array,
): void {
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    const scaled = Math.exp(logScale[i]!) * v;
    dx[i] = 2 * scaled * grad[i]!;
    dLogScale[i] = scaled * v * grad[i]!;
  }
}
