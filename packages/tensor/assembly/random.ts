// Counter-based random bits, bit-identical to src/random/counter-hash.ts: element i's bits are
// murmur3's finaliser applied twice to (i ^ key.lo), with key.hi folded in between. Four counters
// per f32x4 lane group, so any split of the index range gives the same numbers.

@inline function mix(h: v128, m: i32, s: i32): v128 {
  return i32x4.mul(v128.xor(h, i32x4.shr_u(h, s)), i32x4.splat(m));
}

@inline function hash4(counter: v128, k0: v128, k1: v128): v128 {
  let h = v128.xor(counter, k0);
  h = mix(h, 0x85ebca6b, 16);
  h = mix(h, 0xc2b2ae35, 13);
  h = v128.xor(v128.xor(h, i32x4.shr_u(h, 16)), k1);
  h = mix(h, 0x7feb352d, 16);
  h = mix(h, 0x846ca68b, 15);
  return v128.xor(h, i32x4.shr_u(h, 16));
}

@inline function hash1(i: i32, k0: i32, k1: i32): i32 {
  let h = i ^ k0;
  h = (h ^ (h >>> 16)) * 0x85ebca6b;
  h = (h ^ (h >>> 13)) * 0xc2b2ae35;
  h = h ^ (h >>> 16) ^ k1;
  h = (h ^ (h >>> 16)) * 0x7feb352d;
  h = (h ^ (h >>> 15)) * 0x846ca68b;
  return h ^ (h >>> 16);
}

/**
 * Fused dropout over n floats: counter `first + i` decides element i; kept when the top 24 bits
 * of its hash are below `keepThreshold`. out[i] = x[i]·keep·scale; mask[i] = keep when mask ≠ 0.
 * x and out may be the same address.
 */
export function dropout(
  x: usize, out: usize, mask: usize, n: i32, first: i32, keepThreshold: i32, scale: f32, k0: i32, k1: i32,
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
    const bits = i32x4.shr_u(hash4(counter, vk0, vk1), 8);
    const keep = i32x4.shr_u(i32x4.sub(bits, thr), 31);
    const off = (<usize>i) << 2;
    // (x·keep)·scale, as the reference computes it, so a dropped NaN stays NaN.
    v128.store(out + off, f32x4.mul(f32x4.mul(v128.load(x + off), f32x4.convert_i32x4_s(keep)), vs));
    if (mask) {
      store<i32>(mask + i, i32x4.extract_lane(i8x16.shuffle(keep, keep, 0, 4, 8, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), 0));
    }
    counter = i32x4.add(counter, four);
  }
  for (; i < n; i++) {
    const keep = (((hash1(first + i, k0, k1) >>> 8) - keepThreshold) >>> 31);
    const off = (<usize>i) << 2;
    store<f32>(out + off, load<f32>(x + off) * <f32>keep * scale);
    if (mask) store<u8>(mask + i, <u8>keep);
  }
}

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
    const bits = i32x4.shr_u(hash4(counter, vk0, vk1), 8);
    v128.store(out + ((<usize>i) << 2), f32x4.mul(f32x4.convert_i32x4_s(bits), unit));
    counter = i32x4.add(counter, four);
  }
  for (; i < n; i++) {
    store<f32>(out + ((<usize>i) << 2), <f32>(hash1(first + i, k0, k1) >>> 8) * <f32>(1.0 / 16777216.0));
  }
}
