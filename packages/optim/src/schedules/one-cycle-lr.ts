import { ArgumentRangeError, checkOptionKeys } from '@lacuna/tensor';
import type { BaseOptions, Optimizer } from '../optimizer.js';
import { inUnit, positiveInt } from './option-checks.js';
import { Schedule } from './schedule.js';

/**
 * One-cycle learning rate (Smith & Topin 2019), cosine form as in PyTorch's OneCycleLR: from
 * `maxLr/divFactor` up to `maxLr` over the first `pctStart` of `totalSteps`, then down to
 * `maxLr/(divFactor·finalDivFactor)`. The optimizer's own lr is ignored.
 *
 * @example
 * ```ts
 * import { OneCycleLR, SGD } from '@lacuna/optim';
 * import { tensor } from '@lacuna/tensor';
 * const w = tensor([1]);
 * w.requiresGrad = true;
 * new OneCycleLR(new SGD([w], { lr: 0.1 }), { maxLr: 0.5, totalSteps: 1000 });
 * ```
 */
export class OneCycleLR extends Schedule {
  readonly #max: number;
  readonly #total: number;
  readonly #up: number;
  readonly #initial: number;
  readonly #final: number;

  /** @param options - `maxLr`, `totalSteps`, `pctStart` (0.3), `divFactor` (25), `finalDivFactor` (1e4). */
  constructor(
    optimizer: Optimizer<BaseOptions>,
    options: {
      maxLr: number;
      totalSteps: number;
      pctStart?: number;
      divFactor?: number;
      finalDivFactor?: number;
    },
  ) {
    checkOptionKeys('OneCycleLR', options, [
      'maxLr',
      'totalSteps',
      'pctStart',
      'divFactor',
      'finalDivFactor',
    ]);
    const total = positiveInt('OneCycleLR', 'totalSteps', options?.totalSteps);
    const pct = inUnit('OneCycleLR', 'pctStart', options.pctStart ?? 0.3);
    const max = options.maxLr;
    if (!(max > 0) || !Number.isFinite(max))
      throw new ArgumentRangeError(
        'OneCycleLR',
        'maxLr',
        `must be a positive finite number, got ${max}`,
      );
    const div = options.divFactor ?? 25;
    const finalDiv = options.finalDivFactor ?? 1e4;
    if (!(div > 0) || !(finalDiv > 0))
      throw new ArgumentRangeError(
        'OneCycleLR',
        'divFactor',
        'and finalDivFactor must be positive',
      );
    super(optimizer, 'lr');
    this.#max = max;
    this.#total = total;
    // PyTorch ends the warm-up at the fractional step pctStart·totalSteps − 1, not rounded; the
    // floors here and in valueAt keep a phase shorter than one step from dividing by zero.
    this.#up = Math.max(pct * total - 1, Number.EPSILON);
    this.#initial = max / div;
    this.#final = this.#initial / finalDiv;
    this.apply();
  }

  valueAt(t: number): number {
    const cos = (from: number, to: number, frac: number) =>
      to + ((from - to) * (1 + Math.cos(Math.PI * Math.min(Math.max(frac, 0), 1)))) / 2;
    if (t <= this.#up) return cos(this.#initial, this.#max, t / this.#up);
    return cos(
      this.#max,
      this.#final,
      (t - this.#up) / Math.max(this.#total - 1 - this.#up, Number.EPSILON),
    );
  }
}
