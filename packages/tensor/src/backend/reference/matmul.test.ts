import { describe, expect, it } from 'vitest';
import { matmul } from './matmul.js';

// The rounding matmul.ts states: each 256-deep slab of k is summed in float64, and the slab's sum
// is rounded into the float32 output, once per slab.
describe('reference matmul rounding', () => {
  /** One dot product a·b through the reference kernel. */
  const dot = (a: number[], b: number[]) => {
    const out = new Float32Array(1);
    const p = { batch: 1, m: 1, n: 1, k: a.length, transA: false, transB: false };
    matmul(Float32Array.from(a), Float32Array.from(b), out, p);
    return out[0];
  };

  it('sums a slab in float64: terms that float32 steps would each lose add up', () => {
    // 1 + 2·(3·2⁻²⁶) = 1 + 0.75·2⁻²³ rounds to 1 + 2⁻²³; float32 after every step stays at 1.
    expect(dot([1, 3 * 2 ** -26, 3 * 2 ** -26], [1, 1, 1])).toBe(1 + 2 ** -23);
  });

  it('rounds to float32 once per 256-deep slab, not once over all of k', () => {
    // Slab 1 sums to 1 + 2⁻²⁴, a tie that rounds to 1; slab 2 adds 2⁻²⁴, a tie again. One float64
    // sum over all 512 terms would be 1 + 2⁻²³.
    const a = new Array<number>(512).fill(0);
    a[0] = 1;
    a[1] = 2 ** -24;
    a[256] = 2 ** -24;
    expect(dot(a, new Array<number>(512).fill(1))).toBe(1);
  });
});
