import type { TypedArray } from '../../dtype.js';
import { broadcastStrides } from '../../shape.js';
import type { BinaryOpName, BinaryParams } from '../backend.js';
import { forEachRow } from './broadcast-rows.js';

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

export function binary(
  op: BinaryOpName,
  a: TypedArray,
  b: TypedArray,
  out: TypedArray,
  { aShape, bShape, outShape }: BinaryParams,
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
