// The linear op: y = act(x·wᵀ + b), the GEMM of matmul.ts with the bias and activation applied to
// each output tile as it is finished (epilogue.ts), not in two more passes over y.

import { gemm } from './matmul';

/**
 * y[m×n] (row stride ldy floats) = act(x·wᵀ + bias) for x [m×k] (row stride k), w [n×k] (row
 * stride k) and bias [n] (0 for none); act is max(·, 0) when relu ≠ 0, else the identity.
 * `scratch` must hold matmulScratchBytes() bytes.
 */
export function linear(
  x: usize,
  w: usize,
  bias: usize,
  y: usize,
  ldy: i32,
  m: i32,
  n: i32,
  k: i32,
  relu: i32,
  scratch: usize,
): void {
  gemm(x, k, false, w, k, true, y, ldy, m, n, k, scratch, false, 0, bias, relu != 0);
}
