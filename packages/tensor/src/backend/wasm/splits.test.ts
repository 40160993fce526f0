import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArgumentRangeError } from '../../errors.js';
import {
  disposeBackends,
  expectSameBits,
  wasmOnOneAndTwoThreads,
} from '../../test-util/backends.js';
import {
  convCalls,
  float32Matmul,
  floats,
  threadSplitConv,
} from '../../test-util/kernel-inputs.js';
import type { Backend, MatmulParams } from '../backend.js';
import { referenceBackend as ref } from '../reference/index.js';
import { getBackend } from '../registry.js';
import { createWasmBackend, type WasmBackend } from './index.js';

// Wasm-only behaviour: the GEMM tile edges give the float32 k-ordered oracle's bits, and work
// big enough to split across threads gives the same bits on 1 and 2 threads. Results against
// the reference at test sizes are the op suites' job (they run on every backend).

let one: WasmBackend;
let two: WasmBackend;
beforeAll(async () => {
  [one, two] = await wasmOnOneAndTwoThreads();
});
afterAll(disposeBackends);

describe('wasm backend: tile edges and thread splits', () => {
  it('is the default backend where WebAssembly SIMD loads', () => {
    expect(getBackend().name).toMatch(/^wasm-(relaxed-)?simd/);
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
    // The relaxed-SIMD build (auto picks it on Node ≥ 22) fuses each step where the CPU has FMA.
    const unfused = float32Matmul(a, b, p);
    const fused = one.simd === 'relaxed' && got1.some((v, i) => !Object.is(v, unfused[i]));
    expectSameBits(got1, fused ? float32Matmul(a, b, p, true) : unfused);
    expectSameBits(got2, got1);
    // With an addend (NaN, ±0, ±∞ among its values), added as the micro-kernel stores a tile: the
    // product's bits plus the addend's, rounded once, on 1 and 2 threads.
    const addend = floats(batch * m * n, m + n, true);
    const sum = got1.map((v, i) => v + addend[i]!);
    for (const backend of [one, two]) {
      const got = new Float32Array(batch * m * n).fill(Number.NaN);
      backend.matmul(a, b, got, p, addend);
      expectSameBits(got, sum);
    }
    // One assertion over the whole product: an expect() per element cost seconds on big cases.
    let worst = 0;
    for (let i = 0; i < reference.length; i++)
      worst = Math.max(worst, Math.abs(got1[i]! - reference[i]!));
    expect(worst, JSON.stringify(p)).toBeLessThanOrEqual(1e-5 * (k + 1) * 9);
  }

  it('matmul: every transpose combination at the tile edges, bit-exact float32 accumulation, with and without an addend', () => {
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

  it('scaledSquare: forward, its saved e^s·x and both gradients, addends or not, split across threads give the same bits on 1 and 2 threads', () => {
    // Above PARALLEL_MIN_ELEMENTS, with a last SIMD group of 3 and NaN, ±0, ±∞ and subnormals.
    const n = 3 * 65_536 + 7;
    const inputs = [21, 22, 23, 24, 25].map((seed) => floats(n, seed, seed !== 23));
    const kernels = (b: WasmBackend, at = 0) => {
      const [x, logScale, grad, dxAddend, dsAddend] = inputs.map((v) => v.subarray(at)) as [
        Float32Array,
        Float32Array,
        Float32Array,
        Float32Array,
        Float32Array,
      ];
      const outs = Array.from({ length: 9 }, () => new Float32Array(n - at));
      const [out, scaled, alone] = outs as [Float32Array, Float32Array, Float32Array];
      b.scaledSquare(x, logScale, out, scaled);
      b.scaledSquare(x, logScale, alone, null);
      const backward = (k: number, ax: Float32Array | null, as: Float32Array | null) =>
        b.scaledSquareBackward(grad, scaled, out, outs[k]!, outs[k + 1]!, ax, as);
      backward(3, null, null);
      backward(5, dxAddend, dsAddend);
      backward(7, null, dsAddend);
      return outs;
    };
    const [a, b] = [kernels(one), kernels(two)];
    for (let k = 0; k < 9; k++) expectSameBits(b[k]!, a[k]!);
    expectSameBits(a[2]!, a[0]!); // the output without its saved factor: the same bits
    // The last nine alone, shifted against the SIMD groups: two of the tail's elements now sit in a
    // SIMD group, and they keep their bits.
    const shifted = kernels(two, n - 9);
    for (let k = 0; k < 9; k++) expectSameBits(shifted[k]!, a[k]!.subarray(n - 9));
  });

  it('addcmul: split across threads gives the same bits on 1 and 2 threads, the tail lane-wise', () => {
    // Above PARALLEL_MIN_ELEMENTS, with a last SIMD group of 3 and NaN, ±0, ±∞ and subnormals.
    const n = 3 * 65_536 + 7;
    const [input, a, b] = [floats(n, 24, true), floats(n, 25, true), floats(n, 26)];
    const run = (backend: Backend, at = 0) => {
      const out = new Float32Array(n - at);
      backend.addcmul(input.subarray(at), a.subarray(at), b.subarray(at), out);
      return out;
    };
    const want = run(ref);
    expectSameBits(run(one), want);
    expectSameBits(run(two), want);
    // The last nine alone, shifted against the SIMD groups: the old tail now sits in SIMD groups.
    expectSameBits(run(two, n - 9), want.subarray(n - 9));
  });

  it('sampleNormal: the sample and 2σ split across threads give the reference bits on 1 and 2 threads', () => {
    // Above PARALLEL_MIN_ELEMENTS, a last SIMD group of 3, NaN, ±0, ±∞, subnormals, negative variances.
    const n = 3 * 65_536 + 7;
    const [mean, variance, eps] = [floats(n, 31, true), floats(n, 32, true), floats(n, 33, true)];
    const kernels = (b: Backend, at = 0) => {
      const outs = [0, 1].map(() => new Float32Array(n - at));
      const [ms, vs, es] = [mean, variance, eps].map((v) => v.subarray(at));
      b.sampleNormal(ms!, vs!, es!, 1e-8, outs[0]!, outs[1]!);
      return outs;
    };
    const [want, a, b] = [kernels(ref), kernels(one), kernels(two)];
    for (let k = 0; k < 2; k++) {
      expectSameBits(a[k]!, want[k]!);
      expectSameBits(b[k]!, want[k]!);
    }
    // The last nine alone, shifted against the SIMD groups: the tail's elements keep their bits.
    const shifted = kernels(two, n - 9);
    for (let k = 0; k < 2; k++) expectSameBits(shifted[k]!, want[k]!.subarray(n - 9));
  });

  it('conv2d: layers big enough for threads give the same bits on 1 and 2 threads, grouped or not', () => {
    for (const groups of [1, 2]) {
      for (const [, size, , run] of convCalls(threadSplitConv(groups), 24)) {
        const got1 = new Float32Array(size);
        const got2 = new Float32Array(size);
        run(one, got1);
        run(two, got2);
        expectSameBits(got2, got1);
      }
    }
  });

  it('KL ops: block sums, gradients, σ² and α⊙θ² split across threads give the same bits on 1 and 2 threads', () => {
    // Blocks of 4096 split between the threads, a partial block and a partial SIMD group last.
    const n = 3 * 65_536 + 4_097;
    const theta = floats(n, 11).map((v) => v * 10 ** ((Math.abs(v * 7) % 4) - 3));
    const logSigma2 = floats(n, 12).map((v) => v * 6 - 9);
    const kernels = (b: Backend) => {
      const sums = new Float32Array(2);
      const [dTheta, dLogSigma2, sigma2, dLogAlpha, square, scaled] = [0, 1, 2, 3, 4, 5].map(
        () => new Float32Array(n),
      );
      b.sparseVariationalDropoutKl(
        theta,
        logSigma2,
        0.25,
        sums.subarray(0, 1),
        dTheta!,
        dLogSigma2!,
        sigma2!,
      );
      b.variationalDropoutKl(logSigma2, 0.25, sums.subarray(1), dLogAlpha!, {
        x: theta,
        out: square!,
        scaled: scaled!,
      });
      return [sums, dTheta!, dLogSigma2!, sigma2!, dLogAlpha!, square!, scaled!];
    };
    const [a, b] = [kernels(one), kernels(two)];
    for (let k = 0; k < a.length; k++) expectSameBits(b[k]!, a[k]!);
    // σ² is the exp kernel's, bit for bit.
    const exps = new Float32Array(n);
    two.unary('exp', logSigma2, exps);
    expectSameBits(a[3]!, exps);
    // The variance weights are the scaledSquare kernel's, bit for bit.
    const [square, scaled] = [new Float32Array(n), new Float32Array(n)];
    two.scaledSquare(theta, logSigma2, square, scaled);
    expectSameBits(a[5]!, square);
    expectSameBits(a[6]!, scaled);
    const reference = kernels(ref)[0]!;
    for (let k = 0; k < 2; k++)
      expect(Math.abs(a[0]![k]! - reference[k]!)).toBeLessThan(1e-5 * Math.abs(reference[k]!));
  });
});
