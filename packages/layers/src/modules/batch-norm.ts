import { noGrad } from '@lacuna/autograd';
import {
  ArgumentRangeError,
  add,
  div,
  full,
  mean,
  mul,
  ones,
  optionBoolean,
  optionKeys,
  reshape,
  ShapeError,
  sqrt,
  sub,
  type Tensor,
  variance,
  zeros,
} from '@lacuna/tensor';
import { Module } from '../module.js';
import { checkLayerOptions, finiteNumber, positiveInteger } from '../validate.js';

const BATCH_NORM_KEYS = optionKeys<BatchNormOptions>({ eps: true, momentum: true, affine: true });

/** Options of the batch-norm layers. */
export interface BatchNormOptions {
  /** Added to the variance for stability (default 1e-5). */
  eps?: number;
  /** Weight of the current batch in the running statistics (default 0.1, PyTorch's convention). */
  momentum?: number;
  /** Learn a per-channel scale γ and shift β (default true). */
  affine?: boolean;
}

/** Batch normalisation over every axis but the channel axis 1. */
abstract class BatchNorm extends Module {
  /** γ, [C], or null. */
  readonly weight: Tensor | null;
  /** β, [C], or null. */
  readonly bias: Tensor | null;
  /** Running mean, [C] (a buffer). */
  readonly runningMean: Tensor;
  /** Running unbiased variance, [C] (a buffer). */
  readonly runningVar: Tensor;
  /** Channels. */
  readonly numFeatures: number;
  readonly #eps: number;
  readonly #momentum: number;

  protected constructor(
    private readonly kind: string,
    private readonly ranks: readonly number[],
    numFeatures: number,
    options: BatchNormOptions,
  ) {
    super();
    checkLayerOptions(kind, options, BATCH_NORM_KEYS, false);
    this.numFeatures = positiveInteger(kind, 'numFeatures', numFeatures);
    this.#eps = finiteNumber(kind, 'eps', options.eps ?? 1e-5);
    this.#momentum = finiteNumber(kind, 'momentum', options.momentum ?? 0.1);
    if (!(this.#eps > 0) || !Number.isFinite(this.#eps))
      throw new ArgumentRangeError(kind, 'eps', `must be > 0, got ${this.#eps}`);
    if (!(this.#momentum >= 0 && this.#momentum <= 1))
      throw new ArgumentRangeError(kind, 'momentum', `must lie in [0, 1], got ${this.#momentum}`);
    const affine = optionBoolean(kind, 'affine', options.affine, true);
    this.weight = affine ? this.registerParameter('weight', ones([numFeatures])) : null;
    this.bias = affine ? this.registerParameter('bias', zeros([numFeatures])) : null;
    this.runningMean = this.registerBuffer('runningMean', zeros([numFeatures]));
    this.runningVar = this.registerBuffer('runningVar', full([numFeatures], 1));
  }

  /**
   * Training: normalise with the batch's mean and (biased) variance over N and the spatial axes,
   * and update the running statistics. Inference: normalise with the running statistics.
   * Then `y = γ·x̂ + β`.
   */
  forward(x: Tensor): Tensor {
    if (!this.ranks.includes(x.rank) || x.shape[1] !== this.numFeatures) {
      const want = this.ranks
        .map((r) => `[N, ${this.numFeatures}${', *'.repeat(r - 2)}]`)
        .join(' or ');
      throw new ShapeError(this.kind, 'x', `must have shape ${want}, got [${x.shape.join(',')}]`);
    }
    const axes = x.shape.map((_, i) => i).filter((i) => i !== 1);
    const bshape = x.shape.map((d, i) => (i === 1 ? d : 1));
    let mu: Tensor;
    let v: Tensor;
    if (this.training) {
      mu = mean(x, { axis: axes, keepDims: true });
      v = variance(x, { axis: axes, keepDims: true, correction: 0 });
      const count = x.size / this.numFeatures;
      noGrad(() => {
        const m = this.#momentum;
        const unbiased = mul(v, count / Math.max(count - 1, 1));
        this.runningMean.storage.set(
          add(mul(this.runningMean, 1 - m), mul(reshape(mu, [this.numFeatures]), m)).storage,
        );
        this.runningVar.storage.set(
          add(mul(this.runningVar, 1 - m), mul(reshape(unbiased, [this.numFeatures]), m)).storage,
        );
      });
    } else {
      mu = reshape(this.runningMean, bshape);
      v = reshape(this.runningVar, bshape);
    }
    let y = div(sub(x, mu), sqrt(add(v, this.#eps)));
    if (this.weight && this.bias)
      y = add(mul(y, reshape(this.weight, bshape)), reshape(this.bias, bshape));
    return y;
  }
}

/**
 * Batch normalisation (Ioffe & Szegedy 2015) of [N, C] or [N, C, L] input:
 * `y = γ·(x - E[x])/√(Var[x] + ε) + β` per channel, with batch statistics in training and running
 * statistics at inference (MC dropout leaves it in inference mode).
 *
 * @example
 * ```ts
 * import { BatchNorm1d } from '@lacuna/layers';
 * import { Generator, normal } from '@lacuna/tensor';
 * new BatchNorm1d(16).forward(normal([32, 16], { generator: new Generator(0), mean: 3 })); // ≈ zero mean
 * ```
 */
export class BatchNorm1d extends BatchNorm {
  /** @param numFeatures - Channels C. */
  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super('BatchNorm1d', [2, 3], numFeatures, options);
  }
}

/**
 * Batch normalisation of [N, C, H, W] input, per channel over N, H and W.
 *
 * @example
 * ```ts
 * import { BatchNorm2d } from '@lacuna/layers';
 * import { ones } from '@lacuna/tensor';
 * new BatchNorm2d(3).eval().forward(ones([2, 3, 4, 4])).shape; // [2, 3, 4, 4]
 * ```
 */
export class BatchNorm2d extends BatchNorm {
  /** @param numFeatures - Channels C. */
  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super('BatchNorm2d', [4], numFeatures, options);
  }
}
