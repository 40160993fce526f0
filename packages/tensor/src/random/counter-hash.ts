import type { RandomKey } from '../backend/backend.js';

// Counter-based random bits: element i's bits are a hash of (key, i). A kernel can then fill any
// slice of a tensor, in any order or on any thread, and get the same numbers; backward can
// regenerate a mask instead of storing it. The mix is murmur3's 32-bit finaliser applied twice,
// with the two key halves folded in between (a small Philox-like construction).

/** 32-bit random bits for counter `i` under `key`. @internal */
export function randomBits(key: RandomKey, i: number): number {
  let h = (i ^ key.lo) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h = (h ^ (h >>> 16) ^ key.hi) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

/** 2^-24: turns the top 24 bits of a word into a float in [0, 1) that float32 holds exactly. */
export const UNIT_24 = 1 / 16777216;
