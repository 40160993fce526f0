import { ArgumentRangeError, bernoulli, maskedAffine, ShapeError, Tensor } from '@lacuna/tensor';
import { checkP, DropoutLayer, type DropoutLayerOptions } from './base.js';

/**
 * DropBlock (Ghiasi et al. 2018, "DropBlock: A regularization method for convolutional
 * networks"): drops contiguous blockSize×blockSize squares of each feature map, so a conv net
 * cannot recover dropped activations from their neighbours.
 *
 * Block corners are sampled with rate `γ = p/bs² · HW/((H-bs+1)(W-bs+1))` over the positions
 * where a block fits, every element of a sampled block is zeroed, and the survivors are scaled by
 * `count / count_kept`. Identity at inference.
 *
 * Shapes: [N, C, H, W] with H, W ≥ blockSize.
 *
 * @example
 * ```ts
 * import { DropBlock2d } from '@lacuna/layers';
 * import { Generator, ones } from '@lacuna/tensor';
 * new DropBlock2d(0.1, 3, { generator: new Generator(0) }).forward(ones([2, 4, 16, 16]));
 * ```
 */
export class DropBlock2d extends DropoutLayer {
  /** Target fraction of dropped activations. */
  readonly p: number;
  /** Side of each dropped square. */
  readonly blockSize: number;

  /**
   * @param p - Target drop fraction in [0, 1).
   * @param blockSize - Side of the dropped squares (≥ 1; 1 is ordinary dropout).
   */
  constructor(p: number, blockSize: number, options: DropoutLayerOptions) {
    super('DropBlock2d', options);
    this.p = checkP('DropBlock2d', p);
    if (!Number.isInteger(blockSize) || blockSize < 1) {
      throw new ArgumentRangeError(
        'DropBlock2d',
        'blockSize',
        `must be a positive integer, got ${blockSize}`,
      );
    }
    this.blockSize = blockSize;
  }

  /** Drops blocks when active. */
  forward(x: Tensor): Tensor {
    if (x.rank !== 4)
      throw new ShapeError(
        'DropBlock2d',
        'x',
        `must have shape [N, C, H, W], got [${x.shape.join(',')}]`,
      );
    const [n, c, h, w] = x.shape as unknown as [number, number, number, number];
    const bs = this.blockSize;
    if (h < bs || w < bs) {
      throw new ShapeError(
        'DropBlock2d',
        'x',
        `has feature maps ${h}×${w}, smaller than blockSize ${bs}`,
      );
    }
    if (!this.active || this.p === 0) return x;
    const gamma = ((this.p / (bs * bs)) * (h * w)) / ((h - bs + 1) * (w - bs + 1));
    const seeds = bernoulli([n * c, h - bs + 1, w - bs + 1], {
      p: Math.min(gamma, 1),
      generator: this.generator(),
      dtype: 'bool',
    }).storage;
    const keep = new Uint8Array(n * c * h * w).fill(1);
    const sh = h - bs + 1;
    const sw = w - bs + 1;
    for (let m = 0; m < n * c; m++) {
      for (let i = 0; i < sh; i++) {
        for (let j = 0; j < sw; j++) {
          if (!seeds[(m * sh + i) * sw + j]) continue;
          for (let di = 0; di < bs; di++)
            keep.fill(0, (m * h + i + di) * w + j, (m * h + i + di) * w + j + bs);
        }
      }
    }
    let kept = 0;
    for (let i = 0; i < keep.length; i++) kept += keep[i]!;
    // Everything dropped: zeros (scale 0), not a division by zero.
    const scale = kept === 0 ? 0 : keep.length / kept;
    return maskedAffine(x, new Tensor(keep, x.shape, 'bool'), { scale });
  }
}
