import {
  ArgumentRangeError,
  type Conv2dOptions,
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

/** The convolution settings a conv layer passes to `conv2d` besides its bias. @internal */
export type Conv2dGeometry = Omit<Conv2dOptions, 'bias'>;

/**
 * Checks a conv layer's sizes and geometry options and draws its kernel
 * [outChannels, inChannels/groups, kH, kW] and bias [outChannels] ~ U(-1/√fanIn, 1/√fanIn),
 * fanIn = inChannels/groups · kH · kW (PyTorch's default). The geometry is checked and copied now:
 * a bad stride fails at construction, and later changes to the caller's object cannot reach the
 * layer. @internal
 */
export function initConv2d(
  op: string,
  inChannels: number,
  outChannels: number,
  kernelSize: Pair,
  options: Conv2dLayerOptions,
): { weight: Tensor; bias: Tensor | null; geometry: Conv2dGeometry } {
  const generator = requireGenerator(op, options.generator);
  positiveInteger(op, 'inChannels', inChannels);
  positiveInteger(op, 'outChannels', outChannels);
  const kernel = checkPair(op, 'kernelSize', kernelSize, 1);
  const [kH, kW] = typeof kernel === 'number' ? [kernel, kernel] : kernel;
  const groups = options.groups ?? 1;
  if (!Number.isInteger(groups) || groups < 1 || inChannels % groups || outChannels % groups) {
    throw new ArgumentRangeError(
      op,
      'groups',
      `must divide both ${inChannels} and ${outChannels}, got ${groups}`,
    );
  }
  const bound = 1 / Math.sqrt((inChannels / groups) * kH! * kW!);
  const init = (shape: number[]) => uniform(shape, { generator, low: -bound, high: bound });
  const weight = init([outChannels, inChannels / groups, kH!, kW!]);
  const bias = optionBoolean(op, 'bias', options.bias, true) ? init([outChannels]) : null;
  const geometry: Conv2dGeometry = {
    groups,
    ...(options.stride === undefined ? {} : { stride: checkPair(op, 'stride', options.stride, 1) }),
    ...(options.padding === undefined
      ? {}
      : { padding: checkPair(op, 'padding', options.padding, 0) }),
    ...(options.dilation === undefined
      ? {}
      : { dilation: checkPair(op, 'dilation', options.dilation, 1) }),
  };
  return { weight, bias, geometry };
}

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
  readonly #geometry: Conv2dGeometry;

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
    const init = initConv2d('Conv2d', inChannels, outChannels, kernelSize, options);
    this.weight = this.registerParameter('weight', init.weight);
    this.bias = init.bias ? this.registerParameter('bias', init.bias) : null;
    this.#geometry = init.geometry;
  }

  /** Convolves x with the kernel and adds the bias. */
  forward(x: Tensor): Tensor {
    return conv2d(x, this.weight, { bias: this.bias, ...this.#geometry });
  }
}
