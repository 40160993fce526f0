import {
  elu,
  gelu,
  leakyRelu,
  relu,
  selu,
  sigmoid,
  softmax,
  type Tensor,
  tanh,
} from '@lacuna/tensor';
import { Module } from '../module.js';
import { finiteNumber, integer } from '../validate.js';

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
 * Leaky ReLU as a module: `x` for x > 0, `α·x` otherwise.
 *
 * @example
 * ```ts
 * import { LeakyReLU } from '@lacuna/layers';
 * import { tensor } from '@lacuna/tensor';
 * new LeakyReLU(0.1).forward(tensor([-10, 2])).toArray(); // [-1, 2]
 * ```
 */
export class LeakyReLU extends Module {
  /** @param alpha - Negative slope (default 0.01). */
  constructor(readonly alpha = 0.01) {
    super();
    finiteNumber('LeakyReLU', 'alpha', alpha);
  }

  /** Applies leaky relu elementwise. */
  forward(x: Tensor): Tensor {
    return leakyRelu(x, this.alpha);
  }
}

/**
 * ELU as a module: `x` for x > 0, `α(eˣ - 1)` otherwise.
 *
 * @example
 * ```ts
 * import { ELU } from '@lacuna/layers';
 * import { tensor } from '@lacuna/tensor';
 * new ELU().forward(tensor([-100, 1])).toArray(); // [-1, 1]
 * ```
 */
export class ELU extends Module {
  /** @param alpha - Saturation for negative inputs (default 1). */
  constructor(readonly alpha = 1) {
    super();
    finiteNumber('ELU', 'alpha', alpha);
  }

  /** Applies elu elementwise. */
  forward(x: Tensor): Tensor {
    return elu(x, this.alpha);
  }
}

/**
 * SELU as a module (pair with LeCun-normal initialisation and AlphaDropout).
 *
 * @example
 * ```ts
 * import { SELU } from '@lacuna/layers';
 * import { tensor } from '@lacuna/tensor';
 * new SELU().forward(tensor([1])).toArray(); // [1.0507…]
 * ```
 */
export class SELU extends Module {
  /** Applies selu elementwise. */
  forward(x: Tensor): Tensor {
    return selu(x);
  }
}

/**
 * GELU (exact, x·Φ(x)) as a module.
 *
 * @example
 * ```ts
 * import { GELU } from '@lacuna/layers';
 * import { tensor } from '@lacuna/tensor';
 * new GELU().forward(tensor([1])).toArray(); // [0.8413…]
 * ```
 */
export class GELU extends Module {
  /** Applies gelu elementwise. */
  forward(x: Tensor): Tensor {
    return gelu(x);
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

/**
 * Softmax along an axis as a module (for probabilities; train on logits with crossEntropy).
 *
 * @example
 * ```ts
 * import { Softmax } from '@lacuna/layers';
 * import { tensor } from '@lacuna/tensor';
 * new Softmax().forward(tensor([[0, 0]])).toArray(); // [[0.5, 0.5]]
 * ```
 */
export class Softmax extends Module {
  /** @param axis - The class axis (default last). */
  constructor(readonly axis = -1) {
    super();
    integer('Softmax', 'axis', axis);
  }

  /** Applies softmax along the axis. */
  forward(x: Tensor): Tensor {
    return softmax(x, this.axis);
  }
}
