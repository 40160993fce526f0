// The 4×8 f32x4 micro-kernel of matmul.ts's packed GEMM: one MR×NR tile of C from a packed
// MR-tall panel of op(A) and a packed NR-wide panel of op(B), in 8 accumulator registers.

/** Rows of a micro-tile (the packed A panels' height). */
export const MR = 4;
/** Columns of a micro-tile (the packed B panels' width). */
export const NR = 8;

/** The micro-kernel and its multiply-add step. */
export class MicroKernel {
  // c + a·b on four lanes: relaxed_madd in the relaxed-SIMD build, else the product rounded, then
  // the sum (ASC_FEATURE_RELAXED_SIMD is a compile-time constant: the plain build is unchanged).
  @inline static madd(a: v128, b: v128, c: v128): v128 {
    if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
    return f32x4.add(c, f32x4.mul(a, b));
  }

  // C tile (MR×NR at c, row stride ldc floats) = (accumulate ? C : 0) + Apanel·Bpanel over kc,
  // plus the tile at d (C's row stride) after the last product when d ≠ 0: the addend rides along
  // with the stores, so it costs no second pass over C (an epilogue pass that reloads the tile
  // measured no faster than a separate add).
  @inline static tile(
    ap: usize,
    bp: usize,
    kc: i32,
    c: usize,
    ldc: i32,
    accumulate: bool,
    d: usize = 0,
  ): void {
    const rs = (<usize>ldc) << 2;
    let c00: v128, c01: v128, c10: v128, c11: v128, c20: v128, c21: v128, c30: v128, c31: v128;
    if (accumulate) {
      c00 = v128.load(c);
      c01 = v128.load(c, 16);
      c10 = v128.load(c + rs);
      c11 = v128.load(c + rs, 16);
      c20 = v128.load(c + 2 * rs);
      c21 = v128.load(c + 2 * rs, 16);
      c30 = v128.load(c + 3 * rs);
      c31 = v128.load(c + 3 * rs, 16);
    } else {
      c00 = f32x4.splat(0);
      c01 = c00;
      c10 = c00;
      c11 = c00;
      c20 = c00;
      c21 = c00;
      c30 = c00;
      c31 = c00;
    }
    const end = ap + ((<usize>(kc * MR)) << 2);
    while (ap < end) {
      const b0 = v128.load(bp);
      const b1 = v128.load(bp, 16);
      let a = v128.load32_splat(ap);
      c00 = MicroKernel.madd(a, b0, c00);
      c01 = MicroKernel.madd(a, b1, c01);
      a = v128.load32_splat(ap, 4);
      c10 = MicroKernel.madd(a, b0, c10);
      c11 = MicroKernel.madd(a, b1, c11);
      a = v128.load32_splat(ap, 8);
      c20 = MicroKernel.madd(a, b0, c20);
      c21 = MicroKernel.madd(a, b1, c21);
      a = v128.load32_splat(ap, 12);
      c30 = MicroKernel.madd(a, b0, c30);
      c31 = MicroKernel.madd(a, b1, c31);
      ap += MR << 2;
      bp += NR << 2;
    }
    if (d) {
      c00 = f32x4.add(c00, v128.load(d));
      c01 = f32x4.add(c01, v128.load(d, 16));
      c10 = f32x4.add(c10, v128.load(d + rs));
      c11 = f32x4.add(c11, v128.load(d + rs, 16));
      c20 = f32x4.add(c20, v128.load(d + 2 * rs));
      c21 = f32x4.add(c21, v128.load(d + 2 * rs, 16));
      c30 = f32x4.add(c30, v128.load(d + 3 * rs));
      c31 = f32x4.add(c31, v128.load(d + 3 * rs, 16));
    }
    v128.store(c, c00);
    v128.store(c, c01, 16);
    v128.store(c + rs, c10);
    v128.store(c + rs, c11, 16);
    v128.store(c + 2 * rs, c20);
    v128.store(c + 2 * rs, c21, 16);
    v128.store(c + 3 * rs, c30);
    v128.store(c + 3 * rs, c31, 16);
  }
}
