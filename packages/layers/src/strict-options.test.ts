import {
  ArgumentRangeError,
  Generator,
  keepProbability,
  LacunaError,
  mean,
  normal,
  ones,
  ShapeError,
  tensor,
} from '@lacuna/tensor';
import { describe, expect, it } from 'vitest';
import { AlphaDropout, alphaDropoutCoefficients, FeatureAlphaDropout } from './dropout/alpha.js';
import { DropBlock2d } from './dropout/drop-block.js';
import { DropConnectLinear } from './dropout/drop-connect.js';
import { DropPath } from './dropout/drop-path.js';
import { Dropout, Dropout2d } from './dropout/dropout.js';
import { GaussianDropout, GaussianNoise } from './dropout/gaussian.js';
import { LockedDropout } from './dropout/locked.js';
import { mcPredict } from './dropout/mc.js';
import { sharedMaskDropout } from './dropout/noise-shape.js';
import { binaryCrossEntropyWithLogits, crossEntropy, nllLoss } from './losses/classification.js';
import { mseLoss } from './losses/mse.js';
import { ELU, LeakyReLU, ReLU, Softmax } from './modules/activations.js';
import { BatchNorm1d, BatchNorm2d } from './modules/batch-norm.js';
import { Conv2d } from './modules/conv.js';
import { Linear } from './modules/linear.js';
import { AvgPool2d, Flatten, MaxPool2d } from './modules/pool.js';
import { Residual } from './modules/residual.js';
import { Sequential } from './modules/sequential.js';
import { earlyStopping } from './training/callbacks.js';

// Issue 14: options that cannot be mistyped, constructors that name the layer.

const gen = (seed = 0) => ({ generator: new Generator(seed) });

describe('layer constructors validate their arguments and name the layer', () => {
  it('Linear without a generator is a typed error, not "Cannot read properties of undefined"', () => {
    const noOptions = () => new (Linear as unknown as new (a: number, b: number) => Linear)(2, 2);
    expect(noOptions).toThrow(LacunaError);
    expect(noOptions).toThrow(
      /Linear: argument 'options' must be an object with at least a 'generator'/,
    );
    expect(() => new Linear(2, 2, {} as never)).toThrow(
      "Linear: argument 'options.generator' must be a Generator (e.g. new Generator(seed) or parent.fork()), got undefined",
    );
    expect(() => new Linear(2, 2, { generator: 42 } as never)).toThrow(
      /Linear: argument 'options.generator' must be a Generator .*got 42/,
    );
    expect(() => new Linear(2.5, 2, gen())).toThrow(ArgumentRangeError);
    expect(() => new Linear(2, '3' as never, gen())).toThrow(
      /Linear: argument 'outFeatures' must be a positive integer, got "3"/,
    );
    expect(() => new Linear(2, 2, { ...gen(), bias: 'false' } as never)).toThrow(
      /Linear: argument 'bias' must be true or false/,
    );
    expect(() => new Linear(2, 2, { ...gen(), useBias: false } as never)).toThrow(
      /Linear: argument 'options\.useBias' is not a known option/,
    );
  });

  it('Conv2d checks sizes, window options and keys at construction', () => {
    expect(() => new Conv2d(1, 2, 3, undefined as never)).toThrow(/Conv2d: argument 'options'/);
    expect(() => new Conv2d(1, 2, [3, 0], gen())).toThrow(
      /Conv2d: argument 'kernelSize' must be an integer ≥ 1 or a pair of them, got \[3, 0\]/,
    );
    expect(() => new Conv2d(1, 2, 3, { ...gen(), stride: 0 })).toThrow(
      /Conv2d: argument 'stride' must be an integer ≥ 1/,
    );
    expect(() => new Conv2d(1, 2, 3, { ...gen(), padding: -1 })).toThrow(
      /Conv2d: argument 'padding' must be an integer ≥ 0/,
    );
    expect(() => new Conv2d(1, 2, 3, { ...gen(), paddingMode: 'same' } as never)).toThrow(
      /Conv2d: argument 'options\.paddingMode' is not a known option/,
    );
    // The options are copied: changing the caller's array later does not change the layer.
    const stride: [number, number] = [1, 1];
    const conv = new Conv2d(1, 1, 1, { ...gen(), stride });
    stride[0] = 5;
    expect(conv.forward(ones([1, 1, 3, 3])).shape).toEqual([1, 1, 3, 3]);
  });

  it('BatchNorm, pooling, activations, Sequential and Residual', () => {
    expect(() => new BatchNorm1d(0)).toThrow(/BatchNorm1d: argument 'numFeatures'/);
    expect(() => new BatchNorm2d(3, { esp: 1e-3 } as never)).toThrow(/did you mean 'eps'\?/);
    expect(() => new BatchNorm2d(3, { affine: 'no' } as never)).toThrow(
      /BatchNorm2d: argument 'affine' must be true or false/,
    );
    expect(() => new BatchNorm1d(3, { momentum: '0.1' } as never)).toThrow(
      /BatchNorm1d: argument 'momentum' must be a finite number, got "0\.1"/,
    );
    expect(() => new BatchNorm2d(3, { eps: Number.POSITIVE_INFINITY })).toThrow(
      /BatchNorm2d: argument 'eps'/,
    );
    expect(() => new MaxPool2d(2, { ceilMode: true } as never)).toThrow(
      /MaxPool2d: argument 'options\.ceilMode' is not a known option\. Known options: stride, padding, dilation/,
    );
    expect(() => new AvgPool2d(2, { dilation: 2 } as never)).toThrow(
      /AvgPool2d: argument 'options\.dilation' is not a known option/,
    );
    expect(() => new MaxPool2d(0)).toThrow(/MaxPool2d: argument 'kernelSize'/);
    expect(() => new AvgPool2d(2, { stride: 1.5 })).toThrow(/AvgPool2d: argument 'stride'/);
    expect(() => new LeakyReLU(Number.NaN)).toThrow(/LeakyReLU: argument 'alpha'/);
    expect(() => new ELU('1' as never)).toThrow(/ELU: argument 'alpha' must be a finite number/);
    expect(() => new Softmax(0.5)).toThrow(/Softmax: argument 'axis' must be an integer/);
    expect(() => new Flatten('1' as never)).toThrow(/Flatten: argument 'startAxis'/);
    expect(() => new Sequential(new ReLU(), {} as never)).toThrow(
      /Sequential: argument 'layers\[1\]'/,
    );
    expect(() => new Residual({} as never)).toThrow(/Residual: argument 'block' must be a Module/);
    expect(() => new Residual(new ReLU(), { dropPath: 0.1 } as never)).toThrow(
      /Residual: argument 'options\.dropPath' must be a DropPath layer/,
    );
    expect(
      () => new Residual(new ReLU(), { drop_path: new DropPath(0.1, gen()) } as never),
    ).toThrow(/did you mean 'dropPath'\?/);
  });
});

describe('the dropout family: one validator', () => {
  it('every layer requires a Generator and rejects unknown keys', () => {
    const makers: [string, (o: never) => unknown][] = [
      ['Dropout', (o) => new Dropout(0.5, o)],
      ['Dropout2d', (o) => new Dropout2d(0.5, o)],
      ['AlphaDropout', (o) => new AlphaDropout(0.5, o)],
      ['FeatureAlphaDropout', (o) => new FeatureAlphaDropout(0.5, o)],
      ['GaussianDropout', (o) => new GaussianDropout(0.5, o)],
      ['GaussianNoise', (o) => new GaussianNoise(0.5, o)],
      ['LockedDropout', (o) => new LockedDropout(0.5, o)],
      ['DropPath', (o) => new DropPath(0.5, o)],
      ['DropBlock2d', (o) => new DropBlock2d(0.5, 3, o)],
      ['DropConnectLinear', (o) => new DropConnectLinear(2, 2, 0.5, o)],
    ];
    for (const [name, make] of makers) {
      expect(() => make(undefined as never)).toThrow(new RegExp(`^${name}: argument 'options'`));
      expect(() => make({} as never)).toThrow(
        `${name}: argument 'options.generator' must be a Generator (e.g. new Generator(seed) or parent.fork()), got undefined`,
      );
      expect(() => make({ ...gen(), inplace: true } as never)).toThrow(
        new RegExp(`^${name}: argument 'options\\.inplace' is not a known option`),
      );
    }
    expect(() => new Dropout(0.5, { ...gen(), noise_shape: [1] } as never)).toThrow(
      /did you mean 'noiseShape'\?/,
    );
  });

  it("a bad scaling is the same LacunaError as the op's, naming the valid values", () => {
    const call = () => new Dropout(0.5, { ...gen(), scaling: 'invert' } as never);
    expect(call).toThrow(LacunaError);
    expect(call).not.toThrow(ShapeError);
    expect(call).toThrow(
      /Dropout: argument 'scaling' must be one of 'inverted', 'classic', got "invert" \(a string\) \(did you mean 'inverted'\?\)/,
    );
    expect(() => new DropPath(0.5, { ...gen(), mode: 'rows' } as never)).toThrow(
      /DropPath: argument 'mode' must be one of 'row', 'batch', got "rows" .*did you mean 'row'/,
    );
  });

  it('noiseShape is validated and copied at construction', () => {
    // 'ab' used to throw a TypeError from `.join` at the first forward.
    expect(() => new Dropout(0.5, { ...gen(), noiseShape: 'ab' } as never)).toThrow(ShapeError);
    expect(() => new Dropout(0.5, { ...gen(), noiseShape: 'ab' } as never)).toThrow(
      /Dropout: argument 'noiseShape' must be an array with one entry per input axis, each null, 1 or the axis's size, got "ab"/,
    );
    expect(() => new Dropout(0.5, { ...gen(), noiseShape: [null, 0] })).toThrow(ShapeError);
    expect(() => new AlphaDropout(0.5, { ...gen(), noiseShape: [1.5] })).toThrow(
      /AlphaDropout: argument 'noiseShape'/,
    );
    const shape: (number | null)[] = [null, 1];
    const drop = new Dropout(0.5, { ...gen(), noiseShape: shape });
    shape[1] = 7;
    expect(drop.noiseShape).toEqual([null, 1]);
    expect(Object.isFrozen(drop.noiseShape)).toBe(true);
    const y = drop.forward(ones([3, 4])).toArray() as number[][];
    for (const row of y) expect(new Set(row).size).toBe(1); // one mask value per row
  });

  it('p the 24-bit mask kernels cannot honour is rejected with the reason', () => {
    for (const make of [
      (p: number) => new Dropout(p, gen()),
      (p: number) => new AlphaDropout(p, gen()),
      (p: number) => new DropPath(p, gen()),
    ]) {
      expect(() => make(1 - 1e-8)).toThrow(ArgumentRangeError);
      expect(() => make(1 - 1e-8)).toThrow(/must be at most 1 - 2\^-24 \(masks compare 24-bit/);
      expect(() => make(1 - 1e-7)).not.toThrow();
      expect(() => make('0.5' as never)).toThrow(/must lie in \[0, 1\), got "0\.5" \(a string\)/);
    }
  });

  it('shared-mask dropout scales by the quantised keep probability: E[y] = x', () => {
    const p = 1 - 1e-7;
    const k = keepProbability(p);
    // Many rows, one mask value per row (noiseShape [null, 1]): every kept row is exactly 1/k.
    const y = sharedMaskDropout(ones([1 << 21, 1]), {
      p: 1 - 2 ** -12,
      training: true,
      generator: new Generator(5),
      noiseShape: [null, 1],
    });
    const values = new Set(y.storage as Float32Array);
    values.delete(0);
    expect([...values]).toEqual([Math.fround(2 ** 12)]);
    expect(Math.fround(1 / k)).toBe(Math.fround(2 ** 24 / 2));
    expect(() =>
      sharedMaskDropout(ones([2]), { p: 0.5, training: true, ...gen(), shape: [1] } as never),
    ).toThrow(/sharedMaskDropout: argument 'options\.shape' is not a known option/);
  });
});

describe('AlphaDropout', () => {
  it('takes a noiseShape (Keras noise_shape): one mask value per shared position', () => {
    const drop = new AlphaDropout(0.5, { ...gen(3), noiseShape: [null, 1] });
    const y = drop.forward(ones([64, 5])).toArray() as number[][];
    for (const row of y) expect(new Set(row).size).toBe(1);
    expect(new Set(y.map((r) => r[0])).size).toBe(2); // some rows kept, some dropped
    expect(() => drop.forward(ones([4, 5, 2]))).toThrow(/AlphaDropout: argument 'noiseShape'/);
  });

  it('keeps a dropped NaN as NaN (PyTorch keeps NaN; it used to become a constant)', () => {
    const n = 64;
    const x = tensor(Array.from({ length: n }, () => Number.NaN));
    const y = new AlphaDropout(0.5, gen(1)).forward(x).storage as Float32Array;
    expect(Array.from(y).every(Number.isNaN)).toBe(true);
    // Finite inputs: dropped elements are a·α' + b, kept ones a·x + b.
    const { a, b, alphaPrime } = alphaDropoutCoefficients(0.5);
    const z = new AlphaDropout(0.5, gen(1)).forward(ones([n])).storage as Float32Array;
    const values = new Set(Array.from(z));
    expect(values).toEqual(new Set([Math.fround(a + b), Math.fround(a * alphaPrime + b)]));
  });

  it('still normalises: mean ≈ 0 and variance ≈ 1 on standard normal input at a fixed seed', () => {
    const g = new Generator(2);
    const x = normal([1 << 16], { generator: g });
    const y = new AlphaDropout(0.2, { generator: g }).forward(x);
    const m = mean(y).item();
    expect(Math.abs(m)).toBeLessThan(0.02);
    const s = y.storage as Float32Array;
    let ss = 0;
    for (const t of s) ss += (t - m) ** 2;
    expect(Math.abs(ss / s.length - 1)).toBeLessThan(0.03);
  });
});

describe('losses, mcPredict, fit helpers reject unknown option keys', () => {
  const logits = tensor([
    [2, 0],
    [0, 2],
  ]);
  const labels = tensor([0, 1], { dtype: 'int32' });
  it('losses', () => {
    expect(() => crossEntropy(logits, labels, { label_smoothing: 0.1 } as never)).toThrow(
      /crossEntropy: argument 'options\.label_smoothing' is not a known option\. did you mean 'labelSmoothing'\?/,
    );
    expect(() => nllLoss(logits, labels, { reduce: 'sum' } as never)).toThrow(
      /nllLoss: argument 'options\.reduce' .*Known options: reduction/,
    );
    expect(() => mseLoss(logits, logits, { reductions: 'sum' } as never)).toThrow(
      /did you mean 'reduction'\?/,
    );
    expect(() => binaryCrossEntropyWithLogits(logits, logits, { posWeight: 2 } as never)).toThrow(
      /binaryCrossEntropyWithLogits: argument 'options\.posWeight'/,
    );
    expect(() => crossEntropy(logits, labels, { reduction: 'avg' } as never)).toThrow(
      /crossEntropy: argument 'reduction' must be one of 'mean', 'sum', 'none', got "avg"/,
    );
  });

  it('mcPredict, earlyStopping and Module.call', () => {
    const net = new Sequential(new Linear(2, 2, gen()), new Dropout(0.5, gen(1)));
    expect(() => mcPredict(net, logits, { samples: 2, passes: 3 } as never)).toThrow(
      /mcPredict: argument 'options\.passes' is not a known option/,
    );
    expect(() => mcPredict(net, logits, { samples: 2, generator: 1 } as never)).toThrow(
      /mcPredict: argument 'options\.generator' must be a Generator/,
    );
    expect(() => earlyStopping({ patience: 2, min_delta: 0.1 } as never)).toThrow(
      /did you mean 'minDelta'\?/,
    );
    expect(() => net.call(logits, { trainng: true } as never)).toThrow(
      /Sequential\.call: argument 'options\.trainng' .*did you mean 'training'\?/,
    );
    expect(() => net.call(logits, { training: 'true' } as never)).toThrow(
      /Sequential\.call: argument 'training' must be true or false/,
    );
  });
});

describe('initializers name themselves when the generator is missing', () => {
  it('heUniform(shape) without a generator', async () => {
    const { heUniform, glorotNormal } = await import('./init/initializers.js');
    expect(() => heUniform([2, 2], undefined as never)).toThrow(
      "heUniform: argument 'generator' must be a Generator (e.g. new Generator(seed) or parent.fork()), got undefined",
    );
    expect(() => glorotNormal([2, 2], 3 as never)).toThrow(/glorotNormal: argument 'generator'/);
  });
});
