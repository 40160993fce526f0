import {
  ArgumentRangeError,
  checkOptionKeys,
  describeValue,
  isPlainObject,
  LacunaError,
} from '@lacuna/tensor';
import type { BaseOptions, Optimizer } from './optimizer.js';

/** A JSON-friendly snapshot of a schedule: how many times it has stepped. */
export interface ScheduleState {
  /** Calls of `step()` so far. */
  t: number;
}

/**
 * Base class of the schedules: each sets one hyper-parameter of every parameter group as a
 * closed-form function of the step count `t` (0 before the first `step()`), so saving `t` is
 * enough to resume exactly. Call `step()` once per epoch or per batch, after `optimizer.step()`.
 */
export abstract class Schedule<H extends BaseOptions = BaseOptions> {
  #t = 0;
  /** Each group's value of the scheduled key when the schedule was created. */
  protected readonly base: number[];

  /**
   * @param optimizer - The optimizer whose groups are scheduled.
   * @param key - The option scheduled (e.g. 'lr', 'momentum').
   */
  protected constructor(
    protected readonly optimizer: Optimizer<H>,
    protected readonly key: keyof H & string,
  ) {
    this.base = optimizer.paramGroups.map((g) => {
      const v = g.options[key];
      if (typeof v !== 'number')
        throw new LacunaError(
          this.constructor.name,
          'optimizer',
          `has no numeric '${key}' option to schedule`,
        );
      return v;
    });
  }

  /** The value for a group whose starting value is `base`, after `t` steps. */
  abstract valueAt(t: number, base: number): number;

  /** Steps taken. */
  get t(): number {
    return this.#t;
  }

  /** Advances one step and updates every group. */
  step(): void {
    this.#t++;
    this.apply();
  }

  /** The current value for each group. */
  values(): number[] {
    return this.base.map((b) => this.valueAt(this.#t, b));
  }

  /** The schedule's position, to save with a checkpoint. */
  stateDict(): ScheduleState {
    return { t: this.#t };
  }

  /**
   * Restores a saved position and re-applies the value.
   *
   * @param state - `{ t }` from `stateDict()`: exactly one key `t`, a safe integer ≥ 0.
   * @throws LacunaError naming the field at fault (a non-object, an unknown key, a `t` that is
   *   not a safe integer ≥ 0); the schedule is then unchanged.
   */
  loadStateDict(state: ScheduleState): void {
    const op = `${this.constructor.name}.loadStateDict`;
    if (!isPlainObject(state))
      throw new LacunaError(
        op,
        'state',
        `must be { t } from stateDict(), got ${describeValue(state)}`,
      );
    for (const key of Object.keys(state))
      if (key !== 't')
        throw new LacunaError(
          op,
          `state.${key}`,
          "is not part of a schedule's state (expected only 't')",
        );
    const t: unknown = state.t;
    if (!Number.isSafeInteger(t) || (t as number) < 0)
      throw new LacunaError(
        op,
        'state.t',
        `must be a step count, an integer ≥ 0, got ${describeValue(t)}`,
      );
    this.#t = t as number;
    this.apply();
  }

  /** Writes the current value into every group; subclasses call it once their fields are set. */
  protected apply(): void {
    this.optimizer.paramGroups.forEach((g, i) => {
      (g.options as Record<string, unknown>)[this.key] = this.valueAt(this.#t, this.base[i]!);
    });
  }
}

function positiveInt(op: string, name: string, v: number): number {
  if (!Number.isInteger(v) || v < 1)
    throw new ArgumentRangeError(op, name, `must be a positive integer, got ${v}`);
  return v;
}

function inUnit(op: string, name: string, v: number, open = false): number {
  if (typeof v !== 'number' || !(v >= 0 && (open ? v < 1 : v <= 1)))
    throw new ArgumentRangeError(op, name, `must lie in [0, 1${open ? ')' : ']'}, got ${v}`);
  return v;
}

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
    // floor keeps a warm-up shorter than one step from dividing by zero.
    this.#up = Math.max(pct * total - 1, Number.EPSILON);
    this.#initial = max / div;
    this.#final = this.#initial / finalDiv;
    this.apply();
  }

  valueAt(t: number): number {
    const cos = (from: number, to: number, frac: number) =>
      to + ((from - to) * (1 + Math.cos(Math.PI * Math.min(Math.max(frac, 0), 1)))) / 2;
    if (t <= this.#up) return cos(this.#initial, this.#max, t / this.#up);
    return cos(this.#max, this.#final, (t - this.#up) / Math.max(this.#total - 1 - this.#up, 1));
  }
}

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
