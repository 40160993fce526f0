import type { Backend } from './backend.js';

// Kernels that sample from a distribution given per element, part of every Backend (split from
// backend.ts, which holds the rest, for its line budget).

/**
 * The sampling kernels of a {@link Backend}: draws whose distribution each element's operands
 * give, from noise the caller drew.
 */
export interface SamplingKernels {
  /**
   * One draw of N(mean, variance) per element from standard normal `eps`:
   * `s = √(variance[i] + floor)`, `out[i] = mean[i] + s·eps[i]`, every step rounded to float32
   * (floor too); `twoSigma[i] = s + s` when it is given. All arrays have one length.
   */
  sampleNormal(
    mean: Float32Array,
    variance: Float32Array,
    eps: Float32Array,
    floor: number,
    out: Float32Array,
    twoSigma: Float32Array | null,
  ): void;
}
