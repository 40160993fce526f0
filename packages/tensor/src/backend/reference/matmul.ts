import type { MatmulParams } from '../backend.js';

// Packed GEMM in the style of BLIS/GotoBLAS, in plain TypeScript:
// - a KC-deep slab of op(B) is packed into NR-wide column panels, and an MC×KC block of op(A) into
//   MR-tall row panels, so the micro-kernel reads both contiguously whatever the transpose flags
//   (packing absorbs the transposes: Aᵀ·B and A·Bᵀ cost the same as A·B);
// - the 4×4 micro-kernel keeps 16 accumulators in registers (doubles in V8) and does 16
//   multiply-adds per 8 loads.
// Rounding: within one KC-deep slab an output's products (exact in float64) are summed in float64
// in k order; the slab's sum is then added into the float32 output, which rounds. So an output is
// rounded to float32 once per 256-deep slab of k: once for k ≤ 256, ⌈k/256⌉ times in general
// (not one float64 sum over all of k; the wasm kernel rounds every product and sum to float32).
const MR = 4;
const NR = 4;
const KC = 256;
const MC = 128;

function gemm(
  a: Float32Array,
  b: Float32Array,
  out: Float32Array,
  m: number,
  n: number,
  k: number,
  transA: boolean,
  transB: boolean,
  bp: Float32Array,
  ap: Float32Array,
): void {
  out.fill(0, 0, m * n);
  const nPanels = Math.ceil(n / NR);
  for (let p0 = 0; p0 < k; p0 += KC) {
    const kc = Math.min(KC, k - p0);
    for (let jp = 0; jp < nPanels; jp++) {
      const base = jp * kc * NR;
      for (let q = 0; q < kc; q++) {
        for (let c = 0; c < NR; c++) {
          const j = jp * NR + c;
          bp[base + q * NR + c] = j < n ? (transB ? b[j * k + p0 + q]! : b[(p0 + q) * n + j]!) : 0;
        }
      }
    }
    for (let i0 = 0; i0 < m; i0 += MC) {
      const mc = Math.min(MC, m - i0);
      const mPanels = Math.ceil(mc / MR);
      for (let ip = 0; ip < mPanels; ip++) {
        const base = ip * kc * MR;
        for (let q = 0; q < kc; q++) {
          for (let r = 0; r < MR; r++) {
            const i = i0 + ip * MR + r;
            ap[base + q * MR + r] =
              i < m ? (transA ? a[(p0 + q) * m + i]! : a[i * k + p0 + q]!) : 0;
          }
        }
      }
      for (let jp = 0; jp < nPanels; jp++) {
        for (let ip = 0; ip < mPanels; ip++) {
          microKernel(ap, ip * kc * MR, bp, jp * kc * NR, kc, out, i0 + ip * MR, jp * NR, m, n);
        }
      }
    }
  }
}

function microKernel(
  ap: Float32Array,
  pa: number,
  bp: Float32Array,
  pb: number,
  kc: number,
  out: Float32Array,
  i: number,
  j: number,
  m: number,
  n: number,
): void {
  let c00 = 0,
    c01 = 0,
    c02 = 0,
    c03 = 0;
  let c10 = 0,
    c11 = 0,
    c12 = 0,
    c13 = 0;
  let c20 = 0,
    c21 = 0,
    c22 = 0,
    c23 = 0;
  let c30 = 0,
    c31 = 0,
    c32 = 0,
    c33 = 0;
  for (let q = 0; q < kc; q++, pa += MR, pb += NR) {
    const a0 = ap[pa]!,
      a1 = ap[pa + 1]!,
      a2 = ap[pa + 2]!,
      a3 = ap[pa + 3]!;
    const b0 = bp[pb]!,
      b1 = bp[pb + 1]!,
      b2 = bp[pb + 2]!,
      b3 = bp[pb + 3]!;
    c00 += a0 * b0;
    c01 += a0 * b1;
    c02 += a0 * b2;
    c03 += a0 * b3;
    c10 += a1 * b0;
    c11 += a1 * b1;
    c12 += a1 * b2;
    c13 += a1 * b3;
    c20 += a2 * b0;
    c21 += a2 * b1;
    c22 += a2 * b2;
    c23 += a2 * b3;
    c30 += a3 * b0;
    c31 += a3 * b1;
    c32 += a3 * b2;
    c33 += a3 * b3;
  }
  if (i + MR <= m && j + NR <= n) {
    let o = i * n + j;
    out[o]! += c00;
    out[o + 1]! += c01;
    out[o + 2]! += c02;
    out[o + 3]! += c03;
    o += n;
    out[o]! += c10;
    out[o + 1]! += c11;
    out[o + 2]! += c12;
    out[o + 3]! += c13;
    o += n;
    out[o]! += c20;
    out[o + 1]! += c21;
    out[o + 2]! += c22;
    out[o + 3]! += c23;
    o += n;
    out[o]! += c30;
    out[o + 1]! += c31;
    out[o + 2]! += c32;
    out[o + 3]! += c33;
    return;
  }
  // Edge tile: write only the rows and columns that exist.
  const c = [c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33];
  for (let r = 0; r < MR && i + r < m; r++) {
    for (let s = 0; s < NR && j + s < n; s++) out[(i + r) * n + j + s]! += c[r * NR + s]!;
  }
}

export function matmul(
  a: Float32Array,
  b: Float32Array,
  out: Float32Array,
  p: MatmulParams,
  addend: Float32Array | null = null,
): void {
  const { batch, m, n, k, transA, transB } = p;
  const kc = Math.min(KC, k);
  const bp = new Float32Array(kc * Math.ceil(n / NR) * NR);
  const ap = new Float32Array(kc * Math.min(MC, Math.ceil(m / MR) * MR));
  for (let i = 0; i < batch; i++) {
    gemm(
      a.subarray(i * m * k, (i + 1) * m * k),
      b.subarray(i * k * n, (i + 1) * k * n),
      out.subarray(i * m * n, (i + 1) * m * n),
      m,
      n,
      k,
      transA,
      transB,
      bp,
      ap,
    );
  }
  // After the whole product, as a separate add would: the float64 sum of two float32 values
  // rounded to float32 is their float32 sum.
  if (addend) for (let i = 0; i < batch * m * n; i++) out[i]! += addend[i]!;
}
