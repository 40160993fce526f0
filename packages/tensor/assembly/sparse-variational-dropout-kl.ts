// Molchanov et al.'s KL approximation summed over the weights, times `scale` (each KL_SUM_BLOCK-
// element block's unscaled sum in float64 to its own slot of `partials`; the host adds the slots
// in order and scales), and, in the same pass when asked, the gradient of the scaled sum and the
// weight variances σ² = exp(log σ²) (SimdMath's exp: the `exp` kernel's bits; computed here while
// the block's log σ² is in cache, it saves a training step a pass over the weights), in float32
// SIMD: three transcendentals (KlMath's exp and log, for these bounded operands) and one or two
// divisions per weight. With l = clip(log α), e = exp(−l) and u = exp(k2 + k3·l):
//   KL = k1/(1 + u) + ½·ln(1 + e),  dKL/dl = −k1·k3·u/(1 + u)² − ½·e/(1 + e),
// both reciprocals from one division 1/((1 + u)(1 + e)) (u < 2e7 and e < 3e4 on the clip's range,
// so the product is finite). The gradient needs no ln(1 + e), only the sum does: Σ ln(1 + e) is
// taken as ln Π(1 + e) over LOG_RUN weights per float64 lane (1 + e is exact in float64 and at
// most e¹⁰ + 1 < 2^14.5, so a run's product stays below 2^928), one scalar log per run instead of
// a SIMD log per weight (the dearest of the four transcendentals this kernel had; −16 % on one
// thread, measured).
//
// A block runs as a few loops through float32 rows of scratch, each with one function's
// constants live (both exponentials share theirs): one loop doing everything keeps too many
// constants live and spills in V8, about 1.7× slower (measured, as was each split here).
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
import { KlMath } from './kl-math';
import { SimdMath } from './simd-math';

/** Bytes of per-thread scratch the KL kernel needs: three float32 rows of one block. */
export function klScratchBytes(): i32 {
  return KL_SUM_BLOCK * 12;
}

/** Weights per float64 lane multiplied into one product before its log is taken (see above). */
const LOG_RUN = 64;

/** The loops of the KL term over one block. */
class SparseKl {
  /** θ² + 1e-16. */
  @inline static theta2(theta: v128): v128 {
    return f32x4.add(f32x4.mul(theta, theta), f32x4.splat(<f32>FLOOR));
  }

  /** log α clipped to [LO, HI]; NaN stays NaN. */
  @inline static clip(raw: v128): v128 {
    return f32x4.min(f32x4.max(raw, f32x4.splat(<f32>LO)), f32x4.splat(<f32>HI));
  }

  /**
   * log σ² − log(θ² + 1e-16) (log α before the clip) of `count` weights to `out`, whole groups of
   * four: a last partial group reads its weights lane by lane (the other lanes are θ = 0,
   * log σ² = 0) and stores all four lanes.
   */
  @inline static rawLogAlphas(theta: usize, logSigma2: usize, out: usize, count: i32): void {
    let i = 0;
    for (; i + 8 <= count; i += 8) {
      const off = (<usize>i) << 2;
      const a = KlMath.logPositive(SparseKl.theta2(v128.load(theta + off)));
      const b = KlMath.logPositive(SparseKl.theta2(v128.load(theta + off, 16)));
      v128.store(out + off, f32x4.sub(v128.load(logSigma2 + off), a));
      v128.store(out + off, f32x4.sub(v128.load(logSigma2 + off, 16), b), 16);
    }
    for (; i + 4 <= count; i += 4) {
      const off = (<usize>i) << 2;
      const theta2 = SparseKl.theta2(v128.load(theta + off));
      v128.store(out + off, f32x4.sub(v128.load(logSigma2 + off), KlMath.logPositive(theta2)));
    }
    if (i < count) {
      const off = (<usize>i) << 2;
      const theta2 = SparseKl.theta2(BlockSum.loadPartial(theta + off, count - i));
      const logSigma2s = BlockSum.loadPartial(logSigma2 + off, count - i);
      v128.store(out + off, f32x4.sub(logSigma2s, KlMath.logPositive(theta2)));
    }
  }

  /** exp(log σ²) of `count` weights to `out`, the `exp` kernel's bits; two groups per step. */
  @inline static sigma2s(logSigma2: usize, out: usize, count: i32): void {
    let i = 0;
    for (; i + 8 <= count; i += 8) {
      const off = (<usize>i) << 2;
      const a = SimdMath.exp(v128.load(logSigma2 + off));
      const b = SimdMath.exp(v128.load(logSigma2 + off, 16));
      v128.store(out + off, a);
      v128.store(out + off, b, 16);
    }
    for (; i + 4 <= count; i += 4) {
      const off = (<usize>i) << 2;
      v128.store(out + off, SimdMath.exp(v128.load(logSigma2 + off)));
    }
    if (i < count) {
      const off = (<usize>i) << 2;
      const s = SimdMath.exp(BlockSum.loadPartial(logSigma2 + off, count - i));
      BlockSum.storePartial(out + off, s, count - i);
    }
  }

  /** ln of each float64 lane of a product of (1 + e) factors, added. */
  @inline static logOfLanes(product: v128): f64 {
    return Math.log(f64x2.extract_lane(product, 0)) + Math.log(f64x2.extract_lane(product, 1));
  }

  /**
   * Σ KL of `count` weights (at most one block) into float64, the gradient of `scale`·Σ KL to
   * dTheta and dLogSigma2, and exp(log σ²) to sigma2 (each 0: not wanted), through scratch rows
   * `l` (log α before the clip), `e` and `u`.
   */
  @inline static block(
    theta: usize,
    logSigma2: usize,
    count: i32,
    scale: v128,
    dTheta: usize,
    dLogSigma2: usize,
    sigma2: usize,
    l: usize,
    e: usize,
    u: usize,
  ): f64 {
    if (sigma2 != 0) SparseKl.sigma2s(logSigma2, sigma2, count);
    SparseKl.rawLogAlphas(theta, logSigma2, l, count);
    const bytes = (<usize>((count + 3) & ~3)) << 2;
    // Both exponentials in one loop: the same constants serve the two. Two groups per step, here
    // and in rawLogAlphas, so that their dependency chains interleave (−8 % on the kernel,
    // measured); a last odd group computes from stale row entries that nothing reads (the rows
    // hold KL_SUM_BLOCK floats, a multiple of 8).
    for (let off: usize = 0; off < bytes; off += 32) {
      const la = SparseKl.clip(v128.load(l + off));
      const lb = SparseKl.clip(v128.load(l + off, 16));
      const ea = KlMath.exp(f32x4.neg(la));
      const eb = KlMath.exp(f32x4.neg(lb));
      const ua = KlMath.exp(f32x4.add(f32x4.splat(<f32>K2), f32x4.mul(f32x4.splat(<f32>K3), la)));
      const ub = KlMath.exp(f32x4.add(f32x4.splat(<f32>K2), f32x4.mul(f32x4.splat(<f32>K3), lb)));
      v128.store(e + off, ea);
      v128.store(e + off, eb, 16);
      v128.store(u + off, ua);
      v128.store(u + off, ub, 16);
    }
    const grads = dTheta != 0 || dLogSigma2 != 0;
    let acc = f64x2.splat(0);
    // Π(1 + e) of lanes 0 and 1, and of lanes 2 and 3, over the current run; Σ ln of past runs.
    let low = f64x2.splat(1);
    let high = f64x2.splat(1);
    let logs: f64 = 0;
    let run = 0;
    for (let i = 0; i < count; i += 4) {
      const off = (<usize>i) << 2;
      const full = i + 4 <= count;
      // Lanes past the end (θ = 0, log σ² = 0) are masked to e = 0: a factor of 1.
      const eAll = v128.load(e + off);
      const ei = full ? eAll : v128.and(eAll, BlockSum.lanesBelow(count - i));
      const ui = v128.load(u + off);
      const onePlusE = f32x4.add(f32x4.splat(1), ei);
      const onePlusU = f32x4.add(f32x4.splat(1), ui);
      const inv = f32x4.div(f32x4.splat(1), f32x4.mul(onePlusE, onePlusU));
      const fit = f32x4.mul(onePlusE, inv); // 1/(1 + u) = sigmoid(−k2 − k3·l)
      const overE = f32x4.mul(onePlusU, inv); // 1/(1 + e)
      const kl = f32x4.mul(f32x4.splat(<f32>K1), fit);
      acc = BlockSum.add(acc, full ? kl : v128.and(kl, BlockSum.lanesBelow(count - i)));
      low = f64x2.mul(low, f64x2.add(f64x2.splat(1), f64x2.promote_low_f32x4(ei)));
      const upper = v128.shuffle<f32>(ei, ei, 2, 3, 0, 1);
      high = f64x2.mul(high, f64x2.add(f64x2.splat(1), f64x2.promote_low_f32x4(upper)));
      if (++run == LOG_RUN) {
        logs += SparseKl.logOfLanes(low) + SparseKl.logOfLanes(high);
        low = f64x2.splat(1);
        high = f64x2.splat(1);
        run = 0;
      }
      if (!grads) continue;
      // −k1·k3·u·fit² − ½·e·overE, passed where the unclipped log α lies in [LO, HI] (NaN not).
      const raw = v128.load(l + off);
      const inside = f32x4.eq(raw, SparseKl.clip(raw));
      const dFit = f32x4.mul(f32x4.mul(f32x4.splat(<f32>(-K1 * K3)), ui), f32x4.mul(fit, fit));
      const dTail = f32x4.mul(f32x4.splat(0.5), f32x4.mul(ei, overE));
      const dl = v128.and(f32x4.mul(scale, f32x4.sub(dFit, dTail)), inside);
      if (dLogSigma2 != 0) {
        if (full) v128.store(dLogSigma2 + off, dl);
        else BlockSum.storePartial(dLogSigma2 + off, dl, count - i);
      }
      if (dTheta == 0) continue;
      const t = full ? v128.load(theta + off) : BlockSum.loadPartial(theta + off, count - i);
      // Masked again: 0·(−2θ) would be −0 where the clip is active, and the reference writes +0.
      const dt = v128.and(
        f32x4.div(f32x4.mul(dl, f32x4.mul(t, f32x4.splat(-2))), SparseKl.theta2(t)),
        inside,
      );
      if (full) v128.store(dTheta + off, dt);
      else BlockSum.storePartial(dTheta + off, dt, count - i);
    }
    logs += SparseKl.logOfLanes(low) + SparseKl.logOfLanes(high);
    return BlockSum.total(acc) + 0.5 * logs;
  }
}

/**
 * Σ KL of each block b in [b0, b1) of KL_SUM_BLOCK weights (the last one ends at n) to
 * partials[b] (float64, unscaled), the gradient of `scale`·Σ KL over those weights to dTheta
 * and dLogSigma2, and their exp(log σ²) to sigma2, where those are not 0; `scratch` is
 * klScratchBytes() of this thread's. The blocks are claimed from the i32 at `counter`, shared by
 * the call's threads (BlockSum.claim).
 */
export function sparseVariationalDropoutKl(
  theta: usize,
  logSigma2: usize,
  scale: f32,
  partials: usize,
  dTheta: usize,
  dLogSigma2: usize,
  sigma2: usize,
  b0: i32,
  b1: i32,
  n: i32,
  scratch: usize,
  counter: usize,
): void {
  const row = (<usize>KL_SUM_BLOCK) << 2;
  const scales = f32x4.splat(scale);
  for (let b = BlockSum.claim(counter, b0); b < b1; b = BlockSum.claim(counter, b0)) {
    const off = (<usize>(b * KL_SUM_BLOCK)) << 2;
    const count = min(n - b * KL_SUM_BLOCK, KL_SUM_BLOCK);
    const sum = SparseKl.block(
      theta + off,
      logSigma2 + off,
      count,
      scales,
      dTheta == 0 ? 0 : dTheta + off,
      dLogSigma2 == 0 ? 0 : dLogSigma2 + off,
      sigma2 == 0 ? 0 : sigma2 + off,
      scratch,
      scratch + row,
      scratch + 2 * row,
    );
    store<f64>(partials + ((<usize>b) << 3), sum);
  }
}
