import { LacunaError, type Tensor } from '@lacuna/tensor';
import { Module } from '../module.js';

/**
 * A chain of modules applied in order; children are named `'0'`, `'1'`, … like PyTorch's.
 *
 * @example
 * ```ts
 * import { Dropout, Linear, ReLU, Sequential } from '@lacuna/layers';
 * import { Generator, ones } from '@lacuna/tensor';
 * const g = new Generator(0);
 * const mlp = new Sequential(
 *   new Linear(2, 16, { generator: g }), new ReLU(), new Dropout(0.5, { generator: g }),
 *   new Linear(16, 2, { generator: g }),
 * );
 * mlp.forward(ones([8, 2])).shape; // [8, 2]
 * ```
 */
export class Sequential extends Module {
  /** The modules, in order. */
  readonly layers: readonly Module[];

  /** @param layers - Modules applied first to last. */
  constructor(...layers: Module[]) {
    super();
    layers.forEach((layer, i) => {
      if (!(layer instanceof Module)) {
        throw new LacunaError(
          'Sequential',
          `layers[${i}]`,
          `must be a Module, got ${typeof layer}`,
        );
      }
      this.registerModule(String(i), layer);
    });
    this.layers = layers;
  }

  /** Feeds `x` through every layer in turn. */
  forward(x: Tensor): Tensor {
    return this.layers.reduce((h, layer) => layer.forward(h), x);
  }
}
