import { describe, expect, it } from 'vitest';
import { ArgumentRangeError, DTypeError, LacunaError, ShapeError } from '../errors.js';
import { Tensor } from '../tensor.js';
import { tensor } from './creation.js';
import { type LossReduction, softmaxCrossEntropy } from './softmax-cross-entropy.js';

function filled(shape: number[], seed: number, scale = 3): Tensor {
  const n = shape.reduce((a, d) => a * d, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = Math.fround(scale * Math.cos(seed * 31 + i * 0.37));
  return new Tensor(data, shape, 'float32');
}

/** The float64 definition: −Σ t·log softmax, t smoothed, reduced. */
function definition(
  z: Tensor,
  t: (i: number, j: number) => number,
  eps: number,
  reduction: LossReduction,
): number[] {
  const [n, c] = z.shape as [number, number];
  const losses: number[] = [];
  for (let i = 0; i < n; i++) {
    const row = Array.from(z.storage.subarray(i * c, (i + 1) * c));
    const lse = Math.log(row.reduce((s, v) => s + Math.exp(v), 0));
    losses.push(-row.reduce((s, v, j) => s + ((1 - eps) * t(i, j) + eps / c) * (v - lse), 0));
  }
  const total = losses.reduce((s, v) => s + v, 0);
  return reduction === 'none' ? losses : [reduction === 'mean' ? total / n : total];
}

function expectClose(got: ArrayLike<number>, want: number[]): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(want[i]!, 5);
}

/** Σ_j exp(z[i, j]) of a row of 3, in float64. */
const sum3 = (z: ArrayLike<number>, i: number) =>
  Math.exp(z[3 * i]!) + Math.exp(z[3 * i + 1]!) + Math.exp(z[3 * i + 2]!);

describe('softmaxCrossEntropy', () => {
  const z = filled([7, 5], 1);
  const labels = tensor([0, 4, 2, 2, 1, 3, 0], { dtype: 'int32' });
  const probs = filled([7, 5], 2, 1);
  for (let i = 0; i < 7; i++) {
    // Rows of non-negative values that sum to 1.
    const row = (probs.storage as Float32Array).subarray(i * 5, (i + 1) * 5);
    for (let j = 0; j < 5; j++) row[j] = Math.abs(row[j]!);
    const s = row.reduce((a, v) => a + v, 0);
    for (let j = 0; j < 5; j++) row[j] = row[j]! / s;
  }

  it('matches the float64 definition for class indices and probabilities, every reduction and ε', () => {
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      for (const labelSmoothing of [0, 0.1]) {
        const options = { reduction, labelSmoothing };
        const byIndex = softmaxCrossEntropy(z, labels, options);
        expect(byIndex.shape).toEqual(reduction === 'none' ? [7] : []);
        expectClose(
          byIndex.storage,
          definition(z, (i, j) => (labels.storage[i] === j ? 1 : 0), labelSmoothing, reduction),
        );
        expectClose(
          softmaxCrossEntropy(z, probs, options).storage,
          definition(z, (i, j) => probs.storage[i * 5 + j]!, labelSmoothing, reduction),
        );
      }
    }
  });

  it('computes the documented values; no rows give a NaN mean and a zero sum', () => {
    const logits = tensor([
      [2, 0],
      [0, 2],
    ]);
    expect(softmaxCrossEntropy(logits, tensor([0, 1], { dtype: 'int32' })).item()).toBeCloseTo(
      0.126928,
      6,
    );
    const empty = new Tensor(new Float32Array(0), [0, 3], 'float32');
    const none = new Tensor(new Int32Array(0), [0], 'int32');
    expect(softmaxCrossEntropy(empty, none).item()).toBeNaN();
    expect(softmaxCrossEntropy(empty, none, { reduction: 'sum' }).item()).toBe(0);
  });

  it('records one node over the logits, saving targets and options', () => {
    const logits = filled([2, 3], 3);
    logits.requiresGrad = true;
    const targets = tensor([2, 0], { dtype: 'int32' });
    const loss = softmaxCrossEntropy(logits, targets, { labelSmoothing: 0.2, reduction: 'sum' });
    const node = loss.gradNode;
    expect(node?.op).toBe('softmaxCrossEntropy');
    expect(node?.inputs).toEqual([logits]);
    if (node?.op === 'softmaxCrossEntropy' && !node.released) {
      expect(node.saved).toMatchObject({ targets, labelSmoothing: 0.2, reduction: 'sum' });
      const lse = node.saved.logSumExps;
      expect(lse.length).toBe(2);
      for (const i of [0, 1]) expect(lse[i]).toBeCloseTo(Math.log(sum3(logits.storage, i)), 14);
    }
    logits.requiresGrad = false;
    expect(softmaxCrossEntropy(logits, targets).gradNode).toBeNull();
  });

  it('rejects logits, targets and options that do not fit, naming argument, expectation and value', () => {
    const logits = filled([2, 3], 4);
    const idx = (ys: number[]) => tensor(ys, { dtype: 'int32' });
    expect(() => softmaxCrossEntropy(filled([6], 4), idx([0]))).toThrow(
      /softmaxCrossEntropy: argument 'logits' must be float32 with shape \[N, C\], got float32 \[6\]/,
    );
    expect(() => softmaxCrossEntropy(logits, idx([0, 1, 2]))).toThrow(ShapeError);
    expect(() => softmaxCrossEntropy(logits, idx([0, 1, 2]))).toThrow(
      /argument 'targets' as class indices must have shape \[2\], got \[3\]/,
    );
    expect(() => softmaxCrossEntropy(logits, idx([0, 3]))).toThrow(ArgumentRangeError);
    expect(() => softmaxCrossEntropy(logits, idx([0, 3]))).toThrow(
      /argument 'targets' must be class indices in \[0, 3\), got 3 at index 1/,
    );
    expect(() => softmaxCrossEntropy(logits, filled([2, 2], 5))).toThrow(
      /argument 'targets' as probabilities must have shape \[2, 3\], got \[2,2\]/,
    );
    expect(() => softmaxCrossEntropy(logits, tensor([true, false]))).toThrow(DTypeError);
    expect(() => softmaxCrossEntropy(logits, idx([0, 1]), { labelSmoothing: 1 })).toThrow(
      /argument 'labelSmoothing' must lie in \[0, 1\), got 1/,
    );
    expect(() =>
      softmaxCrossEntropy(logits, idx([0, 1]), { labelSmoothing: '0.1' } as never),
    ).toThrow(ArgumentRangeError);
    expect(() => softmaxCrossEntropy(logits, idx([0, 1]), { reduction: 'avg' } as never)).toThrow(
      /argument 'reduction' must be one of 'mean', 'sum', 'none', got "avg"/,
    );
    expect(() =>
      softmaxCrossEntropy(logits, idx([0, 1]), { label_smoothing: 0.1 } as never),
    ).toThrow(LacunaError);
    expect(() =>
      softmaxCrossEntropy(logits, idx([0, 1]), { label_smoothing: 0.1 } as never),
    ).toThrow(
      /argument 'options.label_smoothing' is not a known option. did you mean 'labelSmoothing'\?/,
    );
    expect(() => softmaxCrossEntropy(logits, [0, 1] as never)).toThrow(
      /argument 'targets' must be a Tensor/,
    );
  });
});
