import type { TypedArray } from '../dtype.js';
import { randomBits, UNIT_24 } from '../random/counter-hash.js';
import { type Shape, sizeOf } from '../shape.js';
import type {
  Backend,
  BinaryOpName,
  MatmulParams,
  RandomKey,
  ReduceOpName,
  UnaryOpName,
} from './backend.js';

type Fn2 = (x: number, y: number) => number;
type Fn1 = (x: number) => number;

const BINARY: Record<BinaryOpName, Fn2> = {
  add: (x, y) => x + y,
  sub: (x, y) => x - y,
  mul: (x, y) => x * y,
  div: (x, y) => x / y,
  maximum: Math.max, // propagates NaN, as IEEE maximum should
  minimum: Math.min,
  greater: (x, y) => (x > y ? 1 : 0),
  equal: (x, y) => (x === y ? 1 : 0),
};

const UNARY: Record<UnaryOpName, Fn1> = {
  neg: (x) => -x,
  exp: Math.exp,
  log: Math.log,
  relu: (x) => Math.max(x, 0),
  sqrt: Math.sqrt,
  abs: Math.abs,
  sigmoid: (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))),
  tanh: Math.tanh,
};

/** Strides of `shape` aligned to an output of rank `rank`, 0 where the input broadcasts. */
function broadcastStrides(shape: Shape, rank: number, outShape: Shape): number[] {
  const strides = new Array<number>(rank).fill(0);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const o = rank - shape.length + i;
    strides[o] = shape[i] === 1 && outShape[o] !== 1 ? 0 : s;
    s *= shape[i]!;
  }
  return strides;
}

function binary(
  op: BinaryOpName,
  a: TypedArray,
  aShape: Shape,
  b: TypedArray,
  bShape: Shape,
  out: TypedArray,
  outShape: Shape,
): void {
  const f = BINARY[op];
  const size = out.length;
  if (size === 0) return;
  if (a.length === size && b.length === size) {
    for (let i = 0; i < size; i++) out[i] = f(a[i]!, b[i]!);
    return;
  }
  if (b.length === 1) {
    const y = b[0]!;
    for (let i = 0; i < size; i++) out[i] = f(a[i % a.length]!, y);
    return;
  }
  // General case: walk the output in row-major order with an odometer over all but the last axis.
  const rank = outShape.length;
  const sa = broadcastStrides(aShape, rank, outShape);
  const sb = broadcastStrides(bShape, rank, outShape);
  const inner = outShape[rank - 1]!;
  const ia = sa[rank - 1]!;
  const ib = sb[rank - 1]!;
  const index = new Array<number>(rank).fill(0);
  let offA = 0;
  let offB = 0;
  for (let o = 0; o < size; o += inner) {
    for (let j = 0, pa = offA, pb = offB; j < inner; j++, pa += ia, pb += ib) {
      out[o + j] = f(a[pa]!, b[pb]!);
    }
    for (let d = rank - 2; d >= 0; d--) {
      index[d]!++;
      offA += sa[d]!;
      offB += sb[d]!;
      if (index[d]! < outShape[d]!) break;
      offA -= sa[d]! * index[d]!;
      offB -= sb[d]! * index[d]!;
      index[d] = 0;
    }
  }
}

function unary(op: UnaryOpName, x: TypedArray, out: TypedArray): void {
  const f = UNARY[op];
  for (let i = 0; i < x.length; i++) out[i] = f(x[i]!);
}

function reduce(
  op: ReduceOpName,
  x: TypedArray,
  shape: Shape,
  axes: readonly number[],
  out: TypedArray,
): void {
  // Move reduced axes innermost conceptually: iterate output positions, and for each, the reduced
  // block. Accumulate in float64 for sums so long reductions stay accurate.
  const rank = shape.length;
  const reduced = new Set(axes);
  const keptAxes = [...Array(rank).keys()].filter((d) => !reduced.has(d));
  const strides = new Array<number>(rank);
  for (let d = rank - 1, s = 1; d >= 0; d--) {
    strides[d] = s;
    s *= shape[d]!;
  }
  const redAxes = axes;
  const redSize = sizeOf(redAxes.map((d) => shape[d]!));
  const outSize = out.length;
  const keptIndex = new Array<number>(keptAxes.length).fill(0);
  const redIndex = new Array<number>(redAxes.length).fill(0);
  for (let o = 0; o < outSize; o++) {
    let base = 0;
    for (let j = 0; j < keptAxes.length; j++) base += keptIndex[j]! * strides[keptAxes[j]!]!;
    let acc = op === 'sum' ? 0 : op === 'max' ? -Infinity : Infinity;
    redIndex.fill(0);
    let off = base;
    for (let r = 0; r < redSize; r++) {
      const v = x[off]!;
      if (op === 'sum') acc += v;
      else if (Number.isNaN(v) || Number.isNaN(acc)) acc = Number.NaN;
      else if (op === 'max' ? v > acc : v < acc) acc = v;
      for (let j = redAxes.length - 1; j >= 0; j--) {
        const d = redAxes[j]!;
        redIndex[j]!++;
        off += strides[d]!;
        if (redIndex[j]! < shape[d]!) break;
        off -= strides[d]! * redIndex[j]!;
        redIndex[j] = 0;
      }
    }
    out[o] = acc;
    for (let j = keptAxes.length - 1; j >= 0; j--) {
      keptIndex[j]!++;
      if (keptIndex[j]! < shape[keptAxes[j]!]!) break;
      keptIndex[j] = 0;
    }
  }
}

// Panel width for packing B: a k×NB slab of op(B) stays in L1/L2 while every row of A streams by.
const NB = 256;

function matmul(a: Float32Array, b: Float32Array, out: Float32Array, p: MatmulParams): void {
  const { batch, m, n, k, transA, transB } = p;
  const packed = new Float32Array(k * NB);
  const aRow = new Float64Array(k);
  const acc = new Float64Array(NB);
  for (let bi = 0; bi < batch; bi++) {
    const aOff = bi * m * k;
    const bOff = bi * k * n;
    const oOff = bi * m * n;
    for (let j0 = 0; j0 < n; j0 += NB) {
      const nb = Math.min(NB, n - j0);
      // Pack op(B)[:, j0:j0+nb] row-major so the inner loop reads it contiguously.
      for (let q = 0; q < k; q++) {
        for (let j = 0; j < nb; j++) {
          packed[q * nb + j] = transB ? b[bOff + (j0 + j) * k + q]! : b[bOff + q * n + j0 + j]!;
        }
      }
      for (let i = 0; i < m; i++) {
        for (let q = 0; q < k; q++) aRow[q] = transA ? a[aOff + q * m + i]! : a[aOff + i * k + q]!;
        acc.fill(0, 0, nb);
        for (let q = 0; q < k; q++) {
          const av = aRow[q]!;
          if (av === 0) continue;
          const row = q * nb;
          for (let j = 0; j < nb; j++) acc[j]! += av * packed[row + j]!;
        }
        const o = oOff + i * n + j0;
        for (let j = 0; j < nb; j++) out[o + j] = acc[j]!;
      }
    }
  }
}

function logSoftmax(
  x: Float32Array,
  outer: number,
  size: number,
  inner: number,
  out: Float32Array,
): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * size * inner + i;
      let max = -Infinity;
      for (let s = 0; s < size; s++) max = Math.max(max, x[base + s * inner]!);
      let sum = 0;
      for (let s = 0; s < size; s++) sum += Math.exp(x[base + s * inner]! - max);
      const lse = max + Math.log(sum);
      for (let s = 0; s < size; s++) out[base + s * inner] = x[base + s * inner]! - lse;
    }
  }
}

function uniform(key: RandomKey, out: Float32Array): void {
  for (let i = 0; i < out.length; i++) out[i] = (randomBits(key, i) >>> 8) * UNIT_24;
}

function normal(key: RandomKey, out: Float32Array): void {
  // Box–Muller on a pair of counters per pair of outputs; u1 in (0, 1] so log never sees 0.
  for (let i = 0; i < out.length; i += 2) {
    const u1 = ((randomBits(key, i) >>> 8) + 1) * UNIT_24;
    const u2 = (randomBits(key, i + 1) >>> 8) * UNIT_24;
    const r = Math.sqrt(-2 * Math.log(u1));
    const t = 2 * Math.PI * u2;
    out[i] = r * Math.cos(t);
    if (i + 1 < out.length) out[i + 1] = r * Math.sin(t);
  }
}

function dropout(
  x: Float32Array,
  keepThreshold: number,
  scale: number,
  key: RandomKey,
  out: Float32Array,
  mask: Uint8Array,
): void {
  for (let i = 0; i < x.length; i++) {
    const keep = randomBits(key, i) >>> 8 < keepThreshold ? 1 : 0;
    mask[i] = keep;
    out[i] = keep ? x[i]! * scale : 0;
  }
}

/**
 * The plain-TypeScript backend: clear, correct, single-threaded. It is the default and the oracle
 * every faster backend is tested against.
 *
 * @example
 * ```ts
 * import { referenceBackend } from '@lacuna/tensor';
 * const out = new Float32Array(4);
 * referenceBackend.unary('relu', new Float32Array([-1, 2, -3, 4]), out); // [0, 2, 0, 4]
 * ```
 */
export const referenceBackend: Backend = {
  name: 'reference',
  binary,
  unary,
  reduce,
  matmul,
  logSoftmax,
  uniform,
  normal,
  dropout,
};
