import { ArgumentRangeError, checkOptionKeys } from '@lacuna/tensor';
import type { BaseOptions, Optimizer } from '../optimizer.js';
import { inUnit } from './option-checks.js';
import { Schedule } from './schedule.js';

/**
 * Multi-step decay: multiply by γ at each milestone, `η_t = η₀ · γ^(number of milestones ≤ t)`.
 *
 * @example
 * ```ts
 * import { MultiStepLR, SGD } from '@lacuna/optim';
 * import { tensor } from '@lacuna/tensor';
 * const w = tensor([1]);
 * w.requiresGrad = true;
 * new MultiStepLR(new SGD([w], { lr: 1 }), { milestones: [30, 80], gamma: 0.1 });
 * ```
 */
export class MultiStepLR extends Schedule {
  readonly #milestones: number[];
  readonly #gamma: number;

  /** @param options - Increasing `milestones` and `gamma` (default 0.1). */
  constructor(
    optimizer: Optimizer<BaseOptions>,
    options: { milestones: number[]; gamma?: number },
  ) {
    checkOptionKeys('MultiStepLR', options, ['milestones', 'gamma']);
    const milestones = [...(options?.milestones ?? [])];
    if (
      !milestones.every(
        (m, i) => Number.isInteger(m) && m > 0 && (i === 0 || m > milestones[i - 1]!),
      )
    ) {
      throw new ArgumentRangeError(
        'MultiStepLR',
        'milestones',
        `must be increasing positive integers, got ${JSON.stringify(options?.milestones)}`,
      );
    }
    const gamma = inUnit('MultiStepLR', 'gamma', options.gamma ?? 0.1);
    super(optimizer, 'lr');
    this.#milestones = milestones;
    this.#gamma = gamma;
    this.apply();
  }

  valueAt(t: number, base: number): number {
    return base * this.#gamma ** this.#milestones.filter((m) => m <= t).length;
  }
}
