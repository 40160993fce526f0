// exp, log, log1p, sigmoid and tanh of four float32 lanes at once, for the unary kernel and the
// fused kernels that need a transcendental per element. Cephes' single-precision methods (S. L.
// Moshier, "Methods and Programs for Mathematical Functions", 1989: expf, logf, tanhf): a range
// reduction to a short interval, a minimax polynomial there, and the exponent put back exactly.
// Plain SIMD multiplies and adds, no FMA, so every host computes the same bits. Within a few
// float32 ulps of the correctly rounded result (the bound the tests hold is stated there); IEEE
// special values (±0, ±∞, NaN, subnormals) as Math.* gives them.

/** Lane-wise float32 transcendental functions. */
export class SimdMath {
  /** e^x per lane; 0 below ln(2⁻¹⁵⁰), +∞ above ln(FLT_MAX), NaN stays NaN. */
  @inline static exp(x: v128): v128 {
    // Past these e^x is 0 or +∞ in float32; inside them 2ⁿ splits into two normal factors.
    // pmin/pmax (one instruction each) keep a NaN x, which is their first operand.
    const clamped = f32x4.pmax(f32x4.pmin(x, f32x4.splat(89)), f32x4.splat(-104));
    const shifted = SimdMath.expShift(clamped);
    const er = SimdMath.expOfRemainder(clamped, shifted);
    // ·2ⁿ as 2^⌊n/2⌋·2^(n−⌊n/2⌋): each factor normal for n in [−150, 129], one rounding at the end.
    const ni = i32x4.sub(shifted, f32x4.splat(12582912));
    const half = i32x4.shr_s(ni, 1);
    const scaleA = i32x4.shl(i32x4.add(half, i32x4.splat(127)), 23);
    const scaleB = i32x4.shl(i32x4.add(i32x4.sub(ni, half), i32x4.splat(127)), 23);
    return f32x4.mul(f32x4.mul(er, scaleA), scaleB);
  }

  /**
   * x·log₂e + 1.5·2²³: adding 1.5·2²³ rounds x·log₂e to the integer n of x = n·ln 2 + r and
   * leaves n in the low bits (n = this − 1.5·2²³ as a float, and as the integers' difference).
   */
  @inline static expShift(x: v128): v128 {
    return f32x4.add(f32x4.mul(x, f32x4.splat(<f32>Math.LOG2E)), f32x4.splat(12582912));
  }

  /** e^r for r = x − n·ln 2, |r| ≤ ln(2)/2 (n from {@link SimdMath.expShift}): 1 + r + r²·P(r). */
  @inline static expOfRemainder(x: v128, shifted: v128): v128 {
    const n = f32x4.sub(shifted, f32x4.splat(12582912));
    // ln 2 in two parts so n·ln2Hi is exact.
    let r = f32x4.sub(x, f32x4.mul(n, f32x4.splat(0.693359375)));
    r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(-2.1219444e-4)));
    let p = f32x4.splat(1.98756915e-4);
    p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.3981999507e-3));
    p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073e-3));
    p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894e-2));
    p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459e-1));
    p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201e-1));
    return f32x4.add(f32x4.add(f32x4.mul(p, f32x4.mul(r, r)), r), f32x4.splat(1));
  }

  /** ln x per lane: −∞ at ±0, NaN below 0, +∞ at +∞, NaN stays NaN; subnormals exact in range. */
  @inline static log(x: v128): v128 {
    // Subnormals: scale by 2²³ into the normal range and take 23 off the exponent.
    const tiny = f32x4.lt(x, f32x4.splat(1.17549435e-38));
    const xs = v128.bitselect(f32x4.mul(x, f32x4.splat(8388608)), x, tiny);
    let out = SimdMath.logOfNormal(xs, v128.and(tiny, i32x4.splat(23)));
    // Special values, in order: +∞ → +∞; ±0 → −∞; below 0 or NaN → NaN.
    out = v128.bitselect(x, out, f32x4.eq(x, f32x4.splat(Infinity)));
    out = v128.bitselect(f32x4.splat(-Infinity), out, f32x4.eq(x, f32x4.splat(0)));
    return v128.bitselect(out, f32x4.splat(NaN), f32x4.ge(x, f32x4.splat(0)));
  }

  /** ln(x·2^−shift) per lane for finite normal x > 0 and i32 `shift` (0 where x needs none). */
  @inline static logOfNormal(x: v128, shift: v128): v128 {
    // x = m·2^e with m in [0.5, 1).
    let e = i32x4.sub(i32x4.sub(i32x4.shr_u(x, 23), i32x4.splat(126)), shift);
    let m = v128.or(v128.and(x, i32x4.splat(0x007fffff)), i32x4.splat(0x3f000000));
    // m in [√½, √2) after doubling the small ones; then ln x = ln(1 + f) + e·ln 2, f = m − 1.
    const small = f32x4.lt(m, f32x4.splat(<f32>Math.SQRT1_2));
    e = i32x4.add(e, small); // true lanes are −1
    m = f32x4.add(m, v128.and(m, small));
    const f = f32x4.sub(m, f32x4.splat(1));
    const ef = f32x4.convert_i32x4_s(e);
    const z = f32x4.mul(f, f);
    let p = f32x4.splat(7.0376836292e-2);
    p = f32x4.add(f32x4.mul(p, f), f32x4.splat(-1.151461031e-1));
    p = f32x4.add(f32x4.mul(p, f), f32x4.splat(1.167699874e-1));
    p = f32x4.add(f32x4.mul(p, f), f32x4.splat(-1.2420140846e-1));
    p = f32x4.add(f32x4.mul(p, f), f32x4.splat(1.4249322787e-1));
    p = f32x4.add(f32x4.mul(p, f), f32x4.splat(-1.6668057665e-1));
    p = f32x4.add(f32x4.mul(p, f), f32x4.splat(2.0000714765e-1));
    p = f32x4.add(f32x4.mul(p, f), f32x4.splat(-2.4999993993e-1));
    p = f32x4.add(f32x4.mul(p, f), f32x4.splat(3.3333331174e-1));
    let y = f32x4.mul(f32x4.mul(p, f), z);
    y = f32x4.add(y, f32x4.mul(ef, f32x4.splat(-2.1219444e-4)));
    y = f32x4.sub(y, f32x4.mul(z, f32x4.splat(0.5)));
    return f32x4.add(f32x4.add(f, y), f32x4.mul(ef, f32x4.splat(0.693359375)));
  }

  /** ln(1 + x) per lane, accurate near 0: −∞ at −1, NaN below −1, +∞ at +∞. */
  @inline static log1p(x: v128): v128 {
    // Goldberg's trick: u = 1 + x rounds, but x/(u − 1) corrects ln u by what the rounding lost.
    const u = f32x4.add(x, f32x4.splat(1));
    const d = f32x4.sub(u, f32x4.splat(1));
    const lu = SimdMath.log(u);
    let out = f32x4.mul(lu, f32x4.div(x, d));
    // u = 1: ln(1 + x) = x to float32 precision. u = ±∞ or x = −1: ln u itself (x/d is ∞/∞ or 1).
    out = v128.bitselect(x, out, f32x4.eq(d, f32x4.splat(0)));
    const edge = v128.or(f32x4.eq(u, f32x4.splat(Infinity)), f32x4.eq(u, f32x4.splat(0)));
    return v128.bitselect(lu, out, edge);
  }

  /** 1/(1 + e^−x) per lane, from e^−|x| so nothing overflows: e^x/(1 + e^x) for x < 0. */
  @inline static sigmoid(x: v128): v128 {
    const e = SimdMath.exp(f32x4.neg(f32x4.abs(x)));
    // x < 0 (or −0: the same value): e/(1 + e); else 1/(1 + e). NaN: 1 + e is NaN either way.
    const num = v128.bitselect(e, f32x4.splat(1), f32x4.lt(x, f32x4.splat(0)));
    return f32x4.div(num, f32x4.add(f32x4.splat(1), e));
  }

  /** tanh x per lane: an odd polynomial for |x| < 0.625, 1 − 2/(e^2|x| + 1) beyond (sign restored). */
  @inline static tanh(x: v128): v128 {
    const ax = f32x4.abs(x);
    const z = f32x4.mul(x, x);
    let p = f32x4.splat(-5.70498872745e-3);
    p = f32x4.add(f32x4.mul(p, z), f32x4.splat(2.06390887954e-2));
    p = f32x4.add(f32x4.mul(p, z), f32x4.splat(-5.37397155531e-2));
    p = f32x4.add(f32x4.mul(p, z), f32x4.splat(1.33314422036e-1));
    p = f32x4.add(f32x4.mul(p, z), f32x4.splat(-3.33332819422e-1));
    // ±0 stays itself (x + x·z·P(z) would turn −0 into +0).
    const near = v128.bitselect(
      x,
      f32x4.add(f32x4.mul(f32x4.mul(p, z), x), x),
      f32x4.eq(x, f32x4.splat(0)),
    );
    const e = SimdMath.exp(f32x4.add(ax, ax));
    const far = f32x4.sub(f32x4.splat(1), f32x4.div(f32x4.splat(2), f32x4.add(e, f32x4.splat(1))));
    // Copy x's sign onto the far branch (its magnitude is ≥ 0); NaN lanes take `near`, still NaN.
    const signed = v128.or(far, v128.and(x, f32x4.splat(-0.0)));
    return v128.bitselect(signed, near, f32x4.ge(ax, f32x4.splat(0.625)));
  }
}
