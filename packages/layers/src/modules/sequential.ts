import { LacunaError, type Tensor } from '@lacuna/tensor';
import { Module } from '../module.js';
import { ReLU } from './activations.js';
import { Linear, linearForward } from './linear.js';

/**
 * Whether `layer` then `next` are a Linear and a ReLU whose forward passes are the library's own
 * (not overridden in a subclass or on the instance): then one fused linear op with the relu
 * computes both, with the same bits.
 */
function fusesWithRelu(layer: Module, next: Module | undefined): layer is Linear {
  return (
    layer instanceof Linear &&
    layer.forward === Linear.prototype.forward &&
    next instanceof ReLU &&
    next.forward === ReLU.prototype.forward
  );
}

/**
 * A chain of modules applied in order; children are named `'0'`, `'1'`, … like PyTorch's.
 *
 * A {@link Linear} directly followed by a {@link ReLU} runs as one fused `linear` op with
 * activation `'relu'` (one pass over the output instead of two, the same values and gradients);
 * a subclass, or an instance whose `forward` was replaced, runs on its own as usual.
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

  /** Feeds `x` through every layer in turn (Linear then ReLU as one fused op). */
  forward(x: Tensor): Tensor {
    let h = x;
    for (let i = 0; i < this.layers.length; i++) {
      const layer = this.layers[i]!;
      if (fusesWithRelu(layer, this.layers[i + 1])) {
        h = linearForward('Linear.forward', h, layer.weight, layer.bias, 'relu');
        i++;
      } else {
        h = layer.forward(h);
      }
    }
    return h;
  }
}
