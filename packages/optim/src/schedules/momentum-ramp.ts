import { checkOptionKeys, LacunaError } from '@lacuna/tensor';
import type { BaseOptions, Optimizer } from '../optimizer.js';
import { inUnit, positiveInt } from './option-checks.js';
import { Schedule } from './schedule.js';

/** Options of an optimizer with a momentum to ramp (SGD, RMSprop). */
export interface MomentumOptions extends BaseOptions {
  /** The momentum factor the ramp sets. */
  momentum?: number;
}

/**
 * A linear momentum ramp: from `start` to `end` over `steps` steps, then constant. Srivastava et
 * al. (2014) raise SGD's momentum from 0.5 to 0.99 while training with dropout. Schedules the
 * optimizer's `momentum` option (SGD, RMSprop).
 *
 * @example
 * ```ts
 * import { MomentumRamp, SGD } from '@lacuna/optim';
 * import { tensor } from '@lacuna/tensor';
 * const w = tensor([1]);
 * w.requiresGrad = true;
 * const opt = new SGD([w], { lr: 0.1, momentum: 0.5 });
 * new MomentumRamp(opt, { start: 0.5, end: 0.99, steps: 500 });
 * ```
 */
export class MomentumRamp extends Schedule<MomentumOptions> {
  readonly #start: number;
  readonly #end: number;
  readonly #steps: number;

  /** @param options - `start`, `end` in [0, 1) and `steps`. */
  constructor(
    optimizer: Optimizer<BaseOptions & { momentum?: number }>,
    options: { start: number; end: number; steps: number },
  ) {
    checkOptionKeys('MomentumRamp', options, ['start', 'end', 'steps']);
    const start = inUnit('MomentumRamp', 'start', options?.start, true);
    const end = inUnit('MomentumRamp', 'end', options.end, true);
    const steps = positiveInt('MomentumRamp', 'steps', options.steps);
    // Refuse an optimizer without momentum (Adam, Adagrad) before writing the key into its groups.
    if (!optimizer.optionKeys.includes('momentum'))
      throw new LacunaError(
        'MomentumRamp',
        'optimizer',
        `has no 'momentum' option to schedule (its options: ${optimizer.optionKeys.join(', ')})`,
      );
    for (const g of optimizer.paramGroups) g.options.momentum ??= start;
    super(optimizer, 'momentum');
    this.#start = start;
    this.#end = end;
    this.#steps = steps;
    this.apply();
  }

  valueAt(t: number): number {
    return this.#start + ((this.#end - this.#start) * Math.min(t, this.#steps)) / this.#steps;
  }
}
