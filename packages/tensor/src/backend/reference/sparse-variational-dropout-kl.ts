// Molchanov et al.'s KL approximation summed over the weights, times `scale`, and the gradient of
// that and σ² = exp(log σ²) (as the reference `exp` computes it) in the same pass when asked, in
// float64 per element from the float32 inputs (the sum in float64 too, rounded once). The
// constants and the clip live in assembly/kl-constants.ts, which the wasm kernel compiles as well.
import {
  SVD_THETA2_FLOOR as FLOOR,
  SVD_LOG_ALPHA_MAX as HI,
  SVD_KL_K1 as K1,
  SVD_KL_K2 as K2,
  SVD_KL_K3 as K3,
  SVD_LOG_ALPHA_MIN as LO,
} from '../../../assembly/kl-constants.js';
import type { Backend } from '../backend.js';

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

export const sparseVariationalDropoutKl: Backend['sparseVariationalDropoutKl'] = (
  theta,
  logSigma2,
  scale,
  out,
  dTheta,
  dLogSigma2,
  sigma2,
) => {
  let total = 0;
  for (let i = 0; i < theta.length; i++) {
    if (sigma2) sigma2[i] = Math.exp(logSigma2[i]!);
    const t = theta[i]!;
    const theta2 = t * t + FLOOR;
    // log α before the clip; the clip passes the gradient on [LO, HI] (clamp's rule), NaN not.
    const raw = logSigma2[i]! - Math.log(theta2);
    const logAlpha = Math.min(Math.max(raw, LO), HI);
    const fit = sigmoid(-K2 - K3 * logAlpha);
    total += K1 * fit + 0.5 * Math.log1p(Math.exp(-logAlpha));
    if (dTheta === null && dLogSigma2 === null) continue;
    const inside = raw >= LO && raw <= HI;
    // e/(1+e) with e = exp(−log α) is sigmoid(−log α): both terms negative, no cancellation.
    const dLogAlpha = inside ? scale * (-K1 * K3 * fit * (1 - fit) - 0.5 * sigmoid(-raw)) : 0;
    if (dLogSigma2) dLogSigma2[i] = dLogAlpha;
    if (dTheta) dTheta[i] = inside ? (dLogAlpha * -2 * t) / theta2 : 0;
  }
  out[0] = scale * total;
};
