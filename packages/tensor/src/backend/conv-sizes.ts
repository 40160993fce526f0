import type { Conv2dGeometry, Conv2dParams } from './backend.js';

/** The sizes every convolution kernel derives from its parameters. @internal */
export interface ConvSizes {
  /** The per-group geometry. */
  g: Conv2dGeometry;
  /** Output positions per image: outH · outW. */
  plane: number;
  /** Rows of the unfolded matrix, channels · kH · kW (one group). */
  ck: number;
  /** Output channels per group. */
  og: number;
  /** Floats of one group's input image: channels · inH · inW. */
  image: number;
}

/** Sizes of a grouped convolution, shared by the reference and wasm kernels. @internal */
export function convSizes(p: Conv2dParams): ConvSizes {
  const g = p.geometry;
  return {
    g,
    plane: g.outH * g.outW,
    ck: g.channels * g.kH * g.kW,
    og: p.outChannels / p.groups,
    image: g.channels * g.inH * g.inW,
  };
}
