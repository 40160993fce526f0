import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TypedArray } from '../../dtype.js';
import { ArgumentRangeError } from '../../errors.js';
import type { BinaryOpName, Conv2dParams, MatmulParams, UnaryOpName } from '../backend.js';
import { referenceBackend as ref } from '../reference/index.js';
import { getBackend } from '../registry.js';
import { createWasmBackend, type WasmBackend } from './index.js';
import { broadcastLayout } from './layout.js';

// The reference backend is the oracle. Elementwise kernels, random numbers and dropout must match
// it bit for bit; matmul must match a float32, k-ordered accumulation bit for bit (and the
// reference to rounding). Every kernel must give the same bits on one thread and on two.

let one: WasmBackend;
let two: WasmBackend;

beforeAll(async () => {
  one = createWasmBackend({ threads: 1 });
  two = createWasmBackend({ threads: 2 });
  expect(await two.whenReady()).toBe(2);
});
afterAll(() => {
  one.dispose();
  two.dispose();
});

/** Floats from a seed, with the values that trip kernels up mixed in when `special`. */
function floats(n: number, seed: number, special = false): Float32Array {
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

const show = (v: number) => (Object.is(v, -0) ? '-0' : String(v));

/** Equal bit for bit, except that any NaN equals any NaN (payloads are not part of the contract). */
function expectSameBits(actual: ArrayLike<number>, expected: ArrayLike<number>): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) {
      throw new Error(`element ${i}: got ${show(actual[i]!)}, expected ${show(expected[i]!)}`);
    }
  }
}

/** op(A)·op(B) accumulated in float32 in k order, the wasm kernel's documented rounding. */
function float32Matmul(a: Float32Array, b: Float32Array, p: MatmulParams): Float32Array {
  const { batch, m, n, k, transA, transB } = p;
  const out = new Float32Array(batch * m * n);
  for (let t = 0; t < batch; t++) {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let acc = 0;
        for (let q = 0; q < k; q++) {
          const av = a[t * m * k + (transA ? q * m + i : i * k + q)]!;
          const bv = b[t * k * n + (transB ? j * k + q : q * n + j)]!;
          acc = Math.fround(acc + Math.fround(av * bv));
        }
        out[t * m * n + i * n + j] = acc;
      }
    }
  }
  return out;
}

/**
 * Element counts for elementwise kernels: SIMD tails (0..70), the thread split's edge
 * (PARALLEL_MIN_ELEMENTS = 2^16, ±1) and a few sizes above it. Capped so that a run's work is
 * fixed by the count, whatever the machine's speed.
 */
const elementCount = fc.oneof(
  fc.integer({ min: 0, max: 70 }),
  fc.constantFrom(65_535, 65_536, 65_537),
  fc.integer({ min: 65_536, max: 90_000 }),
);

describe('wasm backend', () => {
  it('is the default backend where WebAssembly SIMD loads', () => {
    expect(getBackend().name).toMatch(/^wasm-simd/);
  });

  it('rejects a bad thread count with a RangeError naming the argument', () => {
    expect(() => createWasmBackend({ threads: 0 })).toThrow(
      "createWasmBackend: argument 'threads' must be an integer in [1, 64], got 0",
    );
    expect(() => createWasmBackend({ threads: 1.5 })).toThrow(ArgumentRangeError);
  });

  /** Checks one product on 1 and 2 threads against the float32 k-ordered oracle and the reference. */
  function checkMatmul(p: MatmulParams): void {
    const { batch, m, n, k } = p;
    const a = floats(batch * m * k, m + 1);
    const b = floats(batch * k * n, n + 2);
    const got1 = new Float32Array(batch * m * n).fill(Number.NaN);
    const got2 = new Float32Array(batch * m * n).fill(Number.NaN);
    const reference = new Float32Array(batch * m * n);
    one.matmul(a, b, got1, p);
    two.matmul(a, b, got2, p);
    ref.matmul(a, b, reference, p);
    expectSameBits(got1, float32Matmul(a, b, p));
    expectSameBits(got2, got1);
    // One assertion over the whole product: an expect() per element cost seconds on big cases.
    let worst = 0;
    for (let i = 0; i < reference.length; i++)
      worst = Math.max(worst, Math.abs(got1[i]! - reference[i]!));
    expect(worst, JSON.stringify(p)).toBeLessThanOrEqual(1e-5 * (k + 1) * 9);
  }

  it('matmul: every transpose combination at the tile edges, bit-exact float32 accumulation', () => {
    // Chosen, not sampled, so every run covers the same edges: the 4×8 micro-tile (m around 4,
    // n around 8), the 256-deep k slab (255/256/257) and the 512-wide column block (511/512/513),
    // empty dimensions, a batch, and products large enough to split across threads. Work is sized
    // by count (about 7·10⁶ multiply-adds in all), not by the machine's speed.
    const cases: [batch: number, m: number, n: number, k: number][] = [
      [1, 0, 5, 3],
      [1, 3, 0, 2],
      [2, 2, 3, 0],
      [1, 1, 1, 1],
      [2, 5, 9, 7],
      [3, 13, 33, 9],
      [1, 4, 8, 256],
      [1, 3, 7, 257],
      [1, 5, 9, 255],
      [1, 8, 16, 300],
      [1, 9, 511, 5],
      [1, 4, 512, 3],
      [1, 7, 513, 4],
      [1, 33, 31, 129],
      [2, 129, 6, 10],
      // above PARALLEL_MIN_MACS (2^19): two threads split the product, still at odd edges
      [1, 129, 513, 9],
      [1, 37, 61, 257],
    ];
    for (const [batch, m, n, k] of cases) {
      for (const transA of [false, true]) {
        for (const transB of [false, true]) checkMatmul({ batch, m, n, k, transA, transB });
      }
    }
  });

  it('matmul: random small shapes in every transpose combination (fixed seed, fixed count)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 0, max: 13 }),
        fc.integer({ min: 0, max: 17 }),
        fc.integer({ min: 0, max: 20 }),
        fc.boolean(),
        fc.boolean(),
        (batch, m, n, k, transA, transB) => checkMatmul({ batch, m, n, k, transA, transB }),
      ),
      { numRuns: 60, seed: 9 },
    );
  });

  it('matmul: a product big enough to split across threads gives the same bits on 1 and 2 threads', () => {
    for (const [m, n, k, transA, transB] of [
      [200, 700, 301, false, true],
      [700, 60, 300, true, false],
    ] as const) {
      const p = { batch: 1, m, n, k, transA, transB };
      const a = floats(m * k, 3);
      const b = floats(k * n, 4);
      const got1 = new Float32Array(m * n);
      const got2 = new Float32Array(m * n);
      one.matmul(a, b, got1, p);
      two.matmul(a, b, got2, p);
      expectSameBits(got2, got1);
    }
  });

  it('dropout, uniform and normal: the reference backend’s bits, masks included, at any size and thread count', () => {
    fc.assert(
      fc.property(
        elementCount,
        fc.integer({ min: 0, max: 16_777_216 }),
        fc.double({ min: 0.5, max: 10, noNaN: true }).map(Math.fround),
        fc.integer(),
        fc.integer(),
        (n, threshold, scale, hi, lo) => {
          const key = { hi, lo };
          const x = floats(n, 5, true);
          const expected = new Float32Array(n);
          const expectedMask = new Uint8Array(n);
          ref.dropout(x, threshold, scale, key, expected, expectedMask);
          for (const backend of [one, two]) {
            const out = new Float32Array(n);
            const mask = new Uint8Array(n);
            backend.dropout(x, threshold, scale, key, out, mask);
            expectSameBits(out, expected);
            expectSameBits(mask, expectedMask);
            const unmasked = new Float32Array(n);
            backend.dropout(x, threshold, scale, key, unmasked);
            expectSameBits(unmasked, expected);
            for (const kind of ['uniform', 'normal'] as const) {
              const got = new Float32Array(n);
              const want = new Float32Array(n);
              backend[kind](key, got);
              ref[kind](key, want);
              expectSameBits(got, want);
            }
          }
        },
      ),
      { numRuns: 24, seed: 3 },
    );
  });

  /** An output shape and two operand shapes that broadcast to it (axes dropped or set to 1). */
  const operandOf = (out: number[]) =>
    fc
      .tuple(
        fc.integer({ min: 0, max: out.length }),
        fc.array(fc.boolean(), { minLength: out.length, maxLength: out.length }),
      )
      .map(([drop, ones]) => out.slice(drop).map((d, i) => (ones[i + drop] ? 1 : d)));
  const shapeAndBroadcast = fc
    .array(fc.integer({ min: 1, max: 6 }), { minLength: 0, maxLength: 4 })
    .chain((out) => fc.tuple(fc.constant(out), operandOf(out), operandOf(out)));

  it('binary: every op and broadcast pattern matches the reference bit for bit (NaN, ±0, ±∞ included)', () => {
    const ops: BinaryOpName[] = [
      'add',
      'sub',
      'mul',
      'div',
      'maximum',
      'minimum',
      'pow',
      'greater',
    ];
    fc.assert(
      fc.property(shapeAndBroadcast, fc.constantFrom(...ops), ([outShape, aShape, bShape], op) => {
        const size = (s: number[]) => s.reduce((p, d) => p * d, 1);
        const a = floats(size(aShape), 6, true);
        const b = floats(size(bShape), 7, true);
        const expected = new Float32Array(size(outShape));
        ref.binary(op, a, aShape, b, bShape, expected, outShape);
        for (const backend of [one, two]) {
          const out = new Float32Array(expected.length);
          backend.binary(op, a, aShape, b, bShape, out, outShape);
          expectSameBits(out, expected);
        }
      }),
      { numRuns: 400, seed: 11 },
    );
  });

  it('binary: large rows×cols with bias- and column-shaped operands keep the bits', () => {
    const a = floats(300 * 257, 8, true);
    const bias = floats(257, 9, true);
    const column = floats(300, 10, true);
    for (const [b, bShape] of [
      [bias, [257]],
      [column, [300, 1]],
      [floats(300 * 257, 11), [300, 257]],
    ] as [Float32Array, number[]][]) {
      const expected = new Float32Array(a.length);
      ref.binary('add', a, [300, 257], b, bShape, expected, [300, 257]);
      const out = new Float32Array(a.length);
      two.binary('add', a, [300, 257], b, bShape, out, [300, 257]);
      expectSameBits(out, expected);
    }
  });

  it('binary: int32 operands still compute, on the reference kernels', () => {
    const out = new Int32Array(3);
    two.binary('add', new Int32Array([1, 2, 3]), [3], new Int32Array([10]), [1], out, [3]);
    expect([...out]).toEqual([11, 12, 13]);
  });

  it('unary: exact ops match the reference bit for bit; the rest delegate to it', () => {
    const ops: UnaryOpName[] = ['neg', 'abs', 'relu', 'sqrt', 'exp', 'gelu', 'leakyRelu', 'clamp'];
    fc.assert(
      fc.property(elementCount, fc.constantFrom(...ops), (n, op) => {
        const x = floats(n, 12, true);
        const params = { alpha: 0.1, min: -0.5, max: 0.7 };
        const expected = new Float32Array(n);
        ref.unary(op, x, expected, params);
        for (const backend of [one, two]) {
          const out: TypedArray = new Float32Array(n);
          backend.unary(op, x, out, params);
          expectSameBits(out, expected);
        }
      }),
      { numRuns: 48, seed: 13 },
    );
  });

  it('reduce: sum, max and min over contiguous axes match the reference bit for bit; others delegate', () => {
    const shapes = fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 4 });
    fc.assert(
      fc.property(
        shapes.chain((shape) =>
          fc.tuple(
            fc.constant(shape),
            fc
              .subarray([...shape.keys()], { minLength: 1 })
              .map((a) => [...a].sort((p, q) => p - q)),
          ),
        ),
        fc.constantFrom('sum', 'max', 'min') as fc.Arbitrary<'sum' | 'max' | 'min'>,
        fc.boolean(),
        ([shape, axes], op, special) => {
          const x = floats(
            shape.reduce((p, d) => p * d, 1),
            14,
            special,
          );
          const outSize = shape.filter((_, d) => !axes.includes(d)).reduce((p, d) => p * d, 1);
          const expected = new Float32Array(outSize);
          ref.reduce(op, x, shape, axes, expected);
          for (const backend of [one, two]) {
            const out = new Float32Array(outSize);
            backend.reduce(op, x, shape, axes, out);
            expectSameBits(out, expected);
          }
        },
      ),
      { numRuns: 300, seed: 17 },
    );
  });

  it('reduce: large reductions split across threads keep the bits (rows, columns, full sums)', () => {
    for (const [shape, axes] of [
      [[70_001], [0]],
      [[300, 701], [1]],
      [[301, 700], [0]],
      [[3, 40_000, 5], [1]],
      [[2, 20_000], [0]],
    ] as [number[], number[]][]) {
      const x = floats(
        shape.reduce((p, d) => p * d, 1),
        15,
      );
      const outSize = shape.filter((_, d) => !axes.includes(d)).reduce((p, d) => p * d, 1);
      for (const op of ['sum', 'max'] as const) {
        const expected = new Float32Array(outSize);
        ref.reduce(op, x, shape, axes, expected);
        const out = new Float32Array(outSize);
        two.reduce(op, x, shape, axes, out);
        expectSameBits(out, expected);
      }
    }
  });

  it('maskedAffine: every mask broadcast matches the reference bit for bit', () => {
    fc.assert(
      fc.property(
        shapeAndBroadcast,
        fc.double({ min: -3, max: 3, noNaN: true }),
        fc.double({ min: -3, max: 3, noNaN: true }),
        fc.double({ min: -3, max: 3, noNaN: true }),
        ([shape, maskShape], scale, shift, fill) => {
          const size = (s: number[]) => s.reduce((p, d) => p * d, 1);
          const x = floats(size(shape), 16, true);
          const mask = Uint8Array.from({ length: size(maskShape) }, (_, i) =>
            (i * 7919) % 3 === 0 ? 0 : 1,
          );
          const expected = new Float32Array(x.length);
          ref.maskedAffine(x, shape, mask, maskShape, scale, shift, fill, expected);
          const out = new Float32Array(x.length);
          two.maskedAffine(x, shape, mask, maskShape, scale, shift, fill, out);
          expectSameBits(out, expected);
        },
      ),
      { numRuns: 300, seed: 19 },
    );
  });

  const convParams = fc
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

  /** Agrees with the reference to float32 rounding of sums of `terms` products. */
  function expectClose(actual: Float32Array, expected: Float32Array, terms: number): void {
    for (let i = 0; i < expected.length; i++) {
      const tolerance = 2e-6 * terms * (1 + Math.abs(expected[i]!)) * 9;
      if (!(Math.abs(actual[i]! - expected[i]!) <= tolerance)) {
        throw new Error(`element ${i}: got ${actual[i]}, expected ${expected[i]}`);
      }
    }
  }

  it('conv2d forward, input and weight gradients: the reference to rounding, the same bits on 1 and 2 threads', () => {
    fc.assert(
      fc.property(convParams, (p) => {
        const g = p.geometry;
        const xSize = g.batch * p.groups * g.channels * g.inH * g.inW;
        const ySize = g.batch * p.outChannels * g.outH * g.outW;
        const wSize = p.outChannels * g.channels * g.kH * g.kW;
        const x = floats(xSize, 21);
        const w = floats(wSize, 22);
        const dy = floats(ySize, 23);
        const ck = g.channels * g.kH * g.kW;
        const cases: [string, number, number, (b: typeof ref, out: Float32Array) => void][] = [
          ['forward', ySize, ck, (b, out) => b.conv2d(x, w, p, out)],
          ['input', xSize, p.outChannels, (b, out) => b.conv2dBackwardInput(dy, w, p, out)],
          [
            'weight',
            wSize,
            g.batch * g.outH * g.outW,
            (b, out) => b.conv2dBackwardWeight(x, dy, p, out),
          ],
        ];
        for (const [, size, terms, run] of cases) {
          const expected = new Float32Array(size);
          run(ref, expected);
          const got1 = new Float32Array(size).fill(Number.NaN);
          const got2 = new Float32Array(size).fill(Number.NaN);
          run(one, got1);
          run(two, got2);
          expectClose(got1, expected, terms);
          expectSameBits(got2, got1);
        }
      }),
      { numRuns: 150, seed: 23 },
    );
  });

  it('pooling: max (values and argmax), average and its gradient match the reference bit for bit', () => {
    fc.assert(
      fc.property(convParams, fc.boolean(), (p, special) => {
        // A pooling window is a convolution window over batch × channels planes.
        const g = { ...p.geometry, channels: p.geometry.channels * p.groups };
        const inSize = g.batch * g.channels * g.inH * g.inW;
        const outSize = g.batch * g.channels * g.outH * g.outW;
        const x = floats(inSize, 27, special);
        const grad = floats(outSize, 28);
        const base = floats(inSize, 29); // backward kernels add onto what dx holds
        const want = {
          out: new Float32Array(outSize),
          arg: new Int32Array(outSize),
          avg: new Float32Array(outSize),
        };
        ref.maxPool2d(x, g, want.out, want.arg);
        ref.avgPool2d(x, g, want.avg);
        const wantAvgDx = base.slice();
        ref.avgPool2dBackward(grad, g, wantAvgDx);
        for (const backend of [one, two]) {
          const out = new Float32Array(outSize);
          const arg = new Int32Array(outSize);
          const avg = new Float32Array(outSize);
          backend.maxPool2d(x, g, out, arg);
          backend.avgPool2d(x, g, avg);
          expectSameBits(out, want.out);
          expectSameBits(arg, want.arg);
          expectSameBits(avg, want.avg);
          const avgDx = base.slice();
          backend.avgPool2dBackward(grad, g, avgDx);
          expectSameBits(avgDx, wantAvgDx);
        }
      }),
      { numRuns: 150, seed: 29 },
    );
  });

  it('pooling: planes split across threads give the reference bits', () => {
    const g = {
      batch: 4,
      channels: 16,
      inH: 32,
      inW: 32,
      kH: 3,
      kW: 3,
      stride: [1, 1] as [number, number],
      padding: [1, 1] as [number, number],
      dilation: [1, 1] as [number, number],
      outH: 32,
      outW: 32,
    };
    const x = floats(64 * 1024, 30, true);
    const grad = floats(64 * 1024, 31);
    const want = new Float32Array(64 * 1024);
    const wantArg = new Int32Array(64 * 1024);
    ref.maxPool2d(x, g, want, wantArg);
    const got = new Float32Array(64 * 1024);
    const arg = new Int32Array(64 * 1024);
    two.maxPool2d(x, g, got, arg);
    expectSameBits(got, want);
    expectSameBits(arg, wantArg);
    const wantDx = new Float32Array(64 * 1024);
    ref.avgPool2dBackward(grad, g, wantDx);
    const dx = new Float32Array(64 * 1024);
    two.avgPool2dBackward(grad, g, dx);
    expectSameBits(dx, wantDx);
  });

  it('conv2d: layers big enough for threads give the same bits on 1 and 2 threads, grouped or not', () => {
    for (const groups of [1, 2]) {
      // 8 input channels per group, 16 output channels in all.
      const p: Conv2dParams = {
        groups,
        outChannels: 16,
        geometry: {
          batch: 5,
          channels: 8,
          inH: 20,
          inW: 20,
          kH: 3,
          kW: 3,
          stride: [1, 1],
          padding: [1, 1],
          dilation: [1, 1],
          outH: 20,
          outW: 20,
        },
      };
      const xSize = 5 * 8 * groups * 400;
      const x = floats(xSize, 24);
      const w = floats(16 * 8 * 9, 25);
      const dy = floats(5 * 16 * 400, 26);
      for (const [size, run] of [
        [5 * 16 * 400, (b: WasmBackend, out: Float32Array) => b.conv2d(x, w, p, out)],
        [xSize, (b: WasmBackend, out: Float32Array) => b.conv2dBackwardInput(dy, w, p, out)],
        [16 * 8 * 9, (b: WasmBackend, out: Float32Array) => b.conv2dBackwardWeight(x, dy, p, out)],
      ] as const) {
        const got1 = new Float32Array(size);
        const got2 = new Float32Array(size);
        run(one, got1);
        run(two, got2);
        expectSameBits(got2, got1);
      }
    }
  });

  it('lays out only the broadcasts its kernels cover', () => {
    expect(broadcastLayout([[4, 5], [5]], [4, 5])).toEqual({
      rows: 4,
      cols: 5,
      modes: [0, 1],
      repeats: [1, 1],
    });
    expect(
      broadcastLayout(
        [
          [4, 1],
          [4, 5],
        ],
        [4, 5],
      ),
    ).toEqual({ rows: 4, cols: 5, modes: [3, 0], repeats: [1, 1] });
    expect(broadcastLayout([[], [2, 3]], [2, 3])).toEqual({
      rows: 1,
      cols: 6,
      modes: [2, 0],
      repeats: [1, 1],
    });
    expect(
      broadcastLayout(
        [
          [2, 3, 4, 5],
          [2, 3, 1, 1],
        ],
        [2, 3, 4, 5],
      ),
    ).toEqual({ rows: 6, cols: 20, modes: [0, 3], repeats: [1, 1] });
    expect(broadcastLayout([[3, 1, 4]], [3, 5, 4])).toBeUndefined();
    expect(broadcastLayout([[3, 1, 4]], [3, 5, 4], true)).toEqual({
      rows: 15,
      cols: 4,
      modes: [4],
      repeats: [5],
    });
    expect(
      broadcastLayout(
        [
          [2, 1, 3],
          [1, 4, 1],
        ],
        [2, 4, 3],
      ),
    ).toBeUndefined();
  });
});
