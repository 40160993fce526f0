// input + a·b elementwise: the float64 product of two float32 values rounded to float32, then the
// float64 sum rounded again, which are the float32 product and sum (binary mul, then binary add).
import type { Backend } from '../backend.js';

export const addcmul: Backend['addcmul'] = (input, a, b, out) => {
  for (let i = 0; i < out.length; i++) out[i] = input[i]! + Math.fround(a[i]! * b[i]!);
};
