// Kingma et al.'s eq. 7 KL summed over log α (each KL_SUM_BLOCK-element block's sum in float64
// to its own slot of `partials`; the host adds the slots in order), and its gradient in one pass,
// in float32 SIMD with SimdMath's exp.
import { BlockSum } from './block-sum';
import { KL_SUM_BLOCK } from './codes';
import { VD_KL_C1 as C1, VD_KL_C2 as C2, VD_KL_C3 as C3 } from './kl-constants';
import { SimdMath } from './simd-math';

/** The per-lane math of the KL term. */
class Eq7 {
  /** (c1 + c2 + c3) − (½·l + α·(c1 + α·(c2 + α·c3))), α = e^l. */
  @inline static kl(l: v128): v128 {
    const a = SimdMath.exp(l);
    let p = f32x4.add(f32x4.mul(a, f32x4.splat(<f32>C3)), f32x4.splat(<f32>C2));
    p = f32x4.add(f32x4.mul(a, p), f32x4.splat(<f32>C1));
    const sum = f32x4.add(f32x4.mul(f32x4.splat(0.5), l), f32x4.mul(a, p));
    return f32x4.sub(f32x4.splat(<f32>(C1 + C2 + C3)), sum);
  }

  /** −grad·(½ + α·(c1 + α·(2c2 + α·3c3))), α = e^l. */
  @inline static gradient(l: v128, negGrad: v128): v128 {
    const a = SimdMath.exp(l);
    let p = f32x4.add(f32x4.mul(a, f32x4.splat(<f32>(3 * C3))), f32x4.splat(<f32>(2 * C2)));
    p = f32x4.add(f32x4.mul(a, p), f32x4.splat(<f32>C1));
    return f32x4.mul(negGrad, f32x4.add(f32x4.splat(0.5), f32x4.mul(a, p)));
  }
}

/**
 * Σ KL of each block b in [b0, b1) of KL_SUM_BLOCK entries (the last one ends at n) to
 * partials[b] (float64).
 */
export function variationalDropoutKl(
  logAlpha: usize,
  partials: usize,
  b0: i32,
  b1: i32,
  n: i32,
): void {
  for (let b = b0; b < b1; b++) {
    const end = min(n, (b + 1) * KL_SUM_BLOCK);
    let acc = f64x2.splat(0);
    let i = b * KL_SUM_BLOCK;
    for (; i + 4 <= end; i += 4)
      acc = BlockSum.add(acc, Eq7.kl(v128.load(logAlpha + ((<usize>i) << 2))));
    if (i < end) {
      const l = BlockSum.loadPartial(logAlpha + ((<usize>i) << 2), end - i);
      acc = BlockSum.add(acc, v128.and(Eq7.kl(l), BlockSum.lanesBelow(end - i)));
    }
    store<f64>(partials + ((<usize>b) << 3), BlockSum.total(acc));
  }
}

/** dLogAlpha of grad·Σ KL for n entries, from log α alone. */
export function variationalDropoutKlBackward(
  logAlpha: usize,
  grad: f32,
  dLogAlpha: usize,
  n: i32,
): void {
  const negGrad = f32x4.splat(-grad);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const off = (<usize>i) << 2;
    v128.store(dLogAlpha + off, Eq7.gradient(v128.load(logAlpha + off), negGrad));
  }
  if (i < n) {
    const off = (<usize>i) << 2;
    const d = Eq7.gradient(BlockSum.loadPartial(logAlpha + off, n - i), negGrad);
    BlockSum.storePartial(dLogAlpha + off, d, n - i);
  }
}
