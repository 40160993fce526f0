import { conv2d, type Generator, mul, optionKeys, type Pair, type Tensor } from '@lacuna/tensor';
import { type Conv2dGeometry, initConv2d } from '../modules/conv.js';
import { sampleAround } from './local-reparameterization.js';
import {
  SparseVariationalLayer,
  type SparseVariationalOptions,
} from './sparse-variational-base.js';

/** Options of {@link Conv2dSVD}: those of every sparse variational layer, and Conv2d's geometry. */
export interface Conv2dSVDOptions extends SparseVariationalOptions {
  /** Step between windows (default 1). */
  stride?: Pair;
  /** Zero padding on each side (default 0). */
  padding?: Pair;
  /** Spacing between window taps (default 1). */
  dilation?: Pair;
  /** Channel groups (default 1). */
  groups?: number;
}

const CONV2D_SVD_KEYS = optionKeys<Conv2dSVDOptions>({
  generator: true,
  datasetSize: true,
  threshold: true,
  initLogSigma2: true,
  bias: true,
  stride: true,
  padding: true,
  dilation: true,
  groups: true,
});

/**
 * The local reparameterisation over a convolution: `b = μ + sqrt(s² + 1e-8)·ε`,
 * μ = conv(x, θ) + bias, s² = conv(x², σ²) (σ² = exp(log σ²) per weight), ε ~ N(0, 1) from
 * `generator` (one key). @internal
 */
export function conv2dSvdSample(
  x: Tensor,
  theta: Tensor,
  sigma2: Tensor,
  bias: Tensor | null,
  geometry: Conv2dGeometry,
  generator: Generator,
): Tensor {
  const mean = conv2d(x, theta, { ...geometry, bias });
  return sampleAround(mean, conv2d(mul(x, x), sigma2, geometry), generator);
}

/**
 * A 2-D convolution with sparse variational dropout (Molchanov, Ashukha & Vetrov 2017): per-kernel-
 * weight θ and log σ², exactly as {@link LinearSVD} (log α, KL, pruning at log α > `threshold`,
 * `sparsity()`), with the local reparameterisation over the convolution: the output is sampled
 * from `N(conv(x, θ) + bias, conv(x², σ²))`, `b = μ + sqrt(s² + 1e-8)·ε`, ε ~ N(0, 1) per output
 * element (the paper's convolutional variant; a second convolution gives the variance).
 * Inference: `conv(x, θ with log α > threshold set to 0) + bias`.
 *
 * Shapes: x [N, inChannels, H, W] → y [N, outChannels, outH, outW]; θ and log σ²
 * [outChannels, inChannels/groups, kH, kW]. Geometry options and initialisation as `Conv2d`'s.
 *
 * @example
 * ```ts
 * import { Conv2dSVD } from '@lacuna/layers';
 * import { Generator, ones } from '@lacuna/tensor';
 * const conv = new Conv2dSVD(1, 8, 3, { generator: new Generator(0), datasetSize: 60000, padding: 1 });
 * conv.forward(ones([2, 1, 28, 28])).shape; // [2, 8, 28, 28]
 * conv.lossTerm().item(); // Σ KL / 60000 over the 72 kernel weights
 * ```
 */
export class Conv2dSVD extends SparseVariationalLayer {
  readonly #geometry: Conv2dGeometry;

  /**
   * @param inChannels - Input channels.
   * @param outChannels - Output channels.
   * @param kernelSize - Window size.
   * @param options - `generator` (initialisation, then the noise), `datasetSize` (required),
   *   `threshold`, `initLogSigma2`, `bias`, `stride`, `padding`, `dilation`, `groups`.
   */
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: Pair,
    options: Conv2dSVDOptions,
  ) {
    let geometry: Conv2dGeometry = {};
    super('Conv2dSVD', options, CONV2D_SVD_KEYS, (bias) => {
      // Conv2d's checks and initialisation; the geometry comes back checked and copied.
      const init = initConv2d('Conv2dSVD', inChannels, outChannels, kernelSize, {
        ...options,
        bias,
      });
      geometry = init.geometry;
      return init;
    });
    this.#geometry = geometry;
  }

  /** Sampled outputs when active (training or MC dropout), the pruned mean otherwise. */
  forward(x: Tensor): Tensor {
    const geometry = this.#geometry;
    if (!this.active) return conv2d(x, this.prunedWeight(), { ...geometry, bias: this.bias });
    const sigma2 = this.sigma2ForSample();
    return conv2dSvdSample(x, this.weight, sigma2, this.bias, geometry, this.generator());
  }
}
