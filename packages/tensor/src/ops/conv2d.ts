import type { Conv2dGeometry } from '../backend/backend.js';
import { getBackend } from '../backend/registry.js';
import { ArgumentRangeError, fmtShape, ShapeError } from '../errors.js';
import { checkOptionKeys, optionKeys } from '../options.js';
import { record } from '../record.js';
import { checkElementCount } from '../shape.js';
import { allocateUnfilled } from '../storage.js';
import { Tensor } from '../tensor.js';
import { checkNCHW, geometry, type Pair, pair } from './conv-geometry.js';
import { checkFloat } from './util.js';

/** Options of {@link conv2d}. */
export interface Conv2dOptions {
  /** Learned per-output-channel bias, [outChannels]. */
  bias?: Tensor | null;
  /** Step between windows (default 1). */
  stride?: Pair;
  /** Zeros added on each side (default 0). */
  padding?: Pair;
  /** Spacing between window taps (default 1). */
  dilation?: Pair;
  /** Channel groups: input and output channels split into `groups` independent convolutions (default 1). */
  groups?: number;
}

/** Resolved convolution settings, as saved for the gradient rule. */
export interface Conv2dConfig {
  /** Per-group geometry (channels = input channels per group). */
  readonly geometry: Conv2dGeometry;
  /** Number of groups. */
  readonly groups: number;
  /** Output channels. */
  readonly outChannels: number;
}

/** What conv2d records for its gradient (its input, weight and bias are the node's inputs). */
export interface Conv2dSaved {
  /** The resolved settings. */
  readonly config: Conv2dConfig;
}

const CONV2D_KEYS = optionKeys<Conv2dOptions>({
  bias: true,
  stride: true,
  padding: true,
  dilation: true,
  groups: true,
});

function configure(x: Tensor, weight: Tensor, options: Conv2dOptions): Conv2dConfig {
  checkOptionKeys('conv2d', options, CONV2D_KEYS);
  const xs = checkNCHW('conv2d', 'x', checkFloat('conv2d', 'x', x));
  checkFloat('conv2d', 'weight', weight);
  if (weight.rank !== 4) {
    throw new ShapeError(
      'conv2d',
      'weight',
      `must have shape [outChannels, inChannels/groups, kH, kW], got ${fmtShape(weight.shape)}`,
    );
  }
  const groups = options.groups ?? 1;
  const [outChannels, perGroup, kH, kW] = weight.shape as unknown as [
    number,
    number,
    number,
    number,
  ];
  if (
    !Number.isInteger(groups) ||
    groups < 1 ||
    xs[1] % groups !== 0 ||
    outChannels % groups !== 0
  ) {
    throw new ArgumentRangeError(
      'conv2d',
      'groups',
      `must be a positive integer dividing both ${xs[1]} input and ${outChannels} output channels, got ${groups}`,
    );
  }
  if (perGroup !== xs[1] / groups) {
    throw new ShapeError(
      'conv2d',
      'weight',
      `has ${perGroup} input channels per group, expected ${xs[1] / groups} (x has ${xs[1]} channels in ${groups} group(s))`,
    );
  }
  const g = geometry(
    'conv2d',
    xs,
    perGroup,
    [kH, kW],
    pair('conv2d', 'stride', options.stride ?? 1, 1),
    pair('conv2d', 'padding', options.padding ?? 0, 0),
    pair('conv2d', 'dilation', options.dilation ?? 1, 1),
  );
  return { geometry: g, groups, outChannels };
}

/**
 * 2-D convolution (cross-correlation, as in every deep-learning library) over NCHW input.
 *
 * `out[n, o, y, x] = b[o] + Σ_{c, i, j} w[o, c, i, j] · in[n, g·C/G + c, y·sh - ph + i·dh, x·sw - pw + j·dw]`
 * where g is the group of output channel o. Computed per image and group as im2col then one
 * matrix product.
 *
 * @param x - float32 [N, C, H, W].
 * @param weight - float32 [O, C/groups, kH, kW].
 * @param options - `bias` [O], `stride`, `padding`, `dilation`, `groups`.
 * @returns float32 [N, O, outH, outW], outH = ⌊(H + 2ph - dh(kH-1) - 1)/sh⌋ + 1.
 * @example
 * ```ts
 * import { conv2d, ones } from '@lacuna/tensor';
 * conv2d(ones([1, 1, 4, 4]), ones([2, 1, 3, 3]), { padding: 1 }).shape; // [1, 2, 4, 4]
 * ```
 */
export function conv2d(x: Tensor, weight: Tensor, options: Conv2dOptions = {}): Tensor {
  const config = configure(x, weight, options);
  const { geometry: g, outChannels } = config;
  const bias = options.bias ?? null;
  if (
    bias !== null &&
    (checkFloat('conv2d', 'bias', bias).rank !== 1 || bias.shape[0] !== outChannels)
  ) {
    throw new ShapeError(
      'conv2d',
      'bias',
      `must have shape [${outChannels}], got ${fmtShape(bias.shape)}`,
    );
  }
  const plane = g.outH * g.outW;
  checkElementCount('conv2d', 'padding', [g.batch, outChannels, g.outH, g.outW]);
  const out = allocateUnfilled('float32', g.batch * outChannels * plane);
  getBackend().conv2d(x.storage as Float32Array, weight.storage as Float32Array, config, out);
  if (bias) {
    const bs = bias.storage;
    for (let n = 0; n < g.batch; n++) {
      for (let c = 0; c < outChannels; c++) {
        const o = (n * outChannels + c) * plane;
        for (let i = 0; i < plane; i++) out[o + i]! += bs[c]!;
      }
    }
  }
  const result = new Tensor(out, [g.batch, outChannels, g.outH, g.outW], 'float32');
  return record('conv2d', bias ? [x, weight, bias] : [x, weight], result, { config });
}

/**
 * Gradient of {@link conv2d} with respect to its input: for each image and group,
 * `col2im(Wᵀ · dY)`.
 *
 * @param grad - float32 [N, O, outH, outW], the gradient of the output.
 * @param weight - The forward pass's weight.
 * @param config - The forward pass's resolved settings (saved on its autograd node).
 * @example
 * ```ts
 * import { conv2d, conv2dBackwardInput, ones } from '@lacuna/tensor';
 * const x = ones([1, 1, 4, 4]);
 * x.requiresGrad = true;
 * const w = ones([1, 1, 3, 3]);
 * const node = conv2d(x, w).gradNode;
 * if (node?.op === 'conv2d' && !node.released) {
 *   const dx = conv2dBackwardInput(ones([1, 1, 2, 2]), w, node.saved.config);
 * }
 * ```
 */
export function conv2dBackwardInput(grad: Tensor, weight: Tensor, config: Conv2dConfig): Tensor {
  const { geometry: g, groups } = config;
  const dx = allocateUnfilled('float32', g.batch * groups * g.channels * g.inH * g.inW);
  getBackend().conv2dBackwardInput(
    grad.storage as Float32Array,
    weight.storage as Float32Array,
    config,
    dx,
  );
  return new Tensor(dx, [g.batch, g.channels * groups, g.inH, g.inW], 'float32');
}

/**
 * Gradient of {@link conv2d} with respect to its weight: `Σ_n dY · im2col(x)ᵀ` per group.
 *
 * @param x - The forward pass's input.
 * @param grad - float32 [N, O, outH, outW], the gradient of the output.
 * @param config - The forward pass's resolved settings.
 * @example
 * ```ts
 * import { conv2d, conv2dBackwardWeight, ones } from '@lacuna/tensor';
 * const x = ones([1, 1, 4, 4]);
 * const w = ones([1, 1, 3, 3]);
 * w.requiresGrad = true;
 * const node = conv2d(x, w).gradNode;
 * if (node?.op === 'conv2d' && !node.released) {
 *   const dw = conv2dBackwardWeight(x, ones([1, 1, 2, 2]), node.saved.config); // every entry 4
 * }
 * ```
 */
export function conv2dBackwardWeight(x: Tensor, grad: Tensor, config: Conv2dConfig): Tensor {
  const { geometry: g, outChannels } = config;
  const dw = allocateUnfilled('float32', outChannels * g.channels * g.kH * g.kW);
  getBackend().conv2dBackwardWeight(
    x.storage as Float32Array,
    grad.storage as Float32Array,
    config,
    dw,
  );
  return new Tensor(dw, [outChannels, g.channels, g.kH, g.kW], 'float32');
}
