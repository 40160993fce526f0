import fc from 'fast-check';
import { expect, it } from 'vitest';
import { ArgumentRangeError, ShapeError } from '../errors.js';
import { Generator } from '../random/generator.js';
import type { Tensor } from '../tensor.js';
import { describeBackends, FALLBACK_ELEMENTS } from '../test-util/backends.js';
import { closeTo } from '../test-util/naive.js';
import { savedBy } from '../test-util/saved.js';
import { avgPool2d, avgPool2dBackward } from './avg-pool2d.js';
import { conv2d, conv2dBackwardInput, conv2dBackwardWeight } from './conv2d.js';
import { arange, ones, tensor } from './creation.js';
import { maxPool2d, maxPool2dBackward } from './max-pool2d.js';
import { uniform } from './random.js';
import { reshape } from './reshape.js';

/** Direct convolution, the definition written out. */
function naiveConv(
  x: Tensor,
  w: Tensor,
  b: Tensor | null,
  stride: number[],
  padding: number[],
  dilation: number[],
  groups: number,
): { data: number[]; shape: number[] } {
  const [N, C, H, W] = x.shape as number[];
  const [O, Cg, kH, kW] = w.shape as number[];
  const oH = Math.floor((H! + 2 * padding[0]! - dilation[0]! * (kH! - 1) - 1) / stride[0]!) + 1;
  const oW = Math.floor((W! + 2 * padding[1]! - dilation[1]! * (kW! - 1) - 1) / stride[1]!) + 1;
  const out: number[] = [];
  const og = O! / groups;
  for (let n = 0; n < N!; n++)
    for (let o = 0; o < O!; o++)
      for (let y = 0; y < oH; y++)
        for (let xx = 0; xx < oW; xx++) {
          let s = b ? b.storage[o]! : 0;
          const g = Math.floor(o / og);
          for (let c = 0; c < Cg!; c++)
            for (let i = 0; i < kH!; i++)
              for (let j = 0; j < kW!; j++) {
                const iy = y * stride[0]! - padding[0]! + i * dilation[0]!;
                const ix = xx * stride[1]! - padding[1]! + j * dilation[1]!;
                if (iy < 0 || iy >= H! || ix < 0 || ix >= W!) continue;
                s +=
                  w.storage[((o * Cg! + c) * kH! + i) * kW! + j]! *
                  x.storage[((n * C! + g * Cg! + c) * H! + iy) * W! + ix]!;
              }
          out.push(s);
        }
  return { data: out, shape: [N!, O!, oH, oW] };
}

describeBackends('conv2d', () => {
  it('matches the direct definition with stride, padding, dilation and groups', () => {
    let seed = 0;
    fc.assert(
      fc.property(
        fc.record({
          n: fc.integer({ min: 1, max: 2 }),
          groups: fc.integer({ min: 1, max: 3 }),
          cg: fc.integer({ min: 1, max: 2 }),
          og: fc.integer({ min: 1, max: 2 }),
          h: fc.integer({ min: 3, max: 7 }),
          w: fc.integer({ min: 3, max: 7 }),
          k: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
          stride: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })),
          padding: fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 })),
          dilation: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })),
          bias: fc.boolean(),
        }),
        (p) => {
          if (p.h + 2 * p.padding[0] < p.dilation[0] * (p.k[0] - 1) + 1) return;
          if (p.w + 2 * p.padding[1] < p.dilation[1] * (p.k[1] - 1) + 1) return;
          const g = new Generator(seed++);
          const x = uniform([p.n, p.cg * p.groups, p.h, p.w], { generator: g, low: -1, high: 1 });
          const w = uniform([p.og * p.groups, p.cg, ...p.k], { generator: g, low: -1, high: 1 });
          const b = p.bias ? uniform([p.og * p.groups], { generator: g }) : null;
          const y = conv2d(x, w, {
            bias: b,
            stride: p.stride,
            padding: p.padding,
            dilation: p.dilation,
            groups: p.groups,
          });
          const want = naiveConv(x, w, b, p.stride, p.padding, p.dilation, p.groups);
          expect(y.shape).toEqual(want.shape);
          expect(closeTo(y.storage, want.data)).toBe(true);
        },
      ),
      { numRuns: 80 },
    );
  });

  it('convolves an image too big for the capped backend’s memory', () => {
    const g = new Generator(99);
    // Two channels of 512 × (FALLBACK_ELEMENTS / 1024) pixels; a 2 × 2 kernel at stride 2 keeps
    // the direct definition cheap.
    const x = uniform([1, 2, 512, FALLBACK_ELEMENTS / 1024], { generator: g, low: -1, high: 1 });
    const w = uniform([1, 2, 2, 2], { generator: g, low: -1, high: 1 });
    const y = conv2d(x, w, { stride: 2 });
    const want = naiveConv(x, w, null, [2, 2], [0, 0], [1, 1], 1);
    expect(y.shape).toEqual(want.shape);
    expect(closeTo(y.storage, want.data)).toBe(true);
  });

  it('input and weight gradients are the adjoints of conv2d: ⟨y, dy⟩ = ⟨x, dx⟩ = ⟨w, dw⟩', () => {
    const dot = (a: Tensor, b: Tensor) => {
      let sum = 0;
      for (let i = 0; i < a.size; i++) sum += a.storage[i]! * b.storage[i]!;
      return sum;
    };
    // Small layers with every setting, then one too big for the capped backend's memory.
    const cases: [x: number[], w: number[], options: Parameters<typeof conv2d>[2]][] = [
      [
        [2, 4, 5, 6],
        [6, 2, 3, 2],
        { stride: [2, 1], padding: [1, 2], dilation: [1, 2], groups: 2 },
      ],
      [[3, 1, 7, 4], [2, 1, 2, 3], { stride: 1, padding: 0 }],
      [[1, 2, 512, FALLBACK_ELEMENTS / 1024], [1, 2, 2, 2], { stride: 2 }],
    ];
    for (const [xShape, wShape, options] of cases) {
      const g = new Generator(xShape[2]!);
      const x = uniform(xShape, { generator: g, low: -1, high: 1 });
      const w = uniform(wShape, { generator: g, low: -1, high: 1 });
      x.requiresGrad = true;
      const y = conv2d(x, w, options);
      const dy = uniform(y.shape as number[], { generator: g, low: -1, high: 1 });
      const config = savedBy(y, 'conv2d').config;
      const dx = conv2dBackwardInput(dy, w, config);
      const dw = conv2dBackwardWeight(x, dy, config);
      expect(dx.shape).toEqual(x.shape);
      expect(dw.shape).toEqual(w.shape);
      // float32 sums of up to 2^17 terms in differing orders: a stated relative tolerance of 1e-4
      const want = dot(y, dy);
      expect(closeTo([dot(x, dx), dot(w, dw)], [want, want])).toBe(true);
    }
  });

  it('rejects mismatched channels, groups and windows', () => {
    expect(() => conv2d(ones([1, 3, 4, 4]), ones([2, 2, 3, 3]))).toThrow(ShapeError);
    expect(() => conv2d(ones([1, 3, 4, 4]), ones([2, 2, 3, 3]))).toThrow(
      /has 2 input channels per group, expected 3/,
    );
    expect(() => conv2d(ones([1, 4, 4, 4]), ones([3, 2, 3, 3]), { groups: 2 })).toThrow(
      ArgumentRangeError,
    );
    expect(() => conv2d(ones([1, 1, 2, 2]), ones([1, 1, 3, 3]))).toThrow(/too small/);
    expect(() => conv2d(ones([1, 1, 4]), ones([1, 1, 3, 3]))).toThrow(/\[N, C, H, W\]/);
    expect(() => conv2d(ones([1, 1, 4, 4]), ones([1, 1, 3, 3]), { stride: 0 })).toThrow(/stride/);
    expect(() => conv2d(ones([1, 1, 4, 4]), ones([2, 1, 3, 3]), { bias: ones([3]) })).toThrow(
      /bias' must have shape \[2\]/,
    );
  });
});

describeBackends('pooling', () => {
  it('max and average pooling known values', () => {
    const x = reshape(arange(16), [1, 1, 4, 4]);
    expect(maxPool2d(x, 2).toArray()).toEqual([
      [
        [
          [5, 7],
          [13, 15],
        ],
      ],
    ]);
    expect(avgPool2d(x, 2).toArray()).toEqual([
      [
        [
          [2.5, 4.5],
          [10.5, 12.5],
        ],
      ],
    ]);
    expect(maxPool2d(x, 3, { stride: 1 }).toArray()).toEqual([
      [
        [
          [10, 11],
          [14, 15],
        ],
      ],
    ]);
    // padding: max ignores it, average counts it as zeros
    expect(
      maxPool2d(
        tensor([
          [
            [
              [-1, -2],
              [-3, -4],
            ],
          ],
        ]),
        2,
        { padding: 1, stride: 2 },
      ).toArray(),
    ).toEqual([
      [
        [
          [-1, -2],
          [-3, -4],
        ],
      ],
    ]);
    expect(avgPool2d(ones([1, 1, 2, 2]), 2, { padding: 1, stride: 2 }).toArray()).toEqual([
      [
        [
          [0.25, 0.25],
          [0.25, 0.25],
        ],
      ],
    ]);
    expect(maxPool2d(ones([2, 3, 6, 6]), 2).shape).toEqual([2, 3, 3, 3]);
  });

  it('pools an image too big for the capped backend’s memory', () => {
    const [h, w] = [512, FALLBACK_ELEMENTS / 512];
    const x = reshape(arange(h * w), [1, 1, h, w]);
    // Values grow along rows and columns: a 2 × 2 window's max is its bottom-right element and
    // its mean that element minus (w + 1) / 2, exact in float32 below 2^24.
    x.requiresGrad = true;
    const pooled = maxPool2d(x, 2);
    const averaged = avgPool2d(x, 2);
    const [most, mean] = [pooled.storage, averaged.storage];
    for (let i = 0; i < most.length; i++) {
      const [r, c] = [Math.floor(i / (w / 2)), i % (w / 2)];
      const last = (2 * r + 1) * w + 2 * c + 1;
      if (most[i] !== last || mean[i] !== last - (w + 1) / 2) {
        throw new Error(`window ${i}: max ${most[i]}, mean ${mean[i]}, expected ${last}`);
      }
    }
    // Gradients of ones: each window's winner gets 1, every pixel of an average window 1/4.
    const argmax = savedBy(pooled, 'maxPool2d').argmax;
    const toWinner = maxPool2dBackward(ones(pooled.shape as number[]), argmax, x.shape).storage;
    const spread = avgPool2dBackward(
      ones(averaged.shape as number[]),
      savedBy(averaged, 'avgPool2d').geometry,
    ).storage;
    for (let i = 0; i < x.size; i++) {
      const wins = Math.floor(i / w) % 2 === 1 && i % 2 === 1 ? 1 : 0;
      if (toWinner[i] !== wins || spread[i] !== 0.25) {
        throw new Error(`pixel ${i}: max grad ${toWinner[i]}, average grad ${spread[i]}`);
      }
    }
  });

  it('reject padding beyond half the window', () => {
    expect(() => maxPool2d(ones([1, 1, 4, 4]), 2, { padding: 2 })).toThrow(
      /at most half the kernel/,
    );
    expect(() => avgPool2d(ones([1, 1, 4, 4]), 2, { dilation: 2 })).toThrow(/not supported/);
  });
});
