import { ArgumentRangeError, checkOptionKeys } from '@lacuna/tensor';
import type { BaseOptions, Optimizer } from '../optimizer.js';
import { positiveInt } from './option-checks.js';
import { Schedule } from './schedule.js';

/**
 * Cosine annealing (Loshchilov & Hutter 2017, without restarts):
 * `η_t = η_min + (η₀ - η_min)·(1 + cos(π·t/T))/2` for t ≤ T, then η_min.
 *
 * @example
 * ```ts
 * import { CosineAnnealingLR, SGD } from '@lacuna/optim';
 * import { tensor } from '@lacuna/tensor';
 * const w = tensor([1]);
 * w.requiresGrad = true;
 * new CosineAnnealingLR(new SGD([w], { lr: 0.1 }), { tMax: 100, etaMin: 0.001 });
 * ```
 */
export class CosineAnnealingLR extends Schedule {
  readonly #tMax: number;
  readonly #etaMin: number;

  /** @param options - `tMax` (steps to the minimum) and `etaMin` (default 0). */
  constructor(optimizer: Optimizer<BaseOptions>, options: { tMax: number; etaMin?: number }) {
    checkOptionKeys('CosineAnnealingLR', options, ['tMax', 'etaMin']);
    const tMax = positiveInt('CosineAnnealingLR', 'tMax', options?.tMax);
    const etaMin = options.etaMin ?? 0;
    if (!(etaMin >= 0) || !Number.isFinite(etaMin))
      throw new ArgumentRangeError(
        'CosineAnnealingLR',
        'etaMin',
        `must be a finite number ≥ 0, got ${etaMin}`,
      );
    super(optimizer, 'lr');
    this.#tMax = tMax;
    this.#etaMin = etaMin;
    this.apply();
  }

  valueAt(t: number, base: number): number {
    const k = Math.min(t, this.#tMax);
    return this.#etaMin + ((base - this.#etaMin) * (1 + Math.cos((Math.PI * k) / this.#tMax))) / 2;
  }
}
