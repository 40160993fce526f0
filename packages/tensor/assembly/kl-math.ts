// Cheaper exp and log for the sparse KL kernel, whose operands are bounded: SimdMath's
// polynomials and range reductions (the same bits wherever both are defined), without the
// clamps, the subnormal path and the special-value selects that those operands never need. The
// accuracy test (src/backend/wasm/kl-math.test.ts) holds them to SimdMath bit for bit on their
// domains.

/** Lane-wise float32 exp and log on restricted domains. */
export class KlMath {
  /** e^x per lane for x in [−87, 87] (NaN stays NaN): SimdMath.exp without its clamp, 2ⁿ in one factor. */
  @inline static exp(x: v128): v128 {
    const shifted = f32x4.add(f32x4.mul(x, f32x4.splat(<f32>Math.LOG2E)), f32x4.splat(12582912));
    const n = f32x4.sub(shifted, f32x4.splat(12582912));
    const ni = i32x4.sub(shifted, f32x4.splat(12582912));
    let r = f32x4.sub(x, f32x4.mul(n, f32x4.splat(0.693359375)));
    r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(-2.1219444e-4)));
    let p = f32x4.splat(1.98756915e-4);
    p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.3981999507e-3));
    p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073e-3));
    p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894e-2));
    p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459e-1));
    p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201e-1));
    const er = f32x4.add(f32x4.add(f32x4.mul(p, f32x4.mul(r, r)), r), f32x4.splat(1));
    // n is in [−126, 126]: 2ⁿ is one normal factor, and the product rounds once, as in SimdMath.
    return f32x4.mul(er, i32x4.shl(i32x4.add(ni, i32x4.splat(127)), 23));
  }

  /** ln x per lane for finite normal x > 0 (from 1.17549435e-38 up): SimdMath.log's polynomial alone. */
  @inline static logNormal(x: v128): v128 {
    // x = m·2^e with m in [√½, √2); ln x = ln(1 + f) + e·ln 2, f = m − 1.
    let e = i32x4.sub(i32x4.shr_u(x, 23), i32x4.splat(126));
    let m = v128.or(v128.and(x, i32x4.splat(0x007fffff)), i32x4.splat(0x3f000000));
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

  /** ln x per lane for normal x > 0, +∞ or NaN (of either sign bit): those two give themselves. */
  @inline static logPositive(x: v128): v128 {
    const notFinite = i32x4.ge_s(v128.and(x, i32x4.splat(0x7fffffff)), i32x4.splat(0x7f800000));
    return v128.bitselect(x, KlMath.logNormal(x), notFinite);
  }
}
