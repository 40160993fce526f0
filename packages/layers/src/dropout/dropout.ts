import {
  type DropoutScaling,
  dropout,
  type DropoutOptions as OpDropoutOptions,
  optionEnum,
  optionKeys,
  ShapeError,
  type Tensor,
} from '@lacuna/tensor';
import { checkP, DropoutLayer, type DropoutLayerOptions } from './base.js';
import {
  checkNoiseShape,
  type NoiseShape,
  resolveNoiseShape,
  sharedMaskDropout,
} from './noise-shape.js';

/** Options of {@link Dropout}. */
export interface DropoutOptions extends DropoutLayerOptions {
  /** `'inverted'` (default): scale kept units by 1/(1-p) in training. `'classic'`: scale by 1-p at inference instead. */
  scaling?: DropoutScaling;
  /** Share one mask value along the axes where this is 1 (one entry per input axis; null = independent). */
  noiseShape?: NoiseShape;
}

const DROPOUT_KEYS = optionKeys<DropoutOptions>({
  generator: true,
  scaling: true,
  noiseShape: true,
});

/**
 * Dropout (Srivastava et al., "Dropout: A Simple Way to Prevent Neural Networks from
 * Overfitting", JMLR 2014): in training, zero each element with probability `p`.
 *
 * Inverted (default): `y = x·m/(1-p)`, m ~ Bernoulli(1-p), identity at inference. Classic:
 * `y = x·m` in training and `y = (1-p)·x` at inference. `noiseShape` shares one mask value along
 * chosen axes (Keras's `noise_shape`). `p` is the drop probability, as in PyTorch and Keras.
 *
 * Shapes: any; the output has the input's shape.
 *
 * @example
 * ```ts
 * import { Dropout } from '@lacuna/layers';
 * import { Generator, ones } from '@lacuna/tensor';
 * const drop = new Dropout(0.5, { generator: new Generator(0) });
 * drop.forward(ones([2, 4]));        // elements 0 or 2
 * drop.eval().forward(ones([2, 4])); // unchanged
 * ```
 */
export class Dropout extends DropoutLayer {
  /** Drop probability in [0, 1). */
  readonly p: number;
  /** How kept units are scaled. */
  readonly scaling: DropoutScaling;
  /** Axes sharing one mask value, if any. */
  readonly noiseShape: NoiseShape | undefined;

  /**
   * @param p - Drop probability in [0, 1).
   * @param options - `generator`, `scaling`, `noiseShape`.
   */
  constructor(p: number, options: DropoutOptions) {
    super('Dropout', options, DROPOUT_KEYS);
    this.p = checkP('Dropout', p);
    // The same error as the dropout op for a bad scaling: a LacunaError naming the valid values.
    this.scaling = optionEnum(
      'Dropout',
      'scaling',
      options.scaling,
      ['inverted', 'classic'],
      'inverted',
    );
    this.noiseShape = checkNoiseShape('Dropout', options.noiseShape);
    if (this.scaling === 'classic' && this.noiseShape) {
      throw new ShapeError('Dropout', 'noiseShape', "works with 'inverted' scaling only");
    }
  }

  /** Drops elements when active; otherwise the identity (inverted) or `(1-p)·x` (classic). */
  forward(x: Tensor): Tensor {
    const options = this.opOptions();
    if (options) return dropout(x, options);
    resolveNoiseShape('Dropout', x, this.noiseShape!);
    return sharedMaskDropout(x, {
      p: this.p,
      training: this.active,
      generator: this.generator(),
      noiseShape: this.noiseShape!,
    });
  }

  /**
   * The options of the dropout op one forward pass runs (drawing from this call's generator), or
   * null with a `noiseShape`: `Sequential` hands them to a fused linear op, which then applies
   * the same dropout, mask included. @internal
   */
  opOptions(): OpDropoutOptions | null {
    if (this.noiseShape) return null;
    return { p: this.p, training: this.active, generator: this.generator(), scaling: this.scaling };
  }
}

/** Spatial dropout of one rank: one mask value per (sample, channel), shared over the spatial axes. */
abstract class SpatialDropout extends DropoutLayer {
  /** Drop probability in [0, 1). */
  readonly p: number;
  readonly #rank: number;
  readonly #layout: string;

  protected constructor(
    name: string,
    p: number,
    options: DropoutLayerOptions,
    rank: number,
    layout: string,
  ) {
    super(name, options);
    this.p = checkP(name, p);
    this.#rank = rank;
    this.#layout = layout;
  }

  /** Drops whole channels when active. */
  forward(x: Tensor): Tensor {
    // Strict rank: PyTorch's Dropout2d silently switched behaviour on 3-D input (pytorch#69801).
    if (x.rank !== this.#rank) {
      throw new ShapeError(
        this.constructor.name,
        'x',
        `must have shape ${this.#layout} (rank ${this.#rank}), got [${x.shape.join(',')}]`,
      );
    }
    const noiseShape = x.shape.map((d, i) => (i < 2 ? d : 1));
    return sharedMaskDropout(x, {
      p: this.p,
      training: this.active,
      generator: this.generator(),
      noiseShape,
    });
  }
}

/**
 * 1-D spatial dropout (Tompson et al. 2015, "Efficient Object Localization Using Convolutional
 * Networks"): zeroes whole channels of [N, C, L] input, `y[n,c,:] = x[n,c,:]·m[n,c]/(1-p)`.
 * Adjacent positions are correlated, so dropping them one by one barely regularises.
 *
 * @example
 * ```ts
 * import { Dropout1d } from '@lacuna/layers';
 * import { Generator, ones } from '@lacuna/tensor';
 * new Dropout1d(0.5, { generator: new Generator(0) }).forward(ones([2, 8, 16])).shape; // [2, 8, 16]
 * ```
 */
export class Dropout1d extends SpatialDropout {
  /** @param p - Probability of dropping a channel. */
  constructor(p: number, options: DropoutLayerOptions) {
    super('Dropout1d', p, options, 3, '[N, C, L]');
  }
}

/**
 * 2-D spatial dropout (Tompson et al. 2015): zeroes whole feature maps of [N, C, H, W] input,
 * `y[n,c,:,:] = x[n,c,:,:]·m[n,c]/(1-p)`.
 *
 * @example
 * ```ts
 * import { Dropout2d } from '@lacuna/layers';
 * import { Generator, ones } from '@lacuna/tensor';
 * new Dropout2d(0.2, { generator: new Generator(0) }).forward(ones([2, 8, 4, 4])).shape; // [2, 8, 4, 4]
 * ```
 */
export class Dropout2d extends SpatialDropout {
  /** @param p - Probability of dropping a channel. */
  constructor(p: number, options: DropoutLayerOptions) {
    super('Dropout2d', p, options, 4, '[N, C, H, W]');
  }
}

/**
 * 3-D spatial dropout: zeroes whole volumes of [N, C, D, H, W] input, one mask value per
 * (sample, channel).
 *
 * @example
 * ```ts
 * import { Dropout3d } from '@lacuna/layers';
 * import { Generator, ones } from '@lacuna/tensor';
 * new Dropout3d(0.2, { generator: new Generator(0) }).forward(ones([1, 4, 2, 3, 3])).shape; // [1, 4, 2, 3, 3]
 * ```
 */
export class Dropout3d extends SpatialDropout {
  /** @param p - Probability of dropping a channel. */
  constructor(p: number, options: DropoutLayerOptions) {
    super('Dropout3d', p, options, 5, '[N, C, D, H, W]');
  }
}
