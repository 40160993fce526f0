import type { TypedArray } from '../../dtype.js';
import type { UnaryOpName, UnaryParams } from '../backend.js';

const SELU_ALPHA = 1.6732632423543772;
const SELU_LAMBDA = 1.0507009873554805;

/** erf(x) (JavaScript has no Math.erf), for the exact GELU x·Φ(x). */
export function erf(x: number): number {
  const s = x < 0 ? -1 : 1;
  const ax = Math.abs(x);
  // Numerical Recipes' Chebyshev fit of erfc: fractional error < 1.2e-7, ample for float32.
  const t = 1 / (1 + 0.5 * ax);
  const y =
    t *
    Math.exp(
      -ax * ax -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t *
                              (-1.13520398 +
                                t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return s * (1 - y);
}

export function unary(
  op: UnaryOpName,
  x: TypedArray,
  out: TypedArray,
  params: UnaryParams = {},
): void {
  const n = x.length;
  switch (op) {
    case 'neg':
      for (let i = 0; i < n; i++) out[i] = -x[i]!;
      return;
    case 'exp':
      for (let i = 0; i < n; i++) out[i] = Math.exp(x[i]!);
      return;
    case 'log':
      for (let i = 0; i < n; i++) out[i] = Math.log(x[i]!);
      return;
    case 'log1p':
      for (let i = 0; i < n; i++) out[i] = Math.log1p(x[i]!);
      return;
    case 'erf':
      for (let i = 0; i < n; i++) out[i] = erf(x[i]!);
      return;
    case 'sqrt':
      for (let i = 0; i < n; i++) out[i] = Math.sqrt(x[i]!);
      return;
    case 'abs':
      for (let i = 0; i < n; i++) out[i] = Math.abs(x[i]!);
      return;
    case 'sign':
      for (let i = 0; i < n; i++) out[i] = Math.sign(x[i]!);
      return;
    case 'relu':
      for (let i = 0; i < n; i++) out[i] = Math.max(x[i]!, 0);
      return;
    case 'leakyRelu': {
      const a = params.alpha ?? 0.01;
      for (let i = 0; i < n; i++) {
        const v = x[i]!;
        out[i] = v > 0 ? v : a * v;
      }
      return;
    }
    case 'elu': {
      const a = params.alpha ?? 1;
      for (let i = 0; i < n; i++) {
        const v = x[i]!;
        out[i] = v > 0 ? v : a * Math.expm1(v);
      }
      return;
    }
    case 'selu':
      for (let i = 0; i < n; i++) {
        const v = x[i]!;
        out[i] = SELU_LAMBDA * (v > 0 ? v : SELU_ALPHA * Math.expm1(v));
      }
      return;
    case 'gelu':
      for (let i = 0; i < n; i++) {
        const v = x[i]!;
        out[i] = 0.5 * v * (1 + erf(v * Math.SQRT1_2));
      }
      return;
    case 'sigmoid':
      for (let i = 0; i < n; i++) {
        const v = x[i]!;
        out[i] = v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v));
      }
      return;
    case 'tanh':
      for (let i = 0; i < n; i++) out[i] = Math.tanh(x[i]!);
      return;
    case 'softplus':
      // log(1 + e^x) = max(x, 0) + log1p(e^-|x|): no overflow for large x, no loss for small.
      for (let i = 0; i < n; i++) {
        const v = x[i]!;
        out[i] = Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)));
      }
      return;
    case 'clamp': {
      const lo = params.min ?? -Infinity;
      const hi = params.max ?? Infinity;
      for (let i = 0; i < n; i++) {
        const v = x[i]!;
        out[i] = v < lo ? lo : Math.min(v, hi);
      }
      return;
    }
  }
}

export { SELU_ALPHA, SELU_LAMBDA };
