// Cheaper exp and log for the sparse KL kernel, whose operands are bounded: SimdMath's
// polynomials and range reductions (the same bits wherever both are defined), without the
// clamps, the subnormal path and the special-value selects that those operands never need. The
// accuracy test (src/backend/wasm/kl-math.test.ts) holds them to SimdMath bit for bit on their
// domains.

import { SimdMath } from './simd-math';

/** Lane-wise float32 exp and log on restricted domains. */
export class KlMath {
  /** e^x per lane for x in [−87, 87] (NaN stays NaN): SimdMath.exp without its clamp, 2ⁿ in one factor. */
  @inline static exp(x: v128): v128 {
    const shifted = SimdMath.expShift(x);
    const er = SimdMath.expOfRemainder(x, shifted);
    // n is in [−126, 126]: 2ⁿ is one normal factor, and the product rounds once, as in SimdMath.
    const ni = i32x4.sub(shifted, f32x4.splat(12582912));
    return f32x4.mul(er, i32x4.shl(i32x4.add(ni, i32x4.splat(127)), 23));
  }

  /** ln x per lane for finite normal x > 0 (from 1.17549435e-38 up): SimdMath.log's polynomial alone. */
  @inline static logNormal(x: v128): v128 {
    return SimdMath.logOfNormal(x, i32x4.splat(0));
  }

  /** ln x per lane for normal x > 0, +∞ or NaN (of either sign bit): those two give themselves. */
  @inline static logPositive(x: v128): v128 {
    const notFinite = i32x4.ge_s(v128.and(x, i32x4.splat(0x7fffffff)), i32x4.splat(0x7f800000));
    return v128.bitselect(x, KlMath.logNormal(x), notFinite);
  }
}
