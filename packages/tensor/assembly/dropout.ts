// Fused dropout on the counter-based bits of counter-hash.ts: element i's keep bit depends only
// on (key, i), so any split across threads, and the backward pass, draw the same mask.
import { CounterHash } from './counter-hash';

/**
 * Fused dropout over n floats: counter `first + i` decides element i; kept when the top 24 bits
 * of its hash are below `keepThreshold`. out[i] = x[i]·keep·scale; mask[i] = keep when mask ≠ 0.
 * x and out may be the same address.
 */
export function dropout(
  x: usize,
  out: usize,
  mask: usize,
  n: i32,
  first: i32,
  keepThreshold: i32,
  scale: f32,
  k0: i32,
  k1: i32,
): void {
  const vk0 = i32x4.splat(k0);
  const vk1 = i32x4.splat(k1);
  const thr = i32x4.splat(keepThreshold);
  const vs = f32x4.splat(scale);
  let counter = i32x4.add(i32x4.splat(first), i32x4(0, 1, 2, 3));
  const four = i32x4.splat(4);
  const n4 = n & ~3;
  let i = 0;
  for (; i < n4; i += 4) {
    const bits = i32x4.shr_u(CounterHash.hash4(counter, vk0, vk1), 8);
    const keep = i32x4.shr_u(i32x4.sub(bits, thr), 31);
    const off = (<usize>i) << 2;
    // (x·keep)·scale, as the reference computes it, so a dropped NaN stays NaN.
    v128.store(
      out + off,
      f32x4.mul(f32x4.mul(v128.load(x + off), f32x4.convert_i32x4_s(keep)), vs),
    );
    if (mask) {
      store<i32>(
        mask + i,
        i32x4.extract_lane(
          i8x16.shuffle(keep, keep, 0, 4, 8, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
          0,
        ),
      );
    }
    counter = i32x4.add(counter, four);
  }
  for (; i < n; i++) {
    const keep = ((CounterHash.hash1(first + i, k0, k1) >>> 8) - keepThreshold) >>> 31;
    const off = (<usize>i) << 2;
    store<f32>(out + off, load<f32>(x + off) * <f32>keep * scale);
    if (mask) store<u8>(mask + i, <u8>keep);
  }
}
