import { conv2d, optionKeys, type Pair, type Tensor } from '@lacuna/tensor';
import { type Conv2dGeometry, initConv2d } from '../modules/conv.js';
import { VariationalDropoutLayer, type VariationalDropoutOptions } from './variational.js';

/** Options of {@link VariationalConv2d}: the variational ones plus Conv2d's geometry. */
export interface VariationalConv2dOptions extends VariationalDropoutOptions {
  /** Step between windows (default 1). */
  stride?: Pair;
  /** Zero padding on each side (default 0). */
  padding?: Pair;
  /** Spacing between window taps (default 1). */
  dilation?: Pair;
  /** Channel groups (default 1). */
  groups?: number;
}

const VARIATIONAL_CONV2D_KEYS = optionKeys<VariationalConv2dOptions>({
  generator: true,
  datasetSize: true,
  alpha: true,
  initLogAlpha: true,
  bias: true,
  stride: true,
  padding: true,
  dilation: true,
  groups: true,
});

/**
 * A 2-D convolution with variational dropout (Kingma, Salimans & Welling 2015): Gaussian
 * multiplicative kernel noise `w = θ·ξ`, `ξ ~ N(1, α)`, α learned per layer, per output channel
 * (`'unit'`) or per kernel weight.
 *
 * Training (and MC dropout): every output element is sampled by the local reparameterisation,
 * `y = μ + σ·ε`, `μ = conv(x, θ) + b`, `σ² = conv(x², α⊙θ²)`, ε ~ N(0, 1) per element of y, fresh
 * every call (as if each output position drew its own kernel noise). Inference: `conv(x, θ) + b`.
 * {@link VariationalDropoutLayer.lossTerm} is the KL of eq. 7 summed over the kernel weights and
 * divided by `datasetSize`. See {@link VariationalDropoutLayer} for the α ≤ 1 rule.
 *
 * Shapes: x [N, inChannels, H, W] → y [N, outChannels, outH, outW]; θ
 * [outChannels, inChannels/groups, kH, kW]; `log_alpha` [1], [outChannels] or θ's shape.
 * Initialised like Conv2d; the generator then draws ε.
 *
 * @example
 * ```ts
 * import { VariationalConv2d } from '@lacuna/layers';
 * import { Generator, ones } from '@lacuna/tensor';
 * const conv = new VariationalConv2d(1, 8, 3, { generator: new Generator(0), datasetSize: 60000, padding: 1 });
 * conv.forward(ones([2, 1, 28, 28])).shape; // [2, 8, 28, 28], sampled
 * conv.eval().forward(ones([2, 1, 28, 28])); // conv(x, θ) + b
 * ```
 */
export class VariationalConv2d extends VariationalDropoutLayer {
  readonly #geometry: Conv2dGeometry;

  /**
   * @param inChannels - Input channels.
   * @param outChannels - Output channels.
   * @param kernelSize - Window size.
   * @param options - `generator`, `datasetSize` (required), `alpha`, `initLogAlpha`, `bias`,
   *   `stride`, `padding`, `dilation`, `groups`.
   */
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: Pair,
    options: VariationalConv2dOptions,
  ) {
    super('VariationalConv2d', options, VARIATIONAL_CONV2D_KEYS);
    const init = initConv2d('VariationalConv2d', inChannels, outChannels, kernelSize, options);
    this.registerWeights(init);
    this.#geometry = init.geometry;
  }

  /** `conv(x, θ) + b` with the layer's stride, padding, dilation and groups. */
  protected affine(x: Tensor, weight: Tensor, bias: Tensor | null): Tensor {
    return conv2d(x, weight, { bias, ...this.#geometry });
  }
}
