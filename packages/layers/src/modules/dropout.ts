import { type DropoutScaling, dropout, type Generator, type Tensor, zeros } from '@lacuna/tensor';
import { Module } from '../module.js';

/** Options of {@link Dropout}. */
export interface DropoutModuleOptions {
  /** The stream masks are drawn from; each forward pass in training draws a fresh mask. */
  generator: Generator;
  /** `'inverted'` (default) or `'classic'`; see `dropout` in @lacuna/tensor. */
  scaling?: DropoutScaling;
}

/**
 * Dropout layer (Srivastava et al., JMLR 2014): in training mode, zeroes each element with
 * probability `p` and scales the rest by 1/(1-p); in eval mode, the identity.
 *
 * `p` is the probability of dropping, as in PyTorch and Keras. The module holds its
 * configuration and mode; the math is the functional `dropout` of @lacuna/tensor.
 *
 * Shapes: any; output has the input's shape.
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
export class Dropout extends Module {
  /** Drop probability in [0, 1). */
  readonly p: number;
  /** How kept units are scaled. */
  readonly scaling: DropoutScaling;
  readonly #generator: Generator;

  /**
   * @param p - Drop probability in [0, 1).
   * @param options - `generator`, `scaling`.
   */
  constructor(p: number, options: DropoutModuleOptions) {
    super();
    this.p = p;
    this.scaling = options.scaling ?? 'inverted';
    this.#generator = options.generator;
    // Validate eagerly so a bad p fails where the model is built, not at the first batch.
    dropout(zeros([0]), {
      p,
      training: false,
      generator: options.generator,
      scaling: this.scaling,
    });
  }

  /** Applies dropout when `training`, else the identity (inverted) or `x·(1-p)` (classic). */
  forward(x: Tensor): Tensor {
    return dropout(x, {
      p: this.p,
      training: this.training,
      generator: this.#generator,
      scaling: this.scaling,
    });
  }
}
