import type { DropoutParams } from '../backend.js';

/** The keep bit of element i: the hash of randomBits, with the key in locals; 1 iff uniform24 < threshold. */
export function keepBit(i: number, k0: number, k1: number, keepThreshold: number): number {
  let h = i ^ k0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h = h ^ (h >>> 16) ^ k1;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  // Branch-free: a data-dependent branch at p = 0.5 mispredicts half the time and triples the cost.
  return (((h ^ (h >>> 16)) >>> 8) - keepThreshold) >>> 31;
}

export function dropout(
  x: Float32Array,
  out: Float32Array,
  { keepThreshold, scale, key }: DropoutParams,
  mask?: Uint8Array,
): void {
  const k0 = key.lo | 0;
  const k1 = key.hi | 0;
  const n = x.length;
  // Two copies of the loop, so the common call (no mask wanted) has no store to test for.
  if (mask) {
    for (let i = 0; i < n; i++) {
      const keep = keepBit(i, k0, k1, keepThreshold);
      out[i] = x[i]! * keep * scale;
      mask[i] = keep;
    }
    return;
  }
  for (let i = 0; i < n; i++) out[i] = x[i]! * keepBit(i, k0, k1, keepThreshold) * scale;
}
