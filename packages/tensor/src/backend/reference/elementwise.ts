import type { TypedArray } from '../../dtype.js';
import { broadcastStrides, type Shape } from '../../shape.js';
import type { BinaryOpName, UnaryOpName, UnaryParams } from '../backend.js';

// A strided row kernel per op: out[po + j] = a[pa + j·sa] ∘ b[pb + j·sb] for j < n. Each op has its
// own function so the JIT sees one expression per loop (a shared loop over a function table runs
// several times slower). Same-shape, scalar and broadcast cases all reduce to calls of these.
type Row = (
  a: TypedArray,
  pa: number,
  sa: number,
  b: TypedArray,
  pb: number,
  sb: number,
  out: TypedArray,
  po: number,
  n: number,
) => void;

const ROWS: Record<BinaryOpName, Row> = {
  add: (a, pa, sa, b, pb, sb, o, po, n) => {
    for (let j = 0; j < n; j++, pa += sa, pb += sb) o[po + j] = a[pa]! + b[pb]!;
  },
  sub: (a, pa, sa, b, pb, sb, o, po, n) => {
    for (let j = 0; j < n; j++, pa += sa, pb += sb) o[po + j] = a[pa]! - b[pb]!;
  },
  mul: (a, pa, sa, b, pb, sb, o, po, n) => {
    for (let j = 0; j < n; j++, pa += sa, pb += sb) o[po + j] = a[pa]! * b[pb]!;
  },
  div: (a, pa, sa, b, pb, sb, o, po, n) => {
    for (let j = 0; j < n; j++, pa += sa, pb += sb) o[po + j] = a[pa]! / b[pb]!;
  },
  pow: (a, pa, sa, b, pb, sb, o, po, n) => {
    for (let j = 0; j < n; j++, pa += sa, pb += sb) o[po + j] = a[pa]! ** b[pb]!;
  },
  // Math.max / Math.min propagate NaN, as an IEEE maximum should.
  maximum: (a, pa, sa, b, pb, sb, o, po, n) => {
    for (let j = 0; j < n; j++, pa += sa, pb += sb) o[po + j] = Math.max(a[pa]!, b[pb]!);
  },
  minimum: (a, pa, sa, b, pb, sb, o, po, n) => {
    for (let j = 0; j < n; j++, pa += sa, pb += sb) o[po + j] = Math.min(a[pa]!, b[pb]!);
  },
  greater: (a, pa, sa, b, pb, sb, o, po, n) => {
    for (let j = 0; j < n; j++, pa += sa, pb += sb) o[po + j] = a[pa]! > b[pb]! ? 1 : 0;
  },
  greaterEqual: (a, pa, sa, b, pb, sb, o, po, n) => {
    for (let j = 0; j < n; j++, pa += sa, pb += sb) o[po + j] = a[pa]! >= b[pb]! ? 1 : 0;
  },
  less: (a, pa, sa, b, pb, sb, o, po, n) => {
    for (let j = 0; j < n; j++, pa += sa, pb += sb) o[po + j] = a[pa]! < b[pb]! ? 1 : 0;
  },
  lessEqual: (a, pa, sa, b, pb, sb, o, po, n) => {
    for (let j = 0; j < n; j++, pa += sa, pb += sb) o[po + j] = a[pa]! <= b[pb]! ? 1 : 0;
  },
  equal: (a, pa, sa, b, pb, sb, o, po, n) => {
    for (let j = 0; j < n; j++, pa += sa, pb += sb) o[po + j] = a[pa]! === b[pb]! ? 1 : 0;
  },
  notEqual: (a, pa, sa, b, pb, sb, o, po, n) => {
    for (let j = 0; j < n; j++, pa += sa, pb += sb) o[po + j] = a[pa]! !== b[pb]! ? 1 : 0;
  },
};

/**
 * Walks the output in row-major order, calling `row(offsets…, outOffset, n)` once per innermost
 * row with each operand's offset advanced by its broadcast strides.
 */
export function forEachRow(
  outShape: Shape,
  strides: readonly number[][],
  row: (
    offsets: readonly number[],
    outOffset: number,
    inner: number,
    innerStrides: readonly number[],
  ) => void,
): void {
  const rank = outShape.length;
  const size = outShape.reduce((n, d) => n * d, 1);
  if (size === 0) return;
  if (rank === 0) {
    row(
      strides.map(() => 0),
      0,
      1,
      strides.map(() => 0),
    );
    return;
  }
  const inner = outShape[rank - 1]!;
  const innerStrides = strides.map((s) => s[rank - 1]!);
  const index = new Array<number>(rank).fill(0);
  const offsets = strides.map(() => 0);
  for (let o = 0; o < size; o += inner) {
    row(offsets, o, inner, innerStrides);
    for (let d = rank - 2; d >= 0; d--) {
      index[d]!++;
      for (let k = 0; k < offsets.length; k++) offsets[k]! += strides[k]![d]!;
      if (index[d]! < outShape[d]!) break;
      for (let k = 0; k < offsets.length; k++) offsets[k]! -= strides[k]![d]! * index[d]!;
      index[d] = 0;
    }
  }
}

export function binary(
  op: BinaryOpName,
  a: TypedArray,
  aShape: Shape,
  b: TypedArray,
  bShape: Shape,
  out: TypedArray,
  outShape: Shape,
): void {
  const row = ROWS[op];
  const n = out.length;
  if (a.length === n && (b.length === n || b.length === 1)) {
    row(a, 0, 1, b, 0, b.length === n ? 1 : 0, out, 0, n);
    return;
  }
  if (a.length === 1 && b.length === n) {
    row(a, 0, 0, b, 0, 1, out, 0, n);
    return;
  }
  const sa = broadcastStrides(aShape, outShape);
  const sb = broadcastStrides(bShape, outShape);
  forEachRow(outShape, [sa, sb], (off, o, inner, is) =>
    row(a, off[0]!, is[0]!, b, off[1]!, is[1]!, out, o, inner),
  );
}

export function where(
  cond: TypedArray,
  condShape: Shape,
  a: TypedArray,
  aShape: Shape,
  b: TypedArray,
  bShape: Shape,
  out: TypedArray,
  outShape: Shape,
): void {
  const strides = [
    broadcastStrides(condShape, outShape),
    broadcastStrides(aShape, outShape),
    broadcastStrides(bShape, outShape),
  ];
  forEachRow(outShape, strides, (off, o, inner, is) => {
    let pc = off[0]!;
    let pa = off[1]!;
    let pb = off[2]!;
    for (let j = 0; j < inner; j++, pc += is[0]!, pa += is[1]!, pb += is[2]!)
      out[o + j] = cond[pc] ? a[pa]! : b[pb]!;
  });
}

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

export function maskedAffine(
  x: Float32Array,
  shape: Shape,
  mask: Uint8Array,
  maskShape: Shape,
  scale: number,
  shift: number,
  fill: number,
  out: Float32Array,
): void {
  const strides = [broadcastStrides(shape, shape), broadcastStrides(maskShape, shape)];
  forEachRow(shape, strides, (off, o, inner, is) => {
    let px = off[0]!;
    let pm = off[1]!;
    for (let j = 0; j < inner; j++, px += is[0]!, pm += is[1]!)
      // x·0 keeps a NaN (or ±Infinity, as NaN) in a dropped element visible, as PyTorch does.
      out[o + j] = mask[pm] ? x[px]! * scale + shift : x[px]! * 0 + fill;
  });
}
