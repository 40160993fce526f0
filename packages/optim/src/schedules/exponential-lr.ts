import { checkOptionKeys } from '@lacuna/tensor';
import type { BaseOptions, Optimizer } from '../optimizer.js';
import { inUnit } from './option-checks.js';
import { Schedule } from './schedule.js';

/**
 * Exponential decay: `η_t = η₀ · γ^t`.
 *
 * @example
 * ```ts
 * import { ExponentialLR, SGD } from '@lacuna/optim';
 * import { tensor } from '@lacuna/tensor';
 * const w = tensor([1]);
 * w.requiresGrad = true;
 * new ExponentialLR(new SGD([w], { lr: 1 }), { gamma: 0.95 });
 * ```
 */
export class ExponentialLR extends Schedule {
  readonly #gamma: number;

  /** @param options - `gamma` in [0, 1]. */
  constructor(optimizer: Optimizer<BaseOptions>, options: { gamma: number }) {
    checkOptionKeys('ExponentialLR', options, ['gamma']);
    const gamma = inUnit('ExponentialLR', 'gamma', options?.gamma);
    super(optimizer, 'lr');
    this.#gamma = gamma;
    this.apply();
  }

  valueAt(t: number, base: number): number {
    return base * this.#gamma ** t;
  }
}
