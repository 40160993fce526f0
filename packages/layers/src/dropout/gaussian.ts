import { ArgumentRangeError, gaussianDropout, gaussianNoise, type Tensor } from '@lacuna/tensor';
import { checkP, DropoutLayer, type DropoutLayerOptions } from './base.js';

/**
 * Gaussian dropout (Srivastava et al. 2014, section 10): `y = x·ξ`, `ξ ~ N(1, p/(1-p))` in
 * training, identity at inference. Same mean and variance as Bernoulli dropout with drop
 * probability p, without zeros. The noise is regenerated in backward from a 64-bit key.
 *
 * @example
 * ```ts
 * import { GaussianDropout } from '@lacuna/layers';
 * import { Generator, ones } from '@lacuna/tensor';
 * new GaussianDropout(0.5, { generator: new Generator(0) }).forward(ones([4, 4]));
 * ```
 */
export class GaussianDropout extends DropoutLayer {
  /** Equivalent drop probability in [0, 1); the noise variance is p/(1-p). */
  readonly p: number;

  /** @param p - Drop probability in [0, 1). */
  constructor(p: number, options: DropoutLayerOptions) {
    super('GaussianDropout', options);
    this.p = checkP('GaussianDropout', p);
  }

  /** Multiplies by N(1, p/(1-p)) noise when active. */
  forward(x: Tensor): Tensor {
    return gaussianDropout(x, { p: this.p, training: this.active, generator: this.generator() });
  }
}

/**
 * Additive Gaussian noise (Keras's GaussianNoise): `y = x + ε`, `ε ~ N(0, σ²)` in training,
 * identity at inference. A regulariser for inputs and small nets.
 *
 * @example
 * ```ts
 * import { GaussianNoise } from '@lacuna/layers';
 * import { Generator, zeros } from '@lacuna/tensor';
 * new GaussianNoise(0.1, { generator: new Generator(0) }).forward(zeros([4]));
 * ```
 */
export class GaussianNoise extends DropoutLayer {
  /** Noise standard deviation σ ≥ 0. */
  readonly std: number;

  /** @param std - Standard deviation σ ≥ 0. */
  constructor(std: number, options: DropoutLayerOptions) {
    super('GaussianNoise', options);
    if (typeof std !== 'number' || !Number.isFinite(std) || std < 0) {
      throw new ArgumentRangeError(
        'GaussianNoise',
        'std',
        `must be a finite number ≥ 0, got ${String(std)}`,
      );
    }
    this.std = std;
  }

  /** Adds N(0, σ²) noise when active. */
  forward(x: Tensor): Tensor {
    return gaussianNoise(x, { std: this.std, training: this.active, generator: this.generator() });
  }
}
