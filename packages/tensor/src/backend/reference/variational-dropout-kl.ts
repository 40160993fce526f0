// Kingma et al.'s eq. 7 KL summed over the α entries, times `scale`, and the gradient of that in
// the same pass when asked, in float64 per element from the float32 log α (the sum in float64 too,
// rounded once). The coefficients live in assembly/kl-constants.ts, which the wasm kernel compiles
// as well.
import { VD_KL_C1 as C1, VD_KL_C2 as C2, VD_KL_C3 as C3 } from '../../../assembly/kl-constants.js';
import type { Backend } from '../backend.js';
import { scaledSquare } from './scaled-square.js';

export const variationalDropoutKl: Backend['variationalDropoutKl'] = (
  logAlpha,
  scale,
  out,
  dLogAlpha,
  square,
) => {
  if (square) scaledSquare(square.x, logAlpha, square.out, square.scaled);
  let total = 0;
  for (let i = 0; i < logAlpha.length; i++) {
    const l = logAlpha[i]!;
    const a = Math.exp(l);
    total += C1 + C2 + C3 - (0.5 * l + a * (C1 + a * (C2 + a * C3)));
    if (dLogAlpha) dLogAlpha[i] = -scale * (0.5 + a * (C1 + a * (2 * C2 + a * 3 * C3)));
  }
  out[0] = scale * total;
};
