// Kingma et al.'s eq. 7 KL summed over log α (each KL_SUM_BLOCK-element block's unscaled sum in
// float64 to its own slot of `partials`; the host adds the slots in order and scales), and, in the
// same pass when asked, the gradient of `scale`·Σ KL and scaledSquare(x, log α) (the variance
// weights α⊙θ² of a layer with one α per weight, and their e^(log α)·θ factor, with
// scaled-square.ts's bits), in float32 SIMD with SimdMath's exp: one exp per entry serves all.
import { BlockSum } from './block-sum';
import { KL_SUM_BLOCK } from './codes';
import { VD_KL_C1 as C1, VD_KL_C2 as C2, VD_KL_C3 as C3 } from './kl-constants';
import { SimdMath } from './simd-math';

/** The per-lane math of the KL term, from α = e^l. */
class Eq7 {
  /** (c1 + c2 + c3) − (½·l + α·(c1 + α·(c2 + α·c3))). */
  @inline static kl(l: v128, a: v128): v128 {
    let p = f32x4.add(f32x4.mul(a, f32x4.splat(<f32>C3)), f32x4.splat(<f32>C2));
    p = f32x4.add(f32x4.mul(a, p), f32x4.splat(<f32>C1));
    const sum = f32x4.add(f32x4.mul(f32x4.splat(0.5), l), f32x4.mul(a, p));
    return f32x4.sub(f32x4.splat(<f32>(C1 + C2 + C3)), sum);
  }

  /** −scale·(½ + α·(c1 + α·(2c2 + α·3c3))), given −scale. */
  @inline static gradient(a: v128, negScale: v128): v128 {
    let p = f32x4.add(f32x4.mul(a, f32x4.splat(<f32>(3 * C3))), f32x4.splat(<f32>(2 * C2)));
    p = f32x4.add(f32x4.mul(a, p), f32x4.splat(<f32>C1));
    return f32x4.mul(negScale, f32x4.add(f32x4.splat(0.5), f32x4.mul(a, p)));
  }
}

/** The variance weights of the same pass. */
class Square {
  /** α·x to `scaled` (unless 0) and α·x·x to `out` at `off` when x is not 0, as scaledSquare. */
  @inline static store(a: v128, x: usize, out: usize, scaled: usize, off: usize): void {
    if (x == 0) return;
    const xv = v128.load(x + off);
    const sx = f32x4.mul(a, xv);
    if (scaled != 0) v128.store(scaled + off, sx);
    v128.store(out + off, f32x4.mul(sx, xv));
  }
}

/**
 * Σ KL of each block b in [b0, b1) of KL_SUM_BLOCK entries (the last one ends at n) to
 * partials[b] (float64, unscaled), and, unless dLogAlpha is 0, the gradient of `scale`·Σ KL over
 * those entries to dLogAlpha; unless x is 0, e^(log α)·x² to out and e^(log α)·x to scaled (unless
 * 0). The blocks are claimed from the i32 at `counter`, shared by the call's threads
 * (BlockSum.claim).
 */
export function variationalDropoutKl(
  logAlpha: usize,
  scale: f32,
  partials: usize,
  dLogAlpha: usize,
  x: usize,
  out: usize,
  scaled: usize,
  b0: i32,
  b1: i32,
  n: i32,
  counter: usize,
): void {
  const negScale = f32x4.splat(-scale);
  for (let b = BlockSum.claim(counter, b0); b < b1; b = BlockSum.claim(counter, b0)) {
    const end = min(n, (b + 1) * KL_SUM_BLOCK);
    let acc = f64x2.splat(0);
    let i = b * KL_SUM_BLOCK;
    for (; i + 4 <= end; i += 4) {
      const off = (<usize>i) << 2;
      const l = v128.load(logAlpha + off);
      const a = SimdMath.exp(l);
      acc = BlockSum.add(acc, Eq7.kl(l, a));
      if (dLogAlpha != 0) v128.store(dLogAlpha + off, Eq7.gradient(a, negScale));
      Square.store(a, x, out, scaled, off);
    }
    if (i < end) {
      const off = (<usize>i) << 2;
      const l = BlockSum.loadPartial(logAlpha + off, end - i);
      const a = SimdMath.exp(l);
      acc = BlockSum.add(acc, v128.and(Eq7.kl(l, a), BlockSum.lanesBelow(end - i)));
      if (dLogAlpha != 0)
        BlockSum.storePartial(dLogAlpha + off, Eq7.gradient(a, negScale), end - i);
      if (x != 0) {
        const xv = BlockSum.loadPartial(x + off, end - i);
        const sx = f32x4.mul(a, xv);
        if (scaled != 0) BlockSum.storePartial(scaled + off, sx, end - i);
        BlockSum.storePartial(out + off, f32x4.mul(sx, xv), end - i);
      }
    }
    store<f64>(partials + ((<usize>b) << 3), BlockSum.total(acc));
  }
}
