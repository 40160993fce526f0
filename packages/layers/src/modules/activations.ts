import { relu, sigmoid, type Tensor, tanh } from '@lacuna/tensor';
import { Module } from '../module.js';

/**
 * `max(x, 0)` as a module, for {@link Sequential}.
 *
 * @example
 * ```ts
 * import { ReLU } from '@lacuna/layers';
 * import { tensor } from '@lacuna/tensor';
 * new ReLU().forward(tensor([-1, 2])).toArray(); // [0, 2]
 * ```
 */
export class ReLU extends Module {
  /** Applies relu elementwise. */
  forward(x: Tensor): Tensor {
    return relu(x);
  }
}

/**
 * Logistic sigmoid as a module.
 *
 * @example
 * ```ts
 * import { Sigmoid } from '@lacuna/layers';
 * import { tensor } from '@lacuna/tensor';
 * new Sigmoid().forward(tensor([0])).toArray(); // [0.5]
 * ```
 */
export class Sigmoid extends Module {
  /** Applies sigmoid elementwise. */
  forward(x: Tensor): Tensor {
    return sigmoid(x);
  }
}

/**
 * Hyperbolic tangent as a module.
 *
 * @example
 * ```ts
 * import { Tanh } from '@lacuna/layers';
 * import { tensor } from '@lacuna/tensor';
 * new Tanh().forward(tensor([0])).toArray(); // [0]
 * ```
 */
export class Tanh extends Module {
  /** Applies tanh elementwise. */
  forward(x: Tensor): Tensor {
    return tanh(x);
  }
}
