import { expect, it } from 'vitest';
import { ArgumentRangeError, DTypeError, LacunaError, ShapeError } from '../errors.js';
import { Generator } from '../random/generator.js';
import { withoutRecording } from '../record.js';
import { Tensor } from '../tensor.js';
import { describeBackends, expectSameBits, FALLBACK_ELEMENTS } from '../test-util/backends.js';
import { floats } from '../test-util/kernel-inputs.js';
import { savedBy } from '../test-util/saved.js';
import { add, mul } from './binary.js';
import { tensor, zeros } from './creation.js';
import { normal } from './random.js';
import { sampleNormal } from './sample-normal.js';
import { sqrt } from './unary.js';

const flat = (data: Float32Array) => new Tensor(data, [data.length], 'float32');

/** The same draw one op at a time: ε from `normal`, then add, sqrt, mul and add. */
function composite(mean: Tensor, variance: Tensor, seed: number, floor: number): Tensor {
  const eps = normal(mean.shape, { generator: new Generator(seed) });
  return add(mean, mul(sqrt(add(variance, floor)), eps));
}

describeBackends('sampleNormal', () => {
  it.each([0, 1, 3, 4, 7, 70_001, FALLBACK_ELEMENTS])(
    '%i elements: the bits of add(mean, mul(sqrt(add(variance, floor)), ε)), special values included',
    (n) => {
      const [mean, variance] = [flat(floats(n, 1, true)), flat(floats(n, 2, true))];
      // Half the variances ≥ 0 (floats are in (−3, 3)); the negative ones give NaN both ways.
      for (const floor of [0, 1e-8, 0.5]) {
        const got = sampleNormal(mean, variance, {
          generator: new Generator(n),
          varianceFloor: floor,
        });
        expect(got.shape).toEqual([n]);
        expectSameBits(got.storage, composite(mean, variance, n, floor).storage);
      }
    },
  );

  it('draws ε as normal does, one key: the generator moves on as normal moves it', () => {
    const [a, b] = [new Generator(7), new Generator(7)];
    const mean = zeros([2, 3]);
    expectSameBits(
      sampleNormal(mean, zeros([2, 3]), { generator: a, varianceFloor: 1 }).storage,
      normal([2, 3], { generator: b }).storage,
    );
    expectSameBits(normal([5], { generator: a }).storage, normal([5], { generator: b }).storage);
  });

  it('matches N(mean, variance) at a fixed seed: sample mean and variance within 4 standard errors', () => {
    const n = 100_000;
    for (const [m, v] of [
      [1.5, 0.25],
      [-3, 4],
    ] as const) {
      const y = sampleNormal(
        tensor(new Float32Array(n).fill(m)),
        tensor(new Float32Array(n).fill(v)),
        { generator: new Generator(11) },
      ).storage;
      let sum = 0;
      for (let i = 0; i < n; i++) sum += y[i]!;
      const sampleMean = sum / n;
      let squares = 0;
      for (let i = 0; i < n; i++) squares += (y[i]! - sampleMean) ** 2;
      const sampleVariance = squares / (n - 1);
      expect(Math.abs(sampleMean - m)).toBeLessThan(4 * Math.sqrt(v / n));
      // The sample variance of a normal has standard error v·√(2/(n−1)).
      expect(Math.abs(sampleVariance - v)).toBeLessThan(4 * v * Math.sqrt(2 / (n - 1)));
    }
  });

  it('keeps the shape; zero variance with no floor gives the mean exactly', () => {
    const mean = tensor([
      [1, -2],
      [0.25, 3e6],
    ]);
    const out = sampleNormal(mean, zeros([2, 2]), { generator: new Generator(0) });
    expect(out.shape).toEqual([2, 2]);
    expectSameBits(out.storage, mean.storage);
  });

  it('records ε and 2σ only when an input requires a gradient and recording is on', () => {
    const [mean, variance] = [tensor([1, 2, 3]), tensor([4, 0.25, 0])];
    const options = () => ({ generator: new Generator(3), varianceFloor: 1e-8 });
    expect(sampleNormal(mean, variance, options()).gradNode).toBeNull();
    variance.requiresGrad = true;
    expect(withoutRecording(() => sampleNormal(mean, variance, options())).gradNode).toBeNull();
    const out = sampleNormal(mean, variance, options());
    expect(out.gradNode?.inputs).toEqual([mean, variance]);
    const { eps, twoSigma } = savedBy(out, 'sampleNormal');
    expectSameBits(eps.storage, normal([3], { generator: new Generator(3) }).storage);
    expectSameBits(twoSigma.storage, mul(sqrt(add(variance, 1e-8)), 2).storage);
  });

  it('rejects operands and options that do not fit, naming op and argument', () => {
    const generator = new Generator(0);
    const int = tensor([1], { dtype: 'int32' });
    expect(() => sampleNormal(int, tensor([1]), { generator })).toThrow(DTypeError);
    expect(() => sampleNormal(tensor([1]), int, { generator })).toThrow(
      /sampleNormal: argument 'variance' must have dtype float32, got int32/,
    );
    expect(() => sampleNormal(tensor([1, 2]), tensor([1]), { generator })).toThrow(ShapeError);
    expect(() => sampleNormal(tensor([1, 2]), tensor([[1, 1]]), { generator })).toThrow(
      /sampleNormal: argument 'variance' must have mean's shape \[2\], got \[1,2\]/,
    );
    const [one, two] = [tensor([1]), tensor([1])];
    const call = (options: unknown) => sampleNormal(one, two, options as { generator: Generator });
    expect(() => call({})).toThrow(/sampleNormal: argument 'generator' must be a Generator/);
    expect(() => call({ generator, floor: 1 })).toThrow(LacunaError);
    expect(() => call({ generator, varianceFlor: 1 })).toThrow(
      /'options\.varianceFlor' is not a known option\. did you mean 'varianceFloor'\?/,
    );
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY, 1e39, '1']) {
      expect(() => call({ generator, varianceFloor: bad })).toThrow(ArgumentRangeError);
    }
    expect(() => call({ generator, varianceFloor: -1 })).toThrow(
      /sampleNormal: argument 'varianceFloor' must be a finite number ≥ 0 \(as a float32\), got -1/,
    );
  });
});
