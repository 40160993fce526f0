import { optionEnum, optionKeys, ShapeError, type Tensor } from '@lacuna/tensor';
import { checkP, DropoutLayer, type DropoutLayerOptions } from './base.js';
import { sharedMaskDropout } from './noise-shape.js';

/** Options of {@link DropPath}. */
export interface DropPathOptions extends DropoutLayerOptions {
  /** `'row'` (default): each sample's branch is dropped independently; `'batch'`: one decision for the whole batch. */
  mode?: 'row' | 'batch';
}

/**
 * DropPath / stochastic depth (Huang et al. 2016, "Deep Networks with Stochastic Depth"): drops a
 * residual branch's whole output, per sample (or per batch), and scales survivors by 1/(1-p):
 * `y[n] = x[n]·m[n]/(1-p)`. Place it on the branch of a {@link Residual} block, so that a dropped
 * branch leaves the identity path.
 *
 * Shapes: [N, ...]; output has the input's shape.
 *
 * @example
 * ```ts
 * import { DropPath, Linear, Residual } from '@lacuna/layers';
 * import { Generator, ones } from '@lacuna/tensor';
 * const g = new Generator(0);
 * const block = new Residual(new Linear(8, 8, { generator: g }), { dropPath: new DropPath(0.1, { generator: g.fork() }) });
 * block.forward(ones([4, 8])).shape; // [4, 8]
 * ```
 */
export class DropPath extends DropoutLayer {
  /** Probability of dropping the branch. */
  readonly p: number;
  /** Per-sample or per-batch decisions. */
  readonly mode: 'row' | 'batch';

  /** @param p - Drop probability in [0, 1). */
  constructor(p: number, options: DropPathOptions) {
    super('DropPath', options, optionKeys<DropPathOptions>({ generator: true, mode: true }));
    this.p = checkP('DropPath', p);
    this.mode = optionEnum('DropPath', 'mode', options.mode, ['row', 'batch'], 'row');
  }

  /** Drops whole samples (or the whole batch) when active. */
  forward(x: Tensor): Tensor {
    if (x.rank < 1) throw new ShapeError('DropPath', 'x', 'must have a batch axis, got a scalar');
    const noiseShape = x.shape.map((_, i) => (i === 0 && this.mode === 'row' ? null : 1));
    return sharedMaskDropout(x, {
      p: this.p,
      training: this.active,
      generator: this.generator(),
      noiseShape,
    });
  }
}
