import { checkOptionKeys } from '@lacuna/tensor';
import type { BaseOptions, Optimizer } from '../optimizer.js';
import { inUnit, positiveInt } from './option-checks.js';
import { Schedule } from './schedule.js';

/**
 * Linear warm-up: `η_t = η₀ · (s + (1 - s)·min(t, T)/T)`, from `startFactor`·η₀ to η₀ over T steps.
 *
 * @example
 * ```ts
 * import { LinearWarmup, SGD } from '@lacuna/optim';
 * import { tensor } from '@lacuna/tensor';
 * const w = tensor([1]);
 * w.requiresGrad = true;
 * new LinearWarmup(new SGD([w], { lr: 0.1 }), { warmupSteps: 500, startFactor: 0.01 });
 * ```
 */
export class LinearWarmup extends Schedule {
  readonly #steps: number;
  readonly #start: number;

  /** @param options - `warmupSteps` T and `startFactor` s in [0, 1] (default 0). */
  constructor(
    optimizer: Optimizer<BaseOptions>,
    options: { warmupSteps: number; startFactor?: number },
  ) {
    checkOptionKeys('LinearWarmup', options, ['warmupSteps', 'startFactor']);
    const steps = positiveInt('LinearWarmup', 'warmupSteps', options?.warmupSteps);
    const start = inUnit('LinearWarmup', 'startFactor', options.startFactor ?? 0);
    super(optimizer, 'lr');
    this.#steps = steps;
    this.#start = start;
    this.apply();
  }

  valueAt(t: number, base: number): number {
    return base * (this.#start + ((1 - this.#start) * Math.min(t, this.#steps)) / this.#steps);
  }
}
