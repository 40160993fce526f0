import type { Backend } from './backend.js';

// The KL-term kernels of the learned-rate dropouts, part of every Backend (split from backend.ts,
// which holds the rest, for its line budget).

/** Where {@link KlKernels.variationalDropoutKl} also writes `scaledSquare(x, log α)`. */
export interface ScaledSquareOutputs {
  /** The weights θ, log α's length. */
  readonly x: Float32Array;
  /** e^(log α)·θ², as `scaledSquare`'s `out`. */
  readonly out: Float32Array;
  /** e^(log α)·θ, as `scaledSquare`'s `scaled`, or null. */
  readonly scaled: Float32Array | null;
}

/** The KL-term kernels of a {@link Backend}: a sum over the weights and its gradient in one pass. */
export interface KlKernels {
  /**
   * Molchanov et al.'s KL approximation summed over every weight, times `scale`: `out[0] =
   * scale·Σᵢ k1·sigmoid(−k2 − k3·lᵢ) + ½·log1p(exp(−lᵢ))` with `lᵢ = clip(logSigma2ᵢ −
   * log(thetaᵢ² + 1e-16), −10, 10)`; theta and logSigma2 have one length. In the same pass, the
   * gradient of that to each output that is not null: `dLogSigma2ᵢ = scale·(−k1·k3·s(1−s) −
   * ½·sigmoid(−lᵢ))`, s = sigmoid(−k2 − k3·lᵢ), and `dThetaᵢ = dLogSigma2ᵢ·(−2θᵢ/(θᵢ² + 1e-16))`,
   * both 0 where the unclipped lᵢ is outside [−10, 10] (or NaN); `sigma2ᵢ = exp(logSigma2ᵢ)`.
   */
  sparseVariationalDropoutKl(
    theta: Float32Array,
    logSigma2: Float32Array,
    scale: number,
    out: Float32Array,
    dTheta: Float32Array | null,
    dLogSigma2: Float32Array | null,
    sigma2: Float32Array | null,
  ): void;
  /**
   * Kingma et al.'s eq. 7 KL summed over every entry, times `scale`: `out[0] = scale·Σᵢ (c1 + c2 +
   * c3) − (½·lᵢ + c1·αᵢ + c2·αᵢ² + c3·αᵢ³)`, αᵢ = exp(lᵢ), l = logAlpha; in the same pass, unless
   * dLogAlpha is null, its gradient `dLogAlphaᵢ = −scale·(½ + αᵢ·(c1 + 2c2·αᵢ + 3c3·αᵢ²))`, and,
   * unless `square` is null, {@link Backend.scaledSquare} of `square.x` (logAlpha's length) by
   * log α into `square.out` and `square.scaled`, with that kernel's bits.
   */
  variationalDropoutKl(
    logAlpha: Float32Array,
    scale: number,
    out: Float32Array,
    dLogAlpha: Float32Array | null,
    square: ScaledSquareOutputs | null,
  ): void;
}
