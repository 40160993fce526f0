// Molchanov et al.'s KL approximation summed over the weights (each KL_SUM_BLOCK-element block's
// sum in float64 to its own slot of `partials`; the host adds the slots in order), and its
// gradient in one pass, in float32 SIMD with SimdMath's exp, log, log1p and sigmoid.
//
// Both run a block at a time, one transcendental per loop over it, through float32 rows of
// scratch (in L1): one loop doing all of them keeps too many constants live and spills, about
// 1.5× slower in V8.
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

/** Bytes of per-thread scratch the KL kernels need: three float32 rows of one block. */
export function klScratchBytes(): i32 {
  return KL_SUM_BLOCK * 12;
}

/** The loops of the KL term over one block. */
class SparseKl {
  /** θ² + 1e-16. */
  @inline static theta2(theta: v128): v128 {
    return f32x4.add(f32x4.mul(theta, theta), f32x4.splat(<f32>FLOOR));
  }

  /**
   * log σ² − log(θ² + 1e-16) (log α before the clip) of `count` weights to `out`, whole groups of
   * four: a last partial group reads its weights lane by lane (the other lanes are θ = 0,
   * log σ² = 0) and stores all four lanes.
   */
  @inline static rawLogAlphas(theta: usize, logSigma2: usize, out: usize, count: i32): void {
    let i = 0;
    for (; i + 4 <= count; i += 4) {
      const off = (<usize>i) << 2;
      const theta2 = SparseKl.theta2(v128.load(theta + off));
      v128.store(out + off, f32x4.sub(v128.load(logSigma2 + off), SimdMath.log(theta2)));
    }
    if (i < count) {
      const off = (<usize>i) << 2;
      const theta2 = SparseKl.theta2(BlockSum.loadPartial(theta + off, count - i));
      const logSigma2s = BlockSum.loadPartial(logSigma2 + off, count - i);
      v128.store(out + off, f32x4.sub(logSigma2s, SimdMath.log(theta2)));
    }
  }

  /** sigmoid(−k2 − k3·l) of every l in [from, from + bytes) to `to`. */
  @inline static fits(from: usize, to: usize, bytes: usize): void {
    for (let off: usize = 0; off < bytes; off += 16) {
      const l = v128.load(from + off);
      const z = f32x4.sub(f32x4.splat(<f32>-K2), f32x4.mul(f32x4.splat(<f32>K3), l));
      v128.store(to + off, SimdMath.sigmoid(z));
    }
  }

  /** Σ KL of `count` weights (at most one block) into float64, with `l` and `tail` scratch rows. */
  @inline static blockSum(theta: usize, logSigma2: usize, count: i32, l: usize, tail: usize): f64 {
    SparseKl.rawLogAlphas(theta, logSigma2, l, count);
    const bytes = (<usize>((count + 3) & ~3)) << 2;
    for (let off: usize = 0; off < bytes; off += 16) {
      const clipped = f32x4.min(
        f32x4.max(v128.load(l + off), f32x4.splat(<f32>LO)),
        f32x4.splat(<f32>HI),
      );
      v128.store(l + off, clipped);
      v128.store(tail + off, SimdMath.exp(f32x4.neg(clipped)));
    }
    for (let off: usize = 0; off < bytes; off += 16)
      v128.store(tail + off, SimdMath.log1p(v128.load(tail + off)));
    SparseKl.fits(l, l, bytes);
    // k1·sigmoid(−k2 − k3·l) + ½·log1p(exp(−l)), lanes past `count` masked off.
    let acc = f64x2.splat(0);
    for (let i = 0; i < count; i += 4) {
      const off = (<usize>i) << 2;
      const kl = f32x4.add(
        f32x4.mul(f32x4.splat(<f32>K1), v128.load(l + off)),
        f32x4.mul(f32x4.splat(0.5), v128.load(tail + off)),
      );
      acc = BlockSum.add(acc, i + 4 <= count ? kl : v128.and(kl, BlockSum.lanesBelow(count - i)));
    }
    return BlockSum.total(acc);
  }

  /**
   * grad·dKL/dlog α = grad·(−k1·k3·s·(1 − s) − ½·sigmoid(−l)), s = sigmoid(−k2 − k3·l), where the
   * unclipped l lies in [LO, HI], else 0, to dLogSigma2, and times −2θ/(θ² + 1e-16) to dTheta,
   * for `count` weights (at most one block) with `l` and `s` the first two of three scratch rows.
   */
  @inline static blockGradient(
    theta: usize,
    logSigma2: usize,
    grad: v128,
    dTheta: usize,
    dLogSigma2: usize,
    count: i32,
    l: usize,
    s: usize,
  ): void {
    SparseKl.rawLogAlphas(theta, logSigma2, l, count);
    const bytes = (<usize>((count + 3) & ~3)) << 2;
    SparseKl.fits(l, s, bytes);
    const tails = s + ((<usize>KL_SUM_BLOCK) << 2);
    for (let off: usize = 0; off < bytes; off += 16)
      v128.store(tails + off, SimdMath.sigmoid(f32x4.neg(v128.load(l + off))));
    for (let i = 0; i < count; i += 4) {
      const off = (<usize>i) << 2;
      const la = v128.load(l + off);
      const fit = v128.load(s + off);
      const dFit = f32x4.mul(
        f32x4.mul(f32x4.splat(<f32>(-K1 * K3)), fit),
        f32x4.sub(f32x4.splat(1), fit),
      );
      const dTail = f32x4.mul(f32x4.splat(0.5), v128.load(tails + off));
      const inside = v128.and(
        f32x4.ge(la, f32x4.splat(<f32>LO)),
        f32x4.le(la, f32x4.splat(<f32>HI)),
      );
      const dl = v128.and(f32x4.mul(grad, f32x4.sub(dFit, dTail)), inside);
      const t =
        i + 4 <= count ? v128.load(theta + off) : BlockSum.loadPartial(theta + off, count - i);
      // Masked again: 0·(−2θ) would be −0 where the clip is active, and the reference writes +0.
      const dt = v128.and(
        f32x4.div(f32x4.mul(dl, f32x4.mul(t, f32x4.splat(-2))), SparseKl.theta2(t)),
        inside,
      );
      if (i + 4 <= count) {
        v128.store(dLogSigma2 + off, dl);
        v128.store(dTheta + off, dt);
      } else {
        BlockSum.storePartial(dLogSigma2 + off, dl, count - i);
        BlockSum.storePartial(dTheta + off, dt, count - i);
      }
    }
  }
}

/**
 * Σ KL of each block b in [b0, b1) of KL_SUM_BLOCK weights (the last one ends at n) to
 * partials[b] (float64); `scratch` is klScratchBytes() of this thread's scratch.
 */
export function sparseVariationalDropoutKl(
  theta: usize,
  logSigma2: usize,
  partials: usize,
  b0: i32,
  b1: i32,
  n: i32,
  scratch: usize,
): void {
  const tail = scratch + ((<usize>KL_SUM_BLOCK) << 2);
  for (let b = b0; b < b1; b++) {
    const off = (<usize>(b * KL_SUM_BLOCK)) << 2;
    const count = min(n - b * KL_SUM_BLOCK, KL_SUM_BLOCK);
    const sum = SparseKl.blockSum(theta + off, logSigma2 + off, count, scratch, tail);
    store<f64>(partials + ((<usize>b) << 3), sum);
  }
}

/**
 * dTheta and dLogSigma2 of grad·Σ KL for n weights, from θ and log σ² alone; `scratch` is
 * klScratchBytes() of this thread's scratch.
 */
export function sparseVariationalDropoutKlBackward(
  theta: usize,
  logSigma2: usize,
  grad: f32,
  dTheta: usize,
  dLogSigma2: usize,
  n: i32,
  scratch: usize,
): void {
  const g = f32x4.splat(grad);
  const s = scratch + ((<usize>KL_SUM_BLOCK) << 2);
  for (let start = 0; start < n; start += KL_SUM_BLOCK) {
    const off = (<usize>start) << 2;
    const count = min(n - start, KL_SUM_BLOCK);
    SparseKl.blockGradient(
      theta + off,
      logSigma2 + off,
      g,
      dTheta + off,
      dLogSigma2 + off,
      count,
      scratch,
      s,
    );
  }
}
