// Uniform and normal random floats from the counter-based bits of counter-hash.ts, bit-identical
// to the reference backend's; any split of the index range gives the same numbers.
import { CounterHash } from './counter-hash';

/** out[i] = (bits(first + i) >>> 8)·2⁻²⁴: uniform floats in [0, 1). */
export function uniform(out: usize, n: i32, first: i32, k0: i32, k1: i32): void {
  const vk0 = i32x4.splat(k0);
  const vk1 = i32x4.splat(k1);
  const unit = f32x4.splat(<f32>(1.0 / 16777216.0));
  let counter = i32x4.add(i32x4.splat(first), i32x4(0, 1, 2, 3));
  const four = i32x4.splat(4);
  const n4 = n & ~3;
  let i = 0;
  for (; i < n4; i += 4) {
    const bits = i32x4.shr_u(CounterHash.hash4(counter, vk0, vk1), 8);
    v128.store(out + ((<usize>i) << 2), f32x4.mul(f32x4.convert_i32x4_s(bits), unit));
    counter = i32x4.add(counter, four);
  }
  for (; i < n; i++) {
    store<f32>(
      out + ((<usize>i) << 2),
      <f32>(CounterHash.hash1(first + i, k0, k1) >>> 8) * <f32>(1.0 / 16777216.0),
    );
  }
}

// Box–Muller, operation for operation as src/random/box-muller.ts (float64, no libm), so the
// normals match the reference backend bit for bit. Two pairs per step, one per f64x2 lane.

// biome-ignore lint/suspicious/noApproximativeNumericConstant: the literal box-muller.ts uses
const SQRT2: f64 = 1.4142135623730951;
// biome-ignore lint/suspicious/noApproximativeNumericConstant: the literal box-muller.ts uses
const LN2: f64 = 0.6931471805599453;
const TWO_PI: f64 = 6.283185307179586;
const UNIT: f64 = 1.0 / 16777216.0;

/** Box–Muller in float64, two pairs per step. */
class BoxMuller {
  @inline static step(p: v128, x: v128, c: f64): v128 {
    return f64x2.add(f64x2.mul(p, x), f64x2.splat(c));
  }

  // Series coefficients as in box-muller.ts: atanh 1/(2j+1), sin (-1)^j/(2j+1)!, cos (-1)^j/(2j)!.
  @inline static atanhSeries(x: v128): v128 {
    let p = f64x2.splat(0.043478260869565216);
    p = BoxMuller.step(p, x, 0.047619047619047616);
    p = BoxMuller.step(p, x, 0.05263157894736842);
    p = BoxMuller.step(p, x, 0.058823529411764705);
    p = BoxMuller.step(p, x, 0.06666666666666667);
    p = BoxMuller.step(p, x, 0.07692307692307693);
    p = BoxMuller.step(p, x, 0.09090909090909091);
    p = BoxMuller.step(p, x, 0.1111111111111111);
    p = BoxMuller.step(p, x, 0.14285714285714285);
    p = BoxMuller.step(p, x, 0.2);
    p = BoxMuller.step(p, x, 0.3333333333333333);
    return BoxMuller.step(p, x, 1);
  }

  @inline static sinOverA(x: v128): v128 {
    let p = f64x2.splat(2.8114572543455206e-15);
    p = BoxMuller.step(p, x, -7.647163731819816e-13);
    p = BoxMuller.step(p, x, 1.6059043836821613e-10);
    p = BoxMuller.step(p, x, -2.505210838544172e-8);
    p = BoxMuller.step(p, x, 2.7557319223985893e-6);
    p = BoxMuller.step(p, x, -0.0001984126984126984);
    p = BoxMuller.step(p, x, 0.008333333333333333);
    p = BoxMuller.step(p, x, -0.16666666666666666);
    return BoxMuller.step(p, x, 1);
  }

  @inline static cosOfA(x: v128): v128 {
    let p = f64x2.splat(-1.5619206968586225e-16);
    p = BoxMuller.step(p, x, 4.779477332387385e-14);
    p = BoxMuller.step(p, x, -1.1470745597729725e-11);
    p = BoxMuller.step(p, x, 2.08767569878681e-9);
    p = BoxMuller.step(p, x, -2.755731922398589e-7);
    p = BoxMuller.step(p, x, 2.48015873015873e-5);
    p = BoxMuller.step(p, x, -0.001388888888888889);
    p = BoxMuller.step(p, x, 0.041666666666666664);
    p = BoxMuller.step(p, x, -0.5);
    return BoxMuller.step(p, x, 1);
  }

  // Normals for counters (c, c+1, c+2, c+3) as f32x4: pairs (c, c+1) and (c+2, c+3).
  @inline static normal4(counter: v128, vk0: v128, vk1: v128): v128 {
    const bits = i32x4.shr_u(CounterHash.hash4(counter, vk0, vk1), 8);
    // Lanes (pair A, pair B): k1 + 1 from counters c, c + 2; k2 from c + 1, c + 3.
    const kf = f64x2.convert_low_i32x4_s(
      i32x4.add(
        i8x16.shuffle(bits, bits, 0, 1, 2, 3, 8, 9, 10, 11, 0, 1, 2, 3, 8, 9, 10, 11),
        i32x4.splat(1),
      ),
    );
    const k2 = f64x2.convert_low_i32x4_s(
      i8x16.shuffle(bits, bits, 4, 5, 6, 7, 12, 13, 14, 15, 4, 5, 6, 7, 12, 13, 14, 15),
    );
    // k1 + 1 = m·2^e from its float64 bits; m in (√½, √2].
    let e = i64x2.sub(i64x2.shr_u(kf, 52), i64x2.splat(1023));
    let m = v128.or(v128.and(kf, i64x2.splat(0x000fffffffffffff)), i64x2.splat(0x3ff0000000000000));
    const big = f64x2.gt(m, f64x2.splat(SQRT2));
    m = v128.bitselect(f64x2.mul(m, f64x2.splat(0.5)), m, big);
    e = i64x2.sub(e, big);
    const ef = f64x2.convert_low_i32x4_s(
      i8x16.shuffle(e, e, 0, 1, 2, 3, 8, 9, 10, 11, 0, 1, 2, 3, 8, 9, 10, 11),
    );
    const s = f64x2.div(f64x2.sub(m, f64x2.splat(1)), f64x2.add(m, f64x2.splat(1)));
    const lg = f64x2.add(
      f64x2.mul(f64x2.sub(ef, f64x2.splat(24)), f64x2.splat(LN2)),
      f64x2.mul(f64x2.mul(f64x2.splat(2), s), BoxMuller.atanhSeries(f64x2.mul(s, s))),
    );
    const r = f64x2.sqrt(f64x2.mul(f64x2.splat(-2), lg));
    const u = f64x2.mul(k2, f64x2.splat(UNIT));
    const q = f64x2.floor(f64x2.add(f64x2.mul(u, f64x2.splat(4)), f64x2.splat(0.5)));
    const a = f64x2.mul(f64x2.sub(u, f64x2.mul(q, f64x2.splat(0.25))), f64x2.splat(TWO_PI));
    const a2 = f64x2.mul(a, a);
    const sn = f64x2.mul(a, BoxMuller.sinOverA(a2));
    const cs = BoxMuller.cosOfA(a2);
    const qi = i32x4.trunc_sat_f64x2_s_zero(q);
    const odd = i64x2.extend_low_i32x4_s(i32x4.ne(v128.and(qi, i32x4.splat(1)), i32x4.splat(0)));
    const flip = i64x2.extend_low_i32x4_s(i32x4.ne(v128.and(qi, i32x4.splat(2)), i32x4.splat(0)));
    let x = v128.bitselect(f64x2.neg(sn), cs, odd);
    let y = v128.bitselect(cs, sn, odd);
    x = v128.bitselect(f64x2.neg(x), x, flip);
    y = v128.bitselect(f64x2.neg(y), y, flip);
    const z0 = f32x4.demote_f64x2_zero(f64x2.mul(r, x));
    const z1 = f32x4.demote_f64x2_zero(f64x2.mul(r, y));
    return i8x16.shuffle(z0, z1, 0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23); // A.z0 A.z1 B.z0 B.z1
  }
}

/** Standard normals out[i] for counters first + i (first even), Box–Muller on counter pairs. */
export function normal(out: usize, n: i32, first: i32, k0: i32, k1: i32): void {
  const vk0 = i32x4.splat(k0);
  const vk1 = i32x4.splat(k1);
  let counter = i32x4.add(i32x4.splat(first), i32x4(0, 1, 2, 3));
  let i = 0;
  // Two groups per step: their long dependency chains (a series, a square root) interleave.
  for (; i + 8 <= n; i += 8) {
    const a = BoxMuller.normal4(counter, vk0, vk1);
    const b = BoxMuller.normal4(i32x4.add(counter, i32x4.splat(4)), vk0, vk1);
    v128.store(out + ((<usize>i) << 2), a);
    v128.store(out + ((<usize>i) << 2), b, 16);
    counter = i32x4.add(counter, i32x4.splat(8));
  }
  for (; i + 4 <= n; i += 4) {
    v128.store(out + ((<usize>i) << 2), BoxMuller.normal4(counter, vk0, vk1));
    counter = i32x4.add(counter, i32x4.splat(4));
  }
  // The last 1–3 values: the same four-lane computation, stored lane by lane.
  if (i < n) {
    const z = BoxMuller.normal4(counter, vk0, vk1);
    const at = out + ((<usize>i) << 2);
    store<f32>(at, f32x4.extract_lane(z, 0));
    if (i + 1 < n) store<f32>(at, f32x4.extract_lane(z, 1), 4);
    if (i + 2 < n) store<f32>(at, f32x4.extract_lane(z, 2), 8);
  }
}
