import { LacunaError, type LinearOptions, type Tensor } from '@lacuna/tensor';
import { Dropout } from '../dropout/dropout.js';
import { Module } from '../module.js';
import { ReLU } from './activations.js';
import { Linear, linearForward } from './linear.js';

/** Whether `layer` is a `type` whose forward is the library's own (not replaced or overridden). */
function plain<T extends Module>(
  layer: Module | undefined,
  type: abstract new (...args: never[]) => T,
): layer is T {
  return layer instanceof type && layer.forward === type.prototype.forward;
}

/**
 * The layers from `i` that one fused linear op computes: a plain Linear, then a plain ReLU, a
 * plain Dropout (without noiseShape), or both in that order; null when nothing follows it.
 */
function fusedRun(
  layers: readonly Module[],
  i: number,
): { linear: Linear; options: LinearOptions; count: number } | null {
  const linear = layers[i];
  if (!plain(linear, Linear)) return null;
  let count = 1;
  const options: LinearOptions = {};
  if (plain(layers[i + count], ReLU)) {
    options.activation = 'relu';
    count++;
  }
  const drop = layers[i + count];
  if (plain(drop, Dropout)) {
    const dropout = drop.opOptions();
    if (dropout) {
      options.dropout = dropout;
      count++;
    }
  }
  return count > 1 ? { linear, options, count } : null;
}

/**
 * A chain of modules applied in order; children are named `'0'`, `'1'`, … like PyTorch's.
 *
 * A {@link Linear} directly followed by a {@link ReLU}, a {@link Dropout} (without `noiseShape`)
 * or both runs as one fused `linear` op with that activation and dropout: one pass over the
 * output instead of one per layer, the same values, dropout masks and gradients. A subclass, or
 * an instance whose `forward` was replaced, runs on its own as usual.
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

  /** Feeds `x` through every layer in turn (Linear, ReLU and Dropout as one fused op). */
  forward(x: Tensor): Tensor {
    let h = x;
    for (let i = 0; i < this.layers.length; ) {
      const run = fusedRun(this.layers, i);
      if (run) {
        h = linearForward('Linear.forward', h, run.linear.weight, run.linear.bias, run.options);
        i += run.count;
      } else {
        h = this.layers[i++]!.forward(h);
      }
    }
    return h;
  }
}
