import { ArgumentRangeError, LacunaError, type Tensor } from '@lacuna/tensor';

function checkPositive(op: string, name: string, v: number): number {
  if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v))
    throw new ArgumentRangeError(op, name, `must be a positive finite number, got ${v}`);
  return v;
}

/**
 * Max-norm constraint (Srivastava et al. 2014, section 5.1): rescales each unit's incoming weight
 * vector so that its L2 norm is at most c, `w ← w · min(1, c/‖w‖)`. Apply it after each
 * optimizer step; the paper pairs it with dropout (c = 3 or 4; Hinton et al. use 2 on MNIST).
 *
 * For a Linear weight [out, in] a unit's incoming vector is a row; for a Conv2d weight
 * [out, in, kh, kw] it is everything of one output channel. 1-D tensors (biases) are left alone.
 *
 * @param weights - Weight tensors (e.g. every parameter named `*.weight`).
 * @param c - The bound.
 * @returns The largest norm seen before rescaling.
 * @example
 * ```ts
 * import { maxNorm } from '@lacuna/optim';
 * import { tensor } from '@lacuna/tensor';
 * const w = tensor([[3, 4], [0.3, 0.4]]);
 * maxNorm([w], 2);
 * w.toArray(); // [[1.2000…, 1.6000…], [0.3, 0.4]]
 * ```
 */
export function maxNorm(weights: Iterable<Tensor>, c: number): number {
  checkPositive('maxNorm', 'c', c);
  let largest = 0;
  for (const w of weights) {
    if (w.dtype !== 'float32')
      throw new LacunaError('maxNorm', 'weights', `must be float32 tensors, got ${w.dtype}`);
    if (w.rank < 2) continue;
    const s = w.storage as Float32Array;
    const rows = w.shape[0]!;
    const len = w.size / Math.max(rows, 1);
    for (let r = 0; r < rows; r++) {
      let sq = 0;
      for (let i = r * len; i < (r + 1) * len; i++) sq += s[i]! * s[i]!;
      const norm = Math.sqrt(sq);
      largest = Math.max(largest, norm);
      if (norm > c) {
        // Divide in float64, then re-check: float32 rounding must not leave the row above c.
        const scale = c / norm;
        for (let i = r * len; i < (r + 1) * len; i++) s[i] = s[i]! * scale;
        let again = 0;
        for (let i = r * len; i < (r + 1) * len; i++) again += s[i]! * s[i]!;
        if (Math.sqrt(again) > c)
          for (let i = r * len; i < (r + 1) * len; i++) s[i] = Math.fround(s[i]! * (1 - 1e-7));
      }
    }
  }
  return largest;
}

/**
 * Clips gradients by their global L2 norm (Pascanu et al. 2013): if `‖g‖ = √(Σ over every
 * parameter of Σ g²)` exceeds `maxNorm`, every gradient is scaled by `maxNorm/‖g‖`.
 *
 * @param params - Parameters whose `.grad` is clipped (those without one are skipped).
 * @param maxNormValue - The bound.
 * @returns The global norm before clipping.
 * @example
 * ```ts
 * import { clipGradNorm } from '@lacuna/optim';
 * import { tensor } from '@lacuna/tensor';
 * const w = tensor([0, 0]);
 * w.grad = tensor([3, 4]);
 * clipGradNorm([w], 1); // 5 (the norm before clipping)
 * w.grad?.toArray(); // [0.6000…, 0.8000…] (scaled by 1 / (5 + 1e-6), as in PyTorch)
 * ```
 */
export function clipGradNorm(params: Iterable<Tensor>, maxNormValue: number): number {
  checkPositive('clipGradNorm', 'maxNorm', maxNormValue);
  const grads = [...params].map((p) => p.grad).filter((g): g is Tensor => g !== null);
  let sq = 0;
  for (const g of grads) for (const v of g.storage) sq += v * v;
  const norm = Math.sqrt(sq);
  if (norm > maxNormValue) {
    const scale = maxNormValue / (norm + 1e-6);
    for (const g of grads) {
      const s = g.storage as Float32Array;
      for (let i = 0; i < s.length; i++) s[i] = s[i]! * scale;
    }
  }
  return norm;
}

/**
 * Clips every gradient element to [-clip, clip].
 *
 * @example
 * ```ts
 * import { clipGradValue } from '@lacuna/optim';
 * import { tensor } from '@lacuna/tensor';
 * const w = tensor([0, 0]);
 * w.grad = tensor([-5, 0.5]);
 * clipGradValue([w], 1);
 * w.grad?.toArray(); // [-1, 0.5]
 * ```
 */
export function clipGradValue(params: Iterable<Tensor>, clip: number): void {
  checkPositive('clipGradValue', 'clip', clip);
  for (const p of params) {
    if (!p.grad) continue;
    const s = p.grad.storage as Float32Array;
    for (let i = 0; i < s.length; i++) s[i] = Math.min(clip, Math.max(-clip, s[i]!));
  }
}
