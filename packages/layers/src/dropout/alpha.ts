import {
  bernoulli,
  type Generator,
  keepProbability,
  maskedAffine,
  optionKeys,
  ShapeError,
  type Tensor,
} from '@lacuna/tensor';
import { checkP, DropoutLayer, type DropoutLayerOptions } from './base.js';
import { checkNoiseShape, type NoiseShape, resolveNoiseShape } from './noise-shape.js';

/** Options of {@link AlphaDropout}. */
export interface AlphaDropoutOptions extends DropoutLayerOptions {
  /**
   * Share one mask value along the axes where this is 1 (one entry per input axis; null =
   * independent), as Keras's `AlphaDropout(noise_shape=…)`.
   */
  noiseShape?: NoiseShape;
}

const ALPHA_DROPOUT_KEYS = optionKeys<AlphaDropoutOptions>({ generator: true, noiseShape: true });

/** SELU's negative saturation value, -λα. */
const ALPHA_PRIME = -1.0507009873554805 * 1.6732632423543772;

/** The affine coefficients of alpha dropout. */
export interface AlphaDropoutCoefficients {
  /** Scale `a = ((1-p)(1 + p·α'²))^(-1/2)`. */
  a: number;
  /** Shift `b = -a·α'·p`. */
  b: number;
  /** The value dropped units take before the affine map, `α' = -λα ≈ -1.7581`. */
  alphaPrime: number;
}

/**
 * The affine coefficients of alpha dropout: dropped units are set to α' = -λα ≈ -1.7581, then
 * `y = a·(x·m + α'(1-m)) + b`, with `a = ((1-p)(1 + p·α'²))^(-1/2)` and `b = -a·α'·p`, which keep
 * a zero-mean, unit-variance input at zero mean and unit variance.
 *
 * @example
 * ```ts
 * import { alphaDropoutCoefficients } from '@lacuna/layers';
 * alphaDropoutCoefficients(0.1); // { a: 0.9213…, b: 0.1620…, alphaPrime: -1.7581… }
 * ```
 */
export function alphaDropoutCoefficients(p: number): AlphaDropoutCoefficients {
  const a = 1 / Math.sqrt((1 - p) * (1 + p * ALPHA_PRIME * ALPHA_PRIME));
  return { a, b: -a * ALPHA_PRIME * p, alphaPrime: ALPHA_PRIME };
}

function alphaDropout(
  x: Tensor,
  p: number,
  noiseShape: number[],
  active: boolean,
  generator: Generator,
): Tensor {
  if (!active || p === 0) return x;
  // The coefficients use the drop probability the mask really has (1 - k, k on the kernels' 2⁻²⁴
  // grid), so the output's mean and variance are exactly restored.
  const k = keepProbability(p, 'AlphaDropout');
  const { a, b, alphaPrime } = alphaDropoutCoefficients(1 - k);
  const mask = bernoulli(noiseShape, { p: k, generator, dtype: 'bool' });
  // A dropped element is x·0 + fill, so a NaN input stays NaN (as in PyTorch) instead of becoming
  // the constant a·α' + b.
  return maskedAffine(x, mask, { scale: a, shift: b, fill: a * alphaPrime + b });
}

/**
 * Alpha dropout for self-normalising (SELU) networks (Klambauer et al. 2017, "Self-Normalizing
 * Neural Networks"): dropped units go to SELU's saturation value α' ≈ -1.7581 instead of 0, then
 * an affine map restores the input's mean and variance:
 * `y = a·(x·m + α'(1-m)) + b`, `a = ((1-p)(1+p·α'²))^(-1/2)`, `b = -a·α'·p`. Identity at inference.
 * A NaN or ±Infinity input gives NaN whether kept or dropped (x·m with m = 0 is NaN), as in PyTorch.
 *
 * Shapes: any; one mask value per element, or per position of `noiseShape` (Keras's `noise_shape`).
 *
 * @example
 * ```ts
 * import { AlphaDropout } from '@lacuna/layers';
 * import { Generator, normal } from '@lacuna/tensor';
 * const g = new Generator(0);
 * new AlphaDropout(0.1, { generator: g }).forward(normal([64, 32], { generator: g })); // mean ≈ 0, variance ≈ 1
 * ```
 */
export class AlphaDropout extends DropoutLayer {
  /** Drop probability in [0, 1). */
  readonly p: number;
  /** Axes sharing one mask value, if any. */
  readonly noiseShape: NoiseShape | undefined;

  /**
   * @param p - Drop probability in [0, 1 − 2⁻²⁴].
   * @param options - `generator`, `noiseShape`.
   */
  constructor(p: number, options: AlphaDropoutOptions) {
    super('AlphaDropout', options, ALPHA_DROPOUT_KEYS);
    this.p = checkP('AlphaDropout', p);
    this.noiseShape = checkNoiseShape('AlphaDropout', options.noiseShape);
  }

  /** Alpha-drops elements (or the positions of `noiseShape`) when active. */
  forward(x: Tensor): Tensor {
    const noise = this.noiseShape
      ? resolveNoiseShape('AlphaDropout', x, this.noiseShape)
      : [...x.shape];
    return alphaDropout(x, this.p, noise, this.active, this.generator());
  }
}

/**
 * Feature alpha dropout: {@link AlphaDropout} with one mask value per (sample, channel) of
 * [N, C, ...] input, for SELU convolutional nets.
 *
 * @example
 * ```ts
 * import { FeatureAlphaDropout } from '@lacuna/layers';
 * import { Generator, normal } from '@lacuna/tensor';
 * const g = new Generator(0);
 * new FeatureAlphaDropout(0.2, { generator: g }).forward(normal([2, 8, 4, 4], { generator: g }));
 * ```
 */
export class FeatureAlphaDropout extends DropoutLayer {
  /** Probability of dropping a channel. */
  readonly p: number;

  /** @param p - Drop probability in [0, 1). */
  constructor(p: number, options: DropoutLayerOptions) {
    super('FeatureAlphaDropout', options);
    this.p = checkP('FeatureAlphaDropout', p);
  }

  /** Alpha-drops whole channels when active. */
  forward(x: Tensor): Tensor {
    if (x.rank < 3) {
      throw new ShapeError(
        'FeatureAlphaDropout',
        'x',
        `must have shape [N, C, ...] with at least one feature axis, got [${x.shape.join(',')}]`,
      );
    }
    return alphaDropout(
      x,
      this.p,
      x.shape.map((d, i) => (i < 2 ? d : 1)),
      this.active,
      this.generator(),
    );
  }
}
