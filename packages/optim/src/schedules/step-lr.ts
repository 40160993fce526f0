import { checkOptionKeys } from '@lacuna/tensor';
import type { BaseOptions, Optimizer } from '../optimizer.js';
import { inUnit, positiveInt } from './option-checks.js';
import { Schedule } from './schedule.js';

/**
 * Step decay: `η_t = η₀ · γ^⌊t / stepSize⌋`.
 *
 * @example
 * ```ts
 * import { SGD, StepLR } from '@lacuna/optim';
 * import { tensor } from '@lacuna/tensor';
 * const w = tensor([1]);
 * w.requiresGrad = true;
 * const opt = new SGD([w], { lr: 0.1 });
 * const schedule = new StepLR(opt, { stepSize: 10, gamma: 0.5 }); // lr halves every 10 steps
 * ```
 */
export class StepLR extends Schedule {
  readonly #stepSize: number;
  readonly #gamma: number;

  /** @param options - `stepSize` (steps per decay) and `gamma` (factor, default 0.1). */
  constructor(optimizer: Optimizer<BaseOptions>, options: { stepSize: number; gamma?: number }) {
    checkOptionKeys('StepLR', options, ['stepSize', 'gamma']);
    const stepSize = positiveInt('StepLR', 'stepSize', options?.stepSize);
    const gamma = inUnit('StepLR', 'gamma', options.gamma ?? 0.1);
    super(optimizer, 'lr');
    this.#stepSize = stepSize;
    this.#gamma = gamma;
    this.apply();
  }

  valueAt(t: number, base: number): number {
    return base * this.#gamma ** Math.floor(t / this.#stepSize);
  }
}
