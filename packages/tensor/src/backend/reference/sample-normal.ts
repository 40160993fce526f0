// mean + √(variance + floor)·ε per element, each step rounded to float32 as the separate add,
// sqrt, mul and add ops round it: the oracle of the wasm kernel (assembly/sample-normal.ts),
// whose float32 SIMD steps are the same IEEE operations, so both give the same bits.
import type { Backend } from '../backend.js';

export const sampleNormal: Backend['sampleNormal'] = (
  mean,
  variance,
  eps,
  floor,
  out,
  twoSigma,
) => {
  const f = Math.fround(floor);
  for (let i = 0; i < mean.length; i++) {
    const s = Math.fround(Math.sqrt(Math.fround(variance[i]! + f)));
    out[i] = mean[i]! + Math.fround(s * eps[i]!);
    if (twoSigma) twoSigma[i] = s + s;
  }
};
