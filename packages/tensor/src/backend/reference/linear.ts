import type { LinearParams } from '../backend.js';
import { keepBit } from './dropout.js';
import { matmul } from './matmul.js';

// The reference linear op: the reference matmul, then bias, activation and dropout in one pass,
// each element rounded to float32 after the add as a separate add op would store it, and dropped
// with dropout's keep bit of its flat index.
export function linear(
  x: Float32Array,
  weight: Float32Array,
  bias: Float32Array | null,
  out: Float32Array,
  { m, n, k, activation, dropout }: LinearParams,
): void {
  matmul(x, weight, out, { batch: 1, m, n, k, transA: false, transB: true });
  const relu = activation === 'relu';
  if (!bias && !relu && !dropout) return;
  const k0 = dropout ? dropout.key.lo | 0 : 0;
  const k1 = dropout ? dropout.key.hi | 0 : 0;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      const e = i * n + j;
      let v = bias ? Math.fround(out[e]! + bias[j]!) : out[e]!;
      if (relu) v = Math.max(v, 0);
      if (dropout) v = v * keepBit(e, k0, k1, dropout.keepThreshold) * dropout.scale;
      out[e] = v;
    }
  }
}
