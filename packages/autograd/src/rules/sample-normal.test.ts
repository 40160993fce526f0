import {
  add,
  Generator,
  mul,
  normal,
  sampleNormal,
  sqrt,
  sum,
  type Tensor,
  uniform,
} from '@lacuna/tensor';
import { expect, it } from 'vitest';
import { backward } from '../backward.js';
import { gradcheck } from '../gradcheck.js';
import { describeBackends, FALLBACK_ELEMENTS } from '../test-util/backends.js';

/** The same draw one op at a time: ε from `normal`, then add, sqrt, mul and add. */
function composite(mean: Tensor, variance: Tensor, generator: Generator, floor: number): Tensor {
  const eps = normal(mean.shape, { generator });
  return add(mean, mul(sqrt(add(variance, floor)), eps));
}

type Sampler = (mean: Tensor, variance: Tensor, generator: Generator, floor: number) => Tensor;
const fused: Sampler = (mean, variance, generator, varianceFloor) =>
  sampleNormal(mean, variance, { generator, varianceFloor });

/** Equal bit for bit (any NaN equals any NaN), naming the first element that differs. */
function expectSameBits(name: string, got: Tensor | null, want: Tensor | null): void {
  expect(got === null).toBe(want === null);
  if (!got || !want) return;
  expect(got.shape).toEqual(want.shape);
  for (let i = 0; i < want.size; i++) {
    if (!Object.is(got.storage[i], want.storage[i]))
      throw new Error(`${name}[${i}]: got ${got.storage[i]}, want ${want.storage[i]}`);
  }
}

/**
 * Mean and variance gradients of Σ w·sample (w fixed, so the upstream gradient varies) through
 * `sample`, with the inputs that `wanted` names requiring gradients.
 */
function gradients(
  sample: Sampler,
  floor: number,
  wanted: 'both' | 'variance',
  shape: number[] = [3, 67],
) {
  const generator = new Generator('sampleNormal gradients');
  const low = floor > 0 ? 0 : 0.01;
  const mean = uniform(shape, { generator, low: -2, high: 2 });
  const variance = uniform(shape, { generator, low, high: 3 });
  for (let i = 0; i < variance.size; i += 5) variance.storage[i] = floor > 0 ? 0 : 1e-6;
  const w = uniform(shape, { generator, low: -1, high: 1 });
  mean.requiresGrad = wanted === 'both';
  variance.requiresGrad = true;
  const out = sample(mean, variance, new Generator(9), floor);
  backward(sum(mul(out, w)));
  return { out, mean: mean.grad, variance: variance.grad };
}

describeBackends('sampleNormal gradients', () => {
  it.each([
    [1e-8, 'both'],
    [0, 'both'],
    [1e-8, 'variance'],
  ] as const)(
    'floor %s, %s requiring gradients: the composite’s outputs and gradients, bit for bit',
    (floor, wanted) => {
      const got = gradients(fused, floor, wanted);
      const want = gradients(composite, floor, wanted);
      expectSameBits('out', got.out, want.out);
      expectSameBits('dmean', got.mean, want.mean);
      expectSameBits('dvariance', got.variance, want.variance);
      expect(got.mean === null).toBe(wanted === 'variance');
    },
  );

  it('an operand too big for the capped backend: the composite’s gradients, bit for bit', () => {
    const [got, want] = [fused, composite].map((s) =>
      gradients(s, 1e-8, 'both', [FALLBACK_ELEMENTS]),
    );
    expectSameBits('dmean', got!.mean, want!.mean);
    expectSameBits('dvariance', got!.variance, want!.variance);
  });

  it('passes gradcheck with ε fixed (the same seed on every evaluation)', () => {
    const generator = new Generator('sampleNormal gradcheck');
    const mean = uniform([3, 5], { generator, low: -2, high: 2 });
    const variance = uniform([3, 5], { generator, low: 0.5, high: 2 });
    const r = gradcheck(
      (m, v) => sampleNormal(m, v, { generator: new Generator(4), varianceFloor: 1e-8 }),
      [mean, variance],
    );
    expect(r.ok, JSON.stringify(r)).toBe(true);
  });
});
