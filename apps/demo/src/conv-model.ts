import {
  Conv2d,
  Dropout,
  Dropout2d,
  Flatten,
  Linear,
  MaxPool2d,
  type Module,
  ReLU,
  Sequential,
} from '@lacuna/layers';
import type { Generator } from '@lacuna/tensor';

/** A small convolutional network: conv blocks, then dense layers, each with optional dropout. */
export interface ConvSpec {
  /** Input images [C, H, W] (H = W, divisible by 2 per block). */
  channels: number;
  side: number;
  /** Output channels of each conv block (3×3 conv, padding 1, ReLU, 2×2 max-pool). */
  blocks: number[];
  /** Widths of the dense hidden layers (ReLU). */
  dense: number[];
  classes: number;
  /** Drop probability after each dense hidden layer (element-wise Dropout). */
  denseP: number;
  /** Drop probability after each conv block, and which kind: whole channels or elements. */
  convP: number;
  convDrop: 'none' | 'dropout' | 'dropout2d';
}

/**
 * Builds the network. The dropout layers draw their masks from a generator forked first, so the
 * weights come from the same stream whatever the dropout: at one seed every configuration starts
 * from the same initial weights, and the dropout is the only difference.
 */
export function buildConvNet(spec: ConvSpec, g: Generator): Module {
  const masks = g.fork();
  const layers: Module[] = [];
  let channels = spec.channels;
  let side = spec.side;
  for (const out of spec.blocks) {
    layers.push(new Conv2d(channels, out, 3, { generator: g, padding: 1 }), new ReLU());
    layers.push(new MaxPool2d(2));
    if (spec.convP > 0 && spec.convDrop === 'dropout2d')
      layers.push(new Dropout2d(spec.convP, { generator: masks.fork() }));
    if (spec.convP > 0 && spec.convDrop === 'dropout')
      layers.push(new Dropout(spec.convP, { generator: masks.fork() }));
    channels = out;
    side = Math.floor(side / 2);
  }
  layers.push(new Flatten());
  let width = channels * side * side;
  for (const h of spec.dense) {
    layers.push(new Linear(width, h, { generator: g }), new ReLU());
    if (spec.denseP > 0) layers.push(new Dropout(spec.denseP, { generator: masks.fork() }));
    width = h;
  }
  layers.push(new Linear(width, spec.classes, { generator: g }));
  return new Sequential(...layers);
}

/** The network as text: '1×28×28 → conv 8 → conv 16 → 256 → 256 → 10'. */
export function describeConvNet(spec: ConvSpec): string {
  return [
    `${spec.channels}×${spec.side}×${spec.side}`,
    ...spec.blocks.map((c) => `conv ${c}`),
    ...spec.dense,
    spec.classes,
  ].join(' → ');
}
