// Counter-based random bits, bit-identical to src/random/counter-hash.ts: element i's bits are
// murmur3's finaliser applied twice to (i ^ key.lo), with key.hi folded in between. Four counters
// per f32x4 lane group, so any split of the index range gives the same numbers.

/** The counter hash, four lanes or one. */
export class CounterHash {
  @inline static mix(h: v128, m: i32, s: i32): v128 {
    return i32x4.mul(v128.xor(h, i32x4.shr_u(h, s)), i32x4.splat(m));
  }

  @inline static hash4(counter: v128, k0: v128, k1: v128): v128 {
    let h = v128.xor(counter, k0);
    h = CounterHash.mix(h, 0x85ebca6b, 16);
    h = CounterHash.mix(h, 0xc2b2ae35, 13);
    h = v128.xor(v128.xor(h, i32x4.shr_u(h, 16)), k1);
    h = CounterHash.mix(h, 0x7feb352d, 16);
    h = CounterHash.mix(h, 0x846ca68b, 15);
    return v128.xor(h, i32x4.shr_u(h, 16));
  }

  @inline static hash1(i: i32, k0: i32, k1: i32): i32 {
    let h = i ^ k0;
    h = (h ^ (h >>> 16)) * 0x85ebca6b;
    h = (h ^ (h >>> 13)) * 0xc2b2ae35;
    h = h ^ (h >>> 16) ^ k1;
    h = (h ^ (h >>> 16)) * 0x7feb352d;
    h = (h ^ (h >>> 15)) * 0x846ca68b;
    return h ^ (h >>> 16);
  }
}
