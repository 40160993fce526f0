// Packed GEMM (BLIS/GotoBLAS layout) with a 4×8 f32x4 micro-kernel.
//
// C[m×n] = op(A)·op(B) for `batch` products. Packing copies a KC-deep slab of op(B) into 8-wide
// column panels and an MC×KC block of op(A) into 4-tall row panels, so the micro-kernel reads
// both contiguously whatever the transpose flags: Aᵀ·B and A·Bᵀ run as fast as A·B.
//
// Every output element is accumulated as ((0 + a₀b₀) + a₁b₁) + … in k order, in float32:
// blocking, tiling and the split across threads never change a bit. The plain build rounds every
// product and every sum; the relaxed-SIMD build (compiled with --enable relaxed-simd) does each
// step with f32x4.relaxed_madd, which the engine runs fused (one rounding) where the CPU has FMA
// and as a rounded multiply and add otherwise: the same order, possibly fewer roundings.
// An addend D is added to each finished element with one float32 add (never fused): the bits of
// a separate add after the product, in either build.

import { Epilogue } from './epilogue';
import { Geometry } from './geometry';
import { MicroKernel, MR, NR } from './micro-kernel';

const KC = 256;
const MC = 128;
const NC = 512;

/** Bytes of scratch one call of gemm needs (packed A block, packed B slab, edge tile). */
export function matmulScratchBytes(): i32 {
  return (MC * KC + KC * NC + MR * NR + 3 * KC) << 2;
}

/** Packing for the 4×8 micro-kernel (micro-kernel.ts). */
class Gemm {
  // A(i, p) of op(A); A is m×k (lda = k) or, transposed, k×m (lda = m).
  @inline static packA(
    a: usize,
    lda: i32,
    transA: bool,
    i0: i32,
    mc: i32,
    p0: i32,
    kc: i32,
    m: i32,
    dst: usize,
  ): void {
    for (let ip = 0; ip < mc; ip += MR) {
      const panel = dst + ((<usize>(ip * kc)) << 2);
      const rows = min(MR, m - i0 - ip);
      if (transA) {
        // Row p of the stored Aᵀ holds op(A)(·, p): MR consecutive floats.
        for (let q = 0; q < kc; q++) {
          const src = a + ((<usize>((p0 + q) * lda + i0 + ip)) << 2);
          const out = panel + ((<usize>(q * MR)) << 2);
          if (rows == MR) {
            v128.store(out, v128.load(src));
          } else {
            for (let r = 0; r < MR; r++)
              store<f32>(out + (r << 2), r < rows ? load<f32>(src + (r << 2)) : 0);
          }
        }
      } else {
        for (let r = 0; r < MR; r++) {
          const out = panel + (r << 2);
          if (r < rows) {
            const src = a + ((<usize>((i0 + ip + r) * lda + p0)) << 2);
            for (let q = 0; q < kc; q++)
              store<f32>(out + ((<usize>(q * MR)) << 2), load<f32>(src + ((<usize>q) << 2)));
          } else {
            for (let q = 0; q < kc; q++) store<f32>(out + ((<usize>(q * MR)) << 2), 0);
          }
        }
      }
    }
  }

  // B(p, j) of op(B); B is k×n (ldb = n) or, transposed, n×k (ldb = k).
  @inline static packB(
    b: usize,
    ldb: i32,
    transB: bool,
    j0: i32,
    nc: i32,
    p0: i32,
    kc: i32,
    n: i32,
    dst: usize,
  ): void {
    for (let jp = 0; jp < nc; jp += NR) {
      const panel = dst + ((<usize>(jp * kc)) << 2);
      const cols = min(NR, n - j0 - jp);
      if (!transB && cols == NR) {
        for (let q = 0; q < kc; q++) {
          const src = b + ((<usize>((p0 + q) * ldb + j0 + jp)) << 2);
          const out = panel + ((<usize>(q * NR)) << 2);
          v128.store(out, v128.load(src));
          v128.store(out, v128.load(src, 16), 16);
        }
      } else if (transB) {
        for (let c = 0; c < NR; c++) {
          const out = panel + (c << 2);
          if (c < cols) {
            const src = b + ((<usize>((j0 + jp + c) * ldb + p0)) << 2);
            for (let q = 0; q < kc; q++)
              store<f32>(out + ((<usize>(q * NR)) << 2), load<f32>(src + ((<usize>q) << 2)));
          } else {
            for (let q = 0; q < kc; q++) store<f32>(out + ((<usize>(q * NR)) << 2), 0);
          }
        }
      } else {
        for (let q = 0; q < kc; q++) {
          const src = b + ((<usize>((p0 + q) * ldb + j0 + jp)) << 2);
          const out = panel + ((<usize>(q * NR)) << 2);
          for (let c = 0; c < NR; c++)
            store<f32>(out + (c << 2), c < cols ? load<f32>(src + (c << 2)) : 0);
        }
      }
    }
  }

  // Implicit im2col: op(B) is the unfolded matrix of one image `img` (rows p = (c, ky, kx), columns
  // j = (oy, ox)), gathered straight into the packed panels, so the forward convolution never writes
  // the column matrix. `geo` points at the geometry words (geometry.ts).
  @inline static packBConv(
    img: usize,
    geo: usize,
    j0: i32,
    nc: i32,
    p0: i32,
    kc: i32,
    n: i32,
    dst: usize,
    rows: usize,
  ): void {
    const g = changetype<Geometry>(geo);
    const inH = g.inH,
      inW = g.inW,
      kH = g.kH,
      kW = g.kW,
      outW = g.outW;
    const sh = g.strideH,
      sw = g.strideW,
      ph = g.padH,
      pw = g.padW,
      dh = g.dilationH,
      dw = g.dilationW;
    // Per row p of the slab: channel offset, vertical and horizontal kernel offsets (no divisions below).
    for (let q = 0; q < kc; q++) {
      const p = p0 + q;
      const at = rows + ((<usize>(3 * q)) << 2);
      store<i32>(at, (p / (kW * kH)) * inH * inW);
      store<i32>(at, ((p / kW) % kH) * dh, 4);
      store<i32>(at, (p % kW) * dw, 8);
    }
    for (let jp = 0; jp < nc; jp += NR) {
      const panel = dst + ((<usize>(jp * kc)) << 2);
      const j = j0 + jp;
      const cols = min(NR, n - j);
      const oy = j / outW;
      const ox = j - oy * outW;
      // All NR columns in one output row with unit stride: each row of the panel is NR adjacent pixels.
      const oneRow = cols == NR && ox + NR <= outW && sw == 1;
      for (let q = 0; q < kc; q++) {
        const at = rows + ((<usize>(3 * q)) << 2);
        const chan = load<i32>(at);
        const offY = load<i32>(at, 4);
        const offX = load<i32>(at, 8);
        const out = panel + ((<usize>(q * NR)) << 2);
        const iy = oy * sh - ph + offY;
        const ix = ox - pw + offX;
        if (oneRow) {
          // One output row: a padding row is all zeros, an inner window one 8-float copy, and a
          // window over the left or right padding needs no division per element.
          if (iy < 0 || iy >= inH) {
            v128.store(out, f32x4.splat(0));
            v128.store(out, f32x4.splat(0), 16);
            continue;
          }
          const line = img + ((<usize>(chan + iy * inW)) << 2);
          if (ix >= 0 && ix + NR <= inW) {
            const src = line + ((<usize>ix) << 2);
            v128.store(out, v128.load(src));
            v128.store(out, v128.load(src, 16), 16);
            continue;
          }
          for (let t = 0; t < NR; t++) {
            const sx = ix + t;
            store<f32>(
              out + ((<usize>t) << 2),
              sx >= 0 && sx < inW ? load<f32>(line + ((<usize>sx) << 2)) : 0,
            );
          }
          continue;
        }
        for (let t = 0; t < NR; t++) {
          let v: f32 = 0;
          if (t < cols) {
            const jj = j + t;
            const y = jj / outW;
            const yx = jj - y * outW;
            const sy = y * sh - ph + offY;
            const sx = yx * sw - pw + offX;
            if (sy >= 0 && sy < inH && sx >= 0 && sx < inW)
              v = load<f32>(img + ((<usize>(chan + sy * inW + sx)) << 2));
          }
          store<f32>(out + ((<usize>t) << 2), v);
        }
      }
    }
  }
}

/**
 * C (m×n, row stride ldc) = (accumulateInto ? C : 0) + op(A)·op(B) (+ D), one product. With
 * `addend` (D's element (0, 0), D laid out like C), D is added to each tile as its last slab is
 * stored, before any epilogue (linear passes no addend, matmul no epilogue); with `convGeo`, op(B)
 * is the implicit im2col matrix of the image at b; with `epilogue` (an Epilogue's address), each
 * tile gets the linear op's bias, relu and dropout (epilogue.ts) once its last slab is done.
 */
export function gemm(
  a: usize,
  lda: i32,
  transA: bool,
  b: usize,
  ldb: i32,
  transB: bool,
  c: usize,
  ldc: i32,
  m: i32,
  n: i32,
  k: i32,
  scratch: usize,
  accumulateInto: bool = false,
  convGeo: usize = 0,
  epilogue: usize = 0,
  addend: usize = 0,
): void {
  const apack = scratch;
  const bpack = apack + ((<usize>(MC * KC)) << 2);
  const tile = bpack + ((<usize>(KC * NC)) << 2);
  if (k == 0) {
    if (!accumulateInto)
      for (let i = 0; i < m; i++) memory.fill(c + ((<usize>(i * ldc)) << 2), 0, (<usize>n) << 2);
    if (epilogue) Epilogue.block(epilogue, c, ldc, m, n, 0, 0);
    if (addend)
      for (let i = 0; i < m; i++)
        for (let j = 0; j < n; j++) {
          const at = (<usize>(i * ldc + j)) << 2;
          store<f32>(c + at, load<f32>(c + at) + load<f32>(addend + at));
        }
    return;
  }
  for (let j0 = 0; j0 < n; j0 += NC) {
    const nc = min(NC, n - j0);
    for (let p0 = 0; p0 < k; p0 += KC) {
      const kc = min(KC, k - p0);
      const accumulate = p0 > 0 || accumulateInto;
      const last = epilogue != 0 && p0 + kc == k;
      const lastAdd = addend != 0 && p0 + kc == k;
      if (convGeo)
        Gemm.packBConv(b, convGeo, j0, nc, p0, kc, n, bpack, tile + ((<usize>(MR * NR)) << 2));
      else Gemm.packB(b, ldb, transB, j0, nc, p0, kc, n, bpack);
      for (let i0 = 0; i0 < m; i0 += MC) {
        const mc = min(MC, m - i0);
        Gemm.packA(a, lda, transA, i0, mc, p0, kc, m, apack);
        for (let jp = 0; jp < nc; jp += NR) {
          const cols = min(NR, nc - jp);
          const bp = bpack + ((<usize>(jp * kc)) << 2);
          for (let ip = 0; ip < mc; ip += MR) {
            const rows = min(MR, mc - ip);
            const ap = apack + ((<usize>(ip * kc)) << 2);
            const at = (<usize>((i0 + ip) * ldc + j0 + jp)) << 2;
            const ct = c + at;
            const dt = lastAdd ? addend + at : 0;
            if (rows == MR && cols == NR) {
              MicroKernel.tile(ap, bp, kc, ct, ldc, accumulate, dt);
              if (last) Epilogue.tile(epilogue, ct, ldc, i0 + ip, j0 + jp);
            } else {
              // Edge tile: run the full kernel on a scratch tile, copy back the part that exists.
              for (let r = 0; r < MR; r++) {
                for (let q = 0; q < NR; q++) {
                  store<f32>(
                    tile + ((<usize>(r * NR + q)) << 2),
                    accumulate && r < rows && q < cols
                      ? load<f32>(ct + ((<usize>(r * ldc + q)) << 2))
                      : 0,
                  );
                }
              }
              MicroKernel.tile(ap, bp, kc, tile, NR, true);
              for (let r = 0; r < rows; r++) {
                for (let q = 0; q < cols; q++) {
                  const off = (<usize>(r * ldc + q)) << 2;
                  const v = load<f32>(tile + ((<usize>(r * NR + q)) << 2));
                  store<f32>(ct + off, dt ? v + load<f32>(dt + off) : v);
                }
              }
              if (last) Epilogue.block(epilogue, ct, ldc, rows, cols, i0 + ip, j0 + jp);
            }
          }
        }
      }
    }
  }
}

/**
 * `batch` products C[m×n] = op(A)·op(B) (+ D when `addend` ≠ 0); matrix t of A, B, C starts
 * `strideA/B/C` floats after matrix t-1, and D (at `addend`) has C's layout. Leading dimensions
 * are in floats. `scratch` must hold matmulScratchBytes() bytes.
 */
export function matmul(
  batch: i32,
  a: usize,
  strideA: i32,
  lda: i32,
  transA: i32,
  b: usize,
  strideB: i32,
  ldb: i32,
  transB: i32,
  c: usize,
  strideC: i32,
  ldc: i32,
  addend: usize,
  m: i32,
  n: i32,
  k: i32,
  scratch: usize,
): void {
  for (let t = 0; t < batch; t++) {
    const offC = (<usize>(t * strideC)) << 2;
    gemm(
      a + ((<usize>(t * strideA)) << 2),
      lda,
      transA != 0,
      b + ((<usize>(t * strideB)) << 2),
      ldb,
      transB != 0,
      c + offC,
      ldc,
      m,
      n,
      k,
      scratch,
      false,
      0,
      0,
      addend ? addend + offC : 0,
    );
  }
}
