import type { AxisParams } from '../backend.js';

export function logSoftmax(
  x: Float32Array,
  out: Float32Array,
  { outer, size, inner }: AxisParams,
): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * size * inner + i;
      let max = -Infinity;
      for (let s = 0; s < size; s++) max = Math.max(max, x[base + s * inner]!);
      // Entries at -inf get exp(-inf - max) = 0 and log-probability -inf, as in PyTorch. A row
      // whose max is not finite has no defined distribution: +inf or NaN anywhere, or only -inf,
      // gives NaN everywhere (PyTorch's result), never a mix of NaN and -inf.
      if (!Number.isFinite(max)) {
        for (let s = 0; s < size; s++) out[base + s * inner] = Number.NaN;
        continue;
      }
      const shift = max;
      let sum = 0;
      for (let s = 0; s < size; s++) sum += Math.exp(x[base + s * inner]! - shift);
      const lse = shift + Math.log(sum);
      for (let s = 0; s < size; s++) out[base + s * inner] = x[base + s * inner]! - lse;
    }
  }
}
