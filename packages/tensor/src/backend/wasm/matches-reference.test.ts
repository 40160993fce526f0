import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TypedArray } from '../../dtype.js';
import {
  disposeBackends,
  expectSameBits,
  wasmOnOneAndTwoThreads,
} from '../../test-util/backends.js';
import {
  convCalls,
  convParams,
  elementCount,
  firstNotClose,
  floats,
  shapeAndBroadcast,
} from '../../test-util/kernel-inputs.js';
import type { BinaryOpName, UnaryOpName } from '../backend.js';
import { referenceBackend as ref } from '../reference/index.js';
import type { WasmBackend } from './index.js';

// The reference backend is the oracle: random numbers, dropout masks, the elementwise, reduction,
// masked and pooling kernels give its bits (NaN, ±0, ±∞ included) at SIMD tails and around the
// thread split, on 1 and 2 threads; conv agrees with it to float32 rounding, its gradients too.

let one: WasmBackend;
let two: WasmBackend;
beforeAll(async () => {
  [one, two] = await wasmOnOneAndTwoThreads();
});
afterAll(disposeBackends);

describe('wasm backend: the reference backend’s bits', () => {
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
          const params = { keepThreshold: threshold, scale, key };
          const x = floats(n, 5, true);
          const expected = new Float32Array(n);
          const expectedMask = new Uint8Array(n);
          ref.dropout(x, expected, params, expectedMask);
          for (const backend of [one, two]) {
            const out = new Float32Array(n);
            const mask = new Uint8Array(n);
            backend.dropout(x, out, params, mask);
            expectSameBits(out, expected);
            expectSameBits(mask, expectedMask);
            const unmasked = new Float32Array(n);
            backend.dropout(x, unmasked, params);
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
        ref.binary(op, a, b, expected, { aShape, bShape, outShape });
        for (const backend of [one, two]) {
          const out = new Float32Array(expected.length);
          backend.binary(op, a, b, out, { aShape, bShape, outShape });
          expectSameBits(out, expected);
        }
      }),
      { numRuns: 400, seed: 11 },
    );
  });

  it('binary: int32 operands still compute, on the reference kernels', () => {
    const out = new Int32Array(3);
    two.binary('add', new Int32Array([1, 2, 3]), new Int32Array([10]), out, {
      aShape: [3],
      bShape: [1],
      outShape: [3],
    });
    expect([...out]).toEqual([11, 12, 13]);
  });

  it('unary: exact ops match the reference bit for bit; the rest delegate to it', () => {
    // exp/log/log1p/sigmoid/tanh have their own contract: transcendental.test.ts.
    const ops: UnaryOpName[] = ['neg', 'abs', 'relu', 'sqrt', 'erf', 'gelu', 'leakyRelu', 'clamp'];
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
          ref.maskedAffine(x, mask, expected, { shape, maskShape, scale, shift, fill });
          const out = new Float32Array(x.length);
          two.maskedAffine(x, mask, out, { shape, maskShape, scale, shift, fill });
          expectSameBits(out, expected);
        },
      ),
      { numRuns: 300, seed: 19 },
    );
  });

  /** Agrees with the reference to float32 rounding of sums of `terms` products. */
  function expectClose(actual: Float32Array, expected: Float32Array, terms: number): void {
    const i = firstNotClose(actual, expected, terms);
    if (i >= 0) throw new Error(`element ${i}: got ${actual[i]}, expected ${expected[i]}`);
  }

  it('conv2d forward, input and weight gradients: the reference to rounding, the same bits on 1 and 2 threads', () => {
    fc.assert(
      fc.property(convParams, (p) => {
        for (const [, size, terms, run] of convCalls(p, 21)) {
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
});
