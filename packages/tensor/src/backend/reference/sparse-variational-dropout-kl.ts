// Molchanov et al.'s KL approximation summed over the weights, and its gradient, in float64 per
// element from the float32 inputs (the sum in float64 too, rounded once). The constants and the
// clip live in assembly/codes.ts, which the wasm kernel compiles as well.
import {
  SVD_THETA2_FLOOR as FLOOR,
  SVD_LOG_ALPHA_MAX as HI,
  SVD_KL_K1 as K1,
  SVD_KL_K2 as K2,
  SVD_KL_K3 as K3,
  SVD_LOG_ALPHA_MIN as LO,
} from '../../../assembly/kl-constants.js';

/** log σ² − log(θ² + 1e-16): log α before the clip. */
const rawLogAlpha = (theta: number, logSigma2: number) =>
  logSigma2 - Math.log(theta * theta + FLOOR);

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

export function sparseVariationalDropoutKl(
  theta: Float32Array,
  logSigma2: Float32Array,
  out: Float32Array,
): void {
  let total = 0;
  for (let i = 0; i < theta.length; i++) {
    const logAlpha = Math.min(Math.max(rawLogAlpha(theta[i]!, logSigma2[i]!), LO), HI);
    total += K1 * sigmoid(-K2 - K3 * logAlpha) + 0.5 * Math.log1p(Math.exp(-logAlpha));
  }
  out[0] = total;
}

export function sparseVariationalDropoutKlBackward(
  theta: Float32Array,
  logSigma2: Float32Array,
  grad: number,
  dTheta: Float32Array,
  dLogSigma2: Float32Array,
): void {
  for (let i = 0; i < theta.length; i++) {
    const t = theta[i]!;
    const logAlpha = rawLogAlpha(t, logSigma2[i]!);
    // The clip passes the gradient on [LO, HI] (clamp's rule), NaN included in neither.
    if (!(logAlpha >= LO && logAlpha <= HI)) {
      dTheta[i] = 0;
      dLogSigma2[i] = 0;
      continue;
    }
    // e/(1+e) with e = exp(−log α) is sigmoid(−log α): both terms negative, no cancellation.
    const s = sigmoid(-K2 - K3 * logAlpha);
    const dLogAlpha = grad * (-K1 * K3 * s * (1 - s) - 0.5 * sigmoid(-logAlpha));
    dLogSigma2[i] = dLogAlpha;
    dTheta[i] = (dLogAlpha * -2 * t) / (t * t + FLOOR);
  }
}
