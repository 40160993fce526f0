import { ShapeError, type Tensor } from '@lacuna/tensor';
import { checkP, DropoutLayer, type DropoutLayerOptions } from './base.js';
import { sharedMaskDropout } from './noise-shape.js';

/**
 * Locked (variational) dropout for sequences (Gal & Ghahramani 2016, "A Theoretically Grounded
 * Application of Dropout in Recurrent Neural Networks"; Merity et al. 2018): one mask per
 * sequence and feature, shared over every time step of [N, T, F] input,
 * `y[n,t,f] = x[n,t,f]·m[n,f]/(1-p)`.
 *
 * @example
 * ```ts
 * import { LockedDropout } from '@lacuna/layers';
 * import { Generator, ones } from '@lacuna/tensor';
 * new LockedDropout(0.3, { generator: new Generator(0) }).forward(ones([4, 10, 8])); // same mask at every t
 * ```
 */
export class LockedDropout extends DropoutLayer {
  /** Drop probability in [0, 1). */
  readonly p: number;

  /** @param p - Drop probability in [0, 1). */
  constructor(p: number, options: DropoutLayerOptions) {
    super('LockedDropout', options);
    this.p = checkP('LockedDropout', p);
  }

  /** Drops with one mask per (sequence, feature) when active. */
  forward(x: Tensor): Tensor {
    if (x.rank !== 3) {
      throw new ShapeError(
        'LockedDropout',
        'x',
        `must have shape [N, T, F] (batch first), got [${x.shape.join(',')}]`,
      );
    }
    return sharedMaskDropout(x, {
      p: this.p,
      training: this.active,
      generator: this.generator(),
      noiseShape: [null, 1, null],
    });
  }
}
