import { describeValue, isPlainObject, LacunaError } from '@lacuna/tensor';
import type { BaseOptions, Optimizer } from '../optimizer.js';

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
