// Box–Muller from counter-based bits with float64 arithmetic only (no Math.log / Math.cos /
// Math.sin): libm implementations differ in the last bit between engines, and the wasm backend
// (assembly/random.ts) repeats these exact operations in SIMD, so both backends draw the same
// normals bit for bit. Accuracy: log, sin and cos within about 1e-16 of the true values.
// Polynomials are written out (Horner, highest term first) so the JIT keeps them in registers.

const SQRT2 = 1.4142135623730951;
const LN2 = 0.6931471805599453;
const TWO_PI = 6.283185307179586;
const UNIT_24 = 1 / 16777216;
/** 2⁻ᵉ for e = 0…31, exact: scaling by it is exact, and faster than 2 ** -e. */
const INV_POW2 = Float64Array.from({ length: 32 }, (_, e) => 1 / 2 ** e);

/** ln m for m in [√½, √2]: 2·atanh(s), s = (m − 1)/(m + 1), series Σ s^(2j+1)/(2j+1), j ≤ 11. */
function logMantissa(m: number): number {
  const s = (m - 1) / (m + 1);
  const x = s * s;
  let p = 0.043478260869565216;
  p = p * x + 0.047619047619047616;
  p = p * x + 0.05263157894736842;
  p = p * x + 0.058823529411764705;
  p = p * x + 0.06666666666666667;
  p = p * x + 0.07692307692307693;
  p = p * x + 0.09090909090909091;
  p = p * x + 0.1111111111111111;
  p = p * x + 0.14285714285714285;
  p = p * x + 0.2;
  p = p * x + 0.3333333333333333;
  p = p * x + 1;
  return 2 * s * p;
}

/** ln(k·2⁻²⁴) for an integer k in [1, 2²⁴]. @internal */
export function logGrid(k: number): number {
  let e = 31 - Math.clz32(k);
  let m = k * INV_POW2[e]!; // k = m·2^e with m in [1, 2), exactly
  if (m > SQRT2) {
    m *= 0.5;
    e += 1;
  }
  return (e - 24) * LN2 + logMantissa(m);
}

/** sin a / a for |a| ≤ π/4, as a polynomial in x = a² (Taylor, terms to a¹⁶). */
function sinOverA(x: number): number {
  let p = 2.8114572543455206e-15;
  p = p * x - 7.647163731819816e-13;
  p = p * x + 1.6059043836821613e-10;
  p = p * x - 2.505210838544172e-8;
  p = p * x + 2.7557319223985893e-6;
  p = p * x - 0.0001984126984126984;
  p = p * x + 0.008333333333333333;
  p = p * x - 0.16666666666666666;
  return p * x + 1;
}

/** cos a for |a| ≤ π/4, as a polynomial in x = a² (Taylor, terms to a¹⁸). */
function cosOfA(x: number): number {
  let p = -1.5619206968586225e-16;
  p = p * x + 4.779477332387385e-14;
  p = p * x - 1.1470745597729725e-11;
  p = p * x + 2.08767569878681e-9;
  p = p * x - 2.755731922398589e-7;
  p = p * x + 2.48015873015873e-5;
  p = p * x - 0.001388888888888889;
  p = p * x + 0.041666666666666664;
  p = p * x - 0.5;
  return p * x + 1;
}

/**
 * Writes the Box–Muller pair of two 24-bit integers (the top bits of counters i and i + 1):
 * u1 = (k1 + 1)·2⁻²⁴ in (0, 1], u2 = k2·2⁻²⁴, r = √(−2 ln u1),
 * out[at] = r cos 2πu2 and, when `both`, out[at + 1] = r sin 2πu2. The angle is reduced to
 * [−π/4, π/4] plus a quadrant q = ⌊4u2 + ½⌋.
 * @internal
 */
export function boxMuller(
  k1: number,
  k2: number,
  out: Float32Array,
  at: number,
  both: boolean,
): void {
  const r = Math.sqrt(-2 * logGrid(k1 + 1));
  const u = k2 * UNIT_24;
  const q = Math.floor(u * 4 + 0.5);
  const a = (u - q * 0.25) * TWO_PI;
  const x = a * a;
  const s = a * sinOverA(x);
  const c = cosOfA(x);
  const odd = (q & 1) !== 0;
  const sign = (q & 2) !== 0 ? -1 : 1;
  out[at] = r * (sign * (odd ? -s : c));
  if (both) out[at + 1] = r * (sign * (odd ? c : s));
}
