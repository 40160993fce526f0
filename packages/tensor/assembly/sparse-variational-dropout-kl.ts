// Molchanov et al.'s KL approximation summed over the weights (each KL_SUM_BLOCK-element block's
// sum in float64 to its own slot of `partials`; the host adds the slots in order), and its
// gradient in one pass, in float32 SIMD with SimdMath's exp, log, log1p and sigmoid.
import { BlockSum } from './block-sum';
import { KL_SUM_BLOCK } from './codes';
import {
  SVD_THETA2_FLOOR as FLOOR,
  SVD_LOG_ALPHA_MAX as HI,
  SVD_KL_K1 as K1,
  SVD_KL_K2 as K2,
  SVD_KL_K3 as K3,
  SVD_LOG_ALPHA_MIN as LO,
} from './kl-constants';
import { SimdMath } from './simd-math';

/** The per-lane math of the KL term. */
class SparseKl {
  /** log σ² − log(θ² + 1e-16): log α before the clip. */
  @inline static rawLogAlpha(theta: v128, logSigma2: v128): v128 {
    const theta2 = f32x4.add(f32x4.mul(theta, theta), f32x4.splat(<f32>FLOOR));
    return f32x4.sub(logSigma2, SimdMath.log(theta2));
  }

  /** sigmoid(−k2 − k3·log α). */
  @inline static fit(logAlpha: v128): v128 {
    return SimdMath.sigmoid(
      f32x4.sub(f32x4.splat(<f32>-K2), f32x4.mul(f32x4.splat(<f32>K3), logAlpha)),
    );
  }

  /** k1·sigmoid(−k2 − k3·l) + ½·log1p(exp(−l)) of the clipped l (NaN stays NaN). */
  @inline static kl(theta: v128, logSigma2: v128): v128 {
    const raw = SparseKl.rawLogAlpha(theta, logSigma2);
    const l = f32x4.min(f32x4.max(raw, f32x4.splat(<f32>LO)), f32x4.splat(<f32>HI));
    const tail = SimdMath.log1p(SimdMath.exp(f32x4.neg(l)));
    return f32x4.add(
      f32x4.mul(f32x4.splat(<f32>K1), SparseKl.fit(l)),
      f32x4.mul(f32x4.splat(0.5), tail),
    );
  }

  /**
   * grad·dKL/dlog α = grad·(−k1·k3·s·(1 − s) − ½·sigmoid(−l)) where the unclipped l lies in
   * [LO, HI], else 0; writes it to dLogSigma2 and times −2θ/(θ² + 1e-16) to dTheta.
   */
  @inline static gradient(
    theta: v128,
    logSigma2: v128,
    grad: v128,
    dTheta: usize,
    dLogSigma2: usize,
    count: i32,
  ): void {
    const l = SparseKl.rawLogAlpha(theta, logSigma2);
    const s = SparseKl.fit(l);
    const dFit = f32x4.mul(
      f32x4.mul(f32x4.splat(<f32>(-K1 * K3)), s),
      f32x4.sub(f32x4.splat(1), s),
    );
    const dTail = f32x4.mul(f32x4.splat(0.5), SimdMath.sigmoid(f32x4.neg(l)));
    const inside = v128.and(f32x4.ge(l, f32x4.splat(<f32>LO)), f32x4.le(l, f32x4.splat(<f32>HI)));
    const dl = v128.and(f32x4.mul(grad, f32x4.sub(dFit, dTail)), inside);
    const theta2 = f32x4.add(f32x4.mul(theta, theta), f32x4.splat(<f32>FLOOR));
    // Masked again: 0·(−2θ) would be −0 where the clip is active, and the reference writes +0.
    const dt = v128.and(
      f32x4.div(f32x4.mul(dl, f32x4.mul(theta, f32x4.splat(-2))), theta2),
      inside,
    );
    if (count == 4) {
      v128.store(dLogSigma2, dl);
      v128.store(dTheta, dt);
    } else {
      BlockSum.storePartial(dLogSigma2, dl, count);
      BlockSum.storePartial(dTheta, dt, count);
    }
  }
}

/**
 * Σ KL of each block b in [b0, b1) of KL_SUM_BLOCK weights (the last one ends at n) to
 * partials[b] (float64).
 */
export function sparseVariationalDropoutKl(
  theta: usize,
  logSigma2: usize,
  partials: usize,
  b0: i32,
  b1: i32,
  n: i32,
): void {
  for (let b = b0; b < b1; b++) {
    const end = min(n, (b + 1) * KL_SUM_BLOCK);
    let acc = f64x2.splat(0);
    let i = b * KL_SUM_BLOCK;
    for (; i + 4 <= end; i += 4) {
      const off = (<usize>i) << 2;
      acc = BlockSum.add(acc, SparseKl.kl(v128.load(theta + off), v128.load(logSigma2 + off)));
    }
    if (i < end) {
      const off = (<usize>i) << 2;
      const t = BlockSum.loadPartial(theta + off, end - i);
      const s = BlockSum.loadPartial(logSigma2 + off, end - i);
      acc = BlockSum.add(acc, v128.and(SparseKl.kl(t, s), BlockSum.lanesBelow(end - i)));
    }
    store<f64>(partials + ((<usize>b) << 3), BlockSum.total(acc));
  }
}

/** dTheta and dLogSigma2 of grad·Σ KL for n weights, from θ and log σ² alone. */
export function sparseVariationalDropoutKlBackward(
  theta: usize,
  logSigma2: usize,
  grad: f32,
  dTheta: usize,
  dLogSigma2: usize,
  n: i32,
): void {
  const g = f32x4.splat(grad);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const off = (<usize>i) << 2;
    SparseKl.gradient(
      v128.load(theta + off),
      v128.load(logSigma2 + off),
      g,
      dTheta + off,
      dLogSigma2 + off,
      4,
    );
  }
  if (i < n) {
    const off = (<usize>i) << 2;
    const t = BlockSum.loadPartial(theta + off, n - i);
    const s = BlockSum.loadPartial(logSigma2 + off, n - i);
    SparseKl.gradient(t, s, g, dTheta + off, dLogSigma2 + off, n - i);
  }
}
