// Kernel inputs the wasm tests share: seeded floats with the values that trip kernels up,
// element counts at SIMD tails and thread-split edges, broadcast shapes and conv geometries.
import fc from 'fast-check';
import type { Backend, Conv2dParams, MatmulParams } from '../backend/backend.js';

/** Floats from a seed, with the values that trip kernels up mixed in when `special`. */
export function floats(n: number, seed: number, special = false): Float32Array {
  const out = new Float32Array(n);
  const odd = [Number.NaN, 0, -0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e-40];
  for (let i = 0; i < n; i++) {
    out[i] =
      special && i % 7 === 3
        ? odd[(i + seed) % odd.length]!
        : Math.sin(seed * 12.9898 + i * 78.233) * 3;
  }
  return out;
}

/**
 * a·b + c rounded once to float32 (a fused multiply-add), for float32 a, b, c: a·b is exact in
 * float64, TwoSum gives the float64 sum s and its exact error e, and only a tie of s between two
 * float32s needs e to break it.
 */
export function fma32(a: number, b: number, c: number): number {
  const product = a * b;
  const s = product + c;
  const bv = s - product;
  const e = product - (s - bv) + (c - bv);
  const r = Math.fround(s);
  if (e === 0 || r === s || !Number.isFinite(s)) return r;
  // r's float32 neighbour on s's side: s is a tie exactly when it sits halfway between the two,
  // and then the exact sum s + e lies on e's side of it.
  const other = nextFloat32(r, s);
  if ((r + other) / 2 !== s) return r;
  return Math.sign(e) === Math.sign(other - r) ? other : r;
}

/** The float32 next to float32 `r` in the direction of `toward` (≠ r). */
function nextFloat32(r: number, toward: number): number {
  if (r === 0) return Math.sign(toward) * 2 ** -149;
  const bits = new Float32Array([r]);
  const word = new Uint32Array(bits.buffer);
  word[0] = word[0]! + (toward > r === r > 0 ? 1 : -1);
  return bits[0]!;
}

/**
 * op(A)·op(B) accumulated in float32 in k order, the wasm kernel's documented rounding: each step
 * acc + a·b rounds the product and then the sum, or, `fused`, rounds once (the relaxed-SIMD build
 * where the CPU has FMA).
 */
export function float32Matmul(
  a: Float32Array,
  b: Float32Array,
  p: MatmulParams,
  fused = false,
): Float32Array {
  const { batch, m, n, k, transA, transB } = p;
  const out = new Float32Array(batch * m * n);
  for (let t = 0; t < batch; t++) {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let acc = 0;
        for (let q = 0; q < k; q++) {
          const av = a[t * m * k + (transA ? q * m + i : i * k + q)]!;
          const bv = b[t * k * n + (transB ? j * k + q : q * n + j)]!;
          acc = fused ? fma32(av, bv, acc) : Math.fround(acc + Math.fround(av * bv));
        }
        out[t * m * n + i * n + j] = acc;
      }
    }
  }
  return out;
}

/**
 * The first element of `actual` not within float32 rounding of `expected`, sums of `terms`
 * products of {@link floats} (|x| ≤ 3): |Δ| ≤ 2·10⁻⁶ · terms · (1 + |expected|) · 9; -1 when
 * every element is. The matmul/conv tolerance against the reference backend.
 */
export function firstNotClose(actual: Float32Array, expected: Float32Array, terms: number): number {
  for (let i = 0; i < expected.length; i++) {
    const tolerance = 2e-6 * terms * (1 + Math.abs(expected[i]!)) * 9;
    if (!(Math.abs(actual[i]! - expected[i]!) <= tolerance)) return i;
  }
  return -1;
}

/**
 * Element counts for elementwise kernels: SIMD tails (0..70), the thread split's edge
 * (PARALLEL_MIN_ELEMENTS = 2^16, ±1) and a few sizes above it. Capped so that a run's work is
 * fixed by the count, whatever the machine's speed.
 */
export const elementCount = fc.oneof(
  fc.integer({ min: 0, max: 70 }),
  fc.constantFrom(65_535, 65_536, 65_537),
  fc.integer({ min: 65_536, max: 90_000 }),
);

/** An output shape and two operand shapes that broadcast to it (axes dropped or set to 1). */
const operandOf = (out: number[]) =>
  fc
    .tuple(
      fc.integer({ min: 0, max: out.length }),
      fc.array(fc.boolean(), { minLength: out.length, maxLength: out.length }),
    )
    .map(([drop, ones]) => out.slice(drop).map((d, i) => (ones[i + drop] ? 1 : d)));
export const shapeAndBroadcast = fc
  .array(fc.integer({ min: 1, max: 6 }), { minLength: 0, maxLength: 4 })
  .chain((out) => fc.tuple(fc.constant(out), operandOf(out), operandOf(out)));

/** Random conv geometries (groups, stride, padding, dilation) with at least one output pixel. */
export const convParams = fc
  .record({
    batch: fc.integer({ min: 1, max: 4 }),
    groups: fc.integer({ min: 1, max: 2 }),
    channels: fc.integer({ min: 1, max: 3 }),
    perGroupOut: fc.integer({ min: 1, max: 3 }),
    inH: fc.integer({ min: 1, max: 9 }),
    inW: fc.integer({ min: 1, max: 11 }),
    kH: fc.integer({ min: 1, max: 3 }),
    kW: fc.integer({ min: 1, max: 3 }),
    stride: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })),
    padding: fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 })),
    dilation: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })),
  })
  .map((r): Conv2dParams => {
    const out = (size: number, k: number, s: number, p: number, d: number) =>
      Math.floor((size + 2 * p - d * (k - 1) - 1) / s) + 1;
    return {
      groups: r.groups,
      outChannels: r.groups * r.perGroupOut,
      geometry: {
        batch: r.batch,
        channels: r.channels,
        inH: r.inH,
        inW: r.inW,
        kH: r.kH,
        kW: r.kW,
        stride: r.stride,
        padding: r.padding,
        dilation: r.dilation,
        outH: out(r.inH, r.kH, r.stride[0], r.padding[0], r.dilation[0]),
        outW: out(r.inW, r.kW, r.stride[1], r.padding[1], r.dilation[1]),
      },
    };
  })
  .filter((p) => p.geometry.outH >= 1 && p.geometry.outW >= 1);

/**
 * A 3×3, padding-1 conv layer big enough to split across threads: 5 images of 20×20, 8 input
 * channels per group, 16 output channels in all.
 */
export function threadSplitConv(groups: number): Conv2dParams {
  const side = { inH: 20, inW: 20, outH: 20, outW: 20 };
  const window = { kH: 3, kW: 3, stride: [1, 1], padding: [1, 1], dilation: [1, 1] } as const;
  return { groups, outChannels: 16, geometry: { batch: 5, channels: 8, ...side, ...window } };
}

/** One conv kernel call on seeded operands: its name, output size, products per output, the call. */
export type ConvCall = [
  name: string,
  size: number,
  terms: number,
  run: (backend: Backend, out: Float32Array) => void,
];

/** The forward, input-gradient and weight-gradient calls for `p`, on floats from `seed` on. */
export function convCalls(p: Conv2dParams, seed: number): ConvCall[] {
  const g = p.geometry;
  const xSize = g.batch * p.groups * g.channels * g.inH * g.inW;
  const ySize = g.batch * p.outChannels * g.outH * g.outW;
  const wSize = p.outChannels * g.channels * g.kH * g.kW;
  const x = floats(xSize, seed);
  const w = floats(wSize, seed + 1);
  const dy = floats(ySize, seed + 2);
  return [
    ['forward', ySize, g.channels * g.kH * g.kW, (b, out) => b.conv2d(x, w, p, out)],
    ['input', xSize, p.outChannels, (b, out) => b.conv2dBackwardInput(dy, w, p, out)],
    ['weight', wSize, g.batch * g.outH * g.outW, (b, out) => b.conv2dBackwardWeight(x, dy, p, out)],
  ];
}
