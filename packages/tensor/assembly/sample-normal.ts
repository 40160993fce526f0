// One draw of N(mean, variance) per element from standard normal ε, the local
// reparameterisation's sampling step: s = √(variance + floor), out = mean + s·ε, and 2s for the
// gradient with respect to the variance, in float32 SIMD. Every step is one IEEE float32
// operation (add, sqrt, mul), so the bits are those of the same steps done one op at a time. A
// last group of 1–3 elements goes through the same SIMD code, its absent lanes zero.
import { BlockSum } from './block-sum';

/** The per-lane math: s = √(variance + floor) and mean + s·ε. */
class SampleLanes {
  @inline static sigma(variance: v128, floor: v128): v128 {
    return f32x4.sqrt(f32x4.add(variance, floor));
  }

  @inline static sample(mean: v128, sigma: v128, eps: v128): v128 {
    return f32x4.add(mean, f32x4.mul(sigma, eps));
  }
}

/**
 * out[i] = mean[i] + √(variance[i] + floor)·eps[i] for n floats, and, unless twoSigma is 0,
 * twoSigma[i] = 2·√(variance[i] + floor).
 */
export function sampleNormal(
  mean: usize,
  variance: usize,
  eps: usize,
  floor: f32,
  out: usize,
  twoSigma: usize,
  n: i32,
): void {
  const floors = f32x4.splat(floor);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const off = (<usize>i) << 2;
    const s = SampleLanes.sigma(v128.load(variance + off), floors);
    v128.store(out + off, SampleLanes.sample(v128.load(mean + off), s, v128.load(eps + off)));
    if (twoSigma != 0) v128.store(twoSigma + off, f32x4.add(s, s));
  }
  if (i < n) {
    const off = (<usize>i) << 2;
    const count = n - i;
    const s = SampleLanes.sigma(BlockSum.loadPartial(variance + off, count), floors);
    const m = BlockSum.loadPartial(mean + off, count);
    const e = BlockSum.loadPartial(eps + off, count);
    BlockSum.storePartial(out + off, SampleLanes.sample(m, s, e), count);
    if (twoSigma != 0) BlockSum.storePartial(twoSigma + off, f32x4.add(s, s), count);
  }
}
