import {
  ArgumentRangeError,
  conv2d,
  type Generator,
  optionBoolean,
  optionKeys,
  type Pair,
  type Tensor,
  uniform,
} from '@lacuna/tensor';
import { Module } from '../module.js';
import { checkLayerOptions, checkPair, positiveInteger, requireGenerator } from '../validate.js';

/** Options of {@link Conv2d}. */
export interface Conv2dLayerOptions {
  /** Draws the initial weights (and bias). */
  generator: Generator;
  /** Step between windows (default 1). */
  stride?: Pair;
  /** Zero padding on each side (default 0). */
  padding?: Pair;
  /** Spacing between window taps (default 1). */
  dilation?: Pair;
  /** Channel groups (default 1). */
  groups?: number;
  /** Add a learned bias (default true). */
  bias?: boolean;
}

const CONV2D_LAYER_KEYS = optionKeys<Conv2dLayerOptions>({
  generator: true,
  stride: true,
  padding: true,
  dilation: true,
  groups: true,
  bias: true,
});

/**
 * 2-D convolution layer over NCHW input (see `conv2d` in @lacuna/tensor for the formula).
 *
 * Shapes: x [N, inChannels, H, W] → y [N, outChannels, outH, outW]; weight
 * [outChannels, inChannels/groups, kH, kW]. Initialised like PyTorch: W, b ~ U(-1/√fanIn, 1/√fanIn),
 * fanIn = inChannels/groups · kH · kW.
 *
 * @example
 * ```ts
 * import { Conv2d } from '@lacuna/layers';
 * import { Generator, ones } from '@lacuna/tensor';
 * const conv = new Conv2d(1, 8, 3, { generator: new Generator(0), padding: 1 });
 * conv.forward(ones([2, 1, 28, 28])).shape; // [2, 8, 28, 28]
 * ```
 */
export class Conv2d extends Module {
  /** Kernel, [outChannels, inChannels/groups, kH, kW]. */
  readonly weight: Tensor;
  /** Bias, [outChannels], or null. */
  readonly bias: Tensor | null;
  readonly #options: Conv2dLayerOptions;

  /**
   * @param inChannels - Input channels.
   * @param outChannels - Output channels.
   * @param kernelSize - Window size.
   * @param options - `generator`, `stride`, `padding`, `dilation`, `groups`, `bias`.
   */
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: Pair,
    options: Conv2dLayerOptions,
  ) {
    super();
    checkLayerOptions('Conv2d', options, CONV2D_LAYER_KEYS, true);
    const generator = requireGenerator('Conv2d', options.generator);
    positiveInteger('Conv2d', 'inChannels', inChannels);
    positiveInteger('Conv2d', 'outChannels', outChannels);
    const kernel = checkPair('Conv2d', 'kernelSize', kernelSize, 1);
    const [kH, kW] = typeof kernel === 'number' ? [kernel, kernel] : kernel;
    const groups = options.groups ?? 1;
    if (!Number.isInteger(groups) || groups < 1 || inChannels % groups || outChannels % groups) {
      throw new ArgumentRangeError(
        'Conv2d',
        'groups',
        `must divide both ${inChannels} and ${outChannels}, got ${groups}`,
      );
    }
    const bound = 1 / Math.sqrt((inChannels / groups) * kH! * kW!);
    const init = (shape: number[]) => uniform(shape, { generator, low: -bound, high: bound });
    this.weight = this.registerParameter(
      'weight',
      init([outChannels, inChannels / groups, kH!, kW!]),
    );
    const bias = optionBoolean('Conv2d', 'bias', options.bias, true);
    this.bias = bias ? this.registerParameter('bias', init([outChannels])) : null;
    // Checked and copied now: a bad stride fails here, not at the first forward, and changing the
    // caller's object later cannot change the layer.
    this.#options = {
      generator,
      groups,
      ...(options.stride === undefined
        ? {}
        : { stride: checkPair('Conv2d', 'stride', options.stride, 1) }),
      ...(options.padding === undefined
        ? {}
        : { padding: checkPair('Conv2d', 'padding', options.padding, 0) }),
      ...(options.dilation === undefined
        ? {}
        : { dilation: checkPair('Conv2d', 'dilation', options.dilation, 1) }),
    };
  }

  /** Convolves x with the kernel and adds the bias. */
  forward(x: Tensor): Tensor {
    const { stride, padding, dilation, groups } = this.#options;
    return conv2d(x, this.weight, {
      bias: this.bias,
      ...(stride === undefined ? {} : { stride }),
      ...(padding === undefined ? {} : { padding }),
      ...(dilation === undefined ? {} : { dilation }),
      ...(groups === undefined ? {} : { groups }),
    });
  }
}
