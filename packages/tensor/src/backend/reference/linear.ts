import type { LinearParams } from '../backend.js';
import { matmul } from './matmul.js';

// The reference linear op: the reference matmul, then bias and activation in one pass, each
// element rounded to float32 after the add as a separate add op would store it.
export function linear(
  x: Float32Array,
  weight: Float32Array,
  bias: Float32Array | null,
  out: Float32Array,
  { m, n, k, activation }: LinearParams,
): void {
  matmul(x, weight, out, { batch: 1, m, n, k, transA: false, transB: true });
  const relu = activation === 'relu';
  if (!bias && !relu) return;
  for (let i = 0; i < m; i++) {
    const row = i * n;
    for (let j = 0; j < n; j++) {
      const v = bias ? Math.fround(out[row + j]! + bias[j]!) : out[row + j]!;
      out[row + j] = relu ? Math.max(v, 0) : v;
    }
  }
}
