// The linear op: y = drop(act(x·wᵀ + b)), the GEMM of matmul.ts with the bias, activation and
// dropout applied to each output tile as it is finished (epilogue.ts), not in more passes over y.

import { Epilogue } from './epilogue';
import { gemm, matmulScratchBytes } from './matmul';

/** Bytes of scratch one call of linear needs: gemm's, then the epilogue's parameters. */
export function linearScratchBytes(): i32 {
  return matmulScratchBytes() + <i32>offsetof<Epilogue>();
}

/**
 * y[m×n] (row stride ldy floats) = drop(act(x·wᵀ + bias)) for x [m×k] (row stride k), w [n×k]
 * (row stride k) and bias [n] (0 for none); act is max(·, 0) when relu ≠ 0, else the identity.
 * With keepThreshold > 0, element e of y is kept, times `scale`, when the top 24 bits of the
 * counter hash of (first + e's offset from y, key k0/k1) are below keepThreshold (dropout.ts's
 * mask), else 0. `scratch` must hold linearScratchBytes() bytes.
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
  keepThreshold: i32,
  scale: f32,
  k0: i32,
  k1: i32,
  first: i32,
  scratch: usize,
): void {
  const ep = scratch + <usize>matmulScratchBytes();
  const e = changetype<Epilogue>(ep);
  e.bias = bias;
  e.relu = relu;
  e.keepThreshold = keepThreshold;
  e.scale = scale;
  e.k0 = k0;
  e.k1 = k1;
  e.first = first;
  const any = bias != 0 || relu != 0 || keepThreshold != 0;
  gemm(x, k, false, w, k, true, y, ldy, m, n, k, scratch, false, 0, any ? ep : 0);
}
