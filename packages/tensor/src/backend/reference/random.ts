import { boxMuller } from '../../random/box-muller.js';
import { randomBits, UNIT_24 } from '../../random/counter-hash.js';
import type { RandomKey } from '../backend.js';

export function uniform(key: RandomKey, out: Float32Array): void {
  for (let i = 0; i < out.length; i++) out[i] = (randomBits(key, i) >>> 8) * UNIT_24;
}

export function normal(key: RandomKey, out: Float32Array): void {
  // Box–Muller on a pair of counters per pair of outputs; u1 in (0, 1] so log never sees 0.
  for (let i = 0; i < out.length; i += 2) {
    boxMuller(randomBits(key, i) >>> 8, randomBits(key, i + 1) >>> 8, out, i, i + 1 < out.length);
  }
}
