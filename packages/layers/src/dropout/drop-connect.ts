import { dropout, optionBoolean, optionKeys, type Tensor } from '@lacuna/tensor';
import { initLinear, linearForward } from '../modules/linear.js';
import { checkP, DropoutLayer, type DropoutLayerOptions } from './base.js';

/** Options of {@link DropConnectLinear}. */
export interface DropConnectOptions extends DropoutLayerOptions {
  /** Add a learned bias (default true). The bias is not dropped. */
  bias?: boolean;
}

/**
 * A fully connected layer with DropConnect (Wan et al. 2013, "Regularization of Neural Networks
 * using DropConnect"): in training, each *weight* is dropped with probability p for the batch,
 * `y = x·(M⊙W)ᵀ/(1-p) + b`, M ~ Bernoulli(1-p) per weight; at inference the expected weights W are
 * used (the inverted-scaling counterpart of the paper's Gaussian moment matching).
 *
 * Shapes: x [N, inFeatures] → y [N, outFeatures]; W [outFeatures, inFeatures]. The generator
 * initialises W and b (like Linear) and then draws the masks.
 *
 * @example
 * ```ts
 * import { DropConnectLinear } from '@lacuna/layers';
 * import { Generator, ones } from '@lacuna/tensor';
 * const fc = new DropConnectLinear(16, 4, 0.5, { generator: new Generator(0) });
 * fc.forward(ones([8, 16])).shape; // [8, 4]
 * ```
 */
export class DropConnectLinear extends DropoutLayer {
  /** Probability of dropping each weight. */
  readonly p: number;
  /** Weight, [outFeatures, inFeatures]. */
  readonly weight: Tensor;
  /** Bias, [outFeatures], or null. */
  readonly bias: Tensor | null;
  /** Input size. */
  readonly inFeatures: number;

  /**
   * @param inFeatures - Input size.
   * @param outFeatures - Output size.
   * @param p - Probability of dropping each weight, in [0, 1).
   * @param options - `generator`, `bias`.
   */
  constructor(inFeatures: number, outFeatures: number, p: number, options: DropConnectOptions) {
    super(
      'DropConnectLinear',
      options,
      optionKeys<DropConnectOptions>({ generator: true, bias: true }),
    );
    this.p = checkP('DropConnectLinear', p);
    const init = initLinear(
      'DropConnectLinear',
      inFeatures,
      outFeatures,
      options.generator,
      optionBoolean('DropConnectLinear', 'bias', options.bias, true),
    );
    this.inFeatures = inFeatures;
    this.weight = this.registerParameter('weight', init.weight);
    this.bias = init.bias ? this.registerParameter('bias', init.bias) : null;
  }

  /** `x·(M⊙W)ᵀ/(1-p) + b` when active, `x·Wᵀ + b` otherwise. */
  forward(x: Tensor): Tensor {
    const w = dropout(this.weight, {
      p: this.p,
      training: this.active,
      generator: this.generator(),
    });
    return linearForward('DropConnectLinear.forward', x, w, this.bias);
  }
}
