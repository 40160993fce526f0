import { ArgumentRangeError, checkOptionKeys, LacunaError, Tensor } from '@lacuna/tensor';
import { checkOptimizerState, type OptionTypes, type StateLayout } from './state-check.js';

/** A group of parameters with its own hyper-parameters (PyTorch's param_groups). */
export interface ParamGroupSpec<H> {
  /** The group's parameters. */
  params: Iterable<Tensor>;
  /** Overrides of the optimizer's defaults for this group. */
  options?: Partial<H>;
}

/** A resolved parameter group; its `options` may be changed between steps (schedules do). */
export interface ParamGroup<H> {
  /** The group's parameters. */
  readonly params: readonly Tensor[];
  /** The group's hyper-parameters. */
  options: H;
}

/** Per-parameter optimizer state: named buffers and counters. */
export type ParamState = Record<string, Float32Array | number>;

/** A JSON-friendly snapshot of an optimizer. */
export interface OptimizerState<H> {
  /**
   * The optimizer kind that saved it (`'SGD'`, `'Adam'`, …); `loadStateDict` refuses another kind's
   * state. States saved before the kind was recorded lack it.
   */
  kind?: string;
  /** Steps taken. */
  step: number;
  /** Each group's hyper-parameters (including scheduled values such as lr). */
  groups: H[];
  /** Per-parameter state in parameter order (groups concatenated); null before a parameter's first update. */
  state: (Record<string, number[] | number> | null)[];
}

/** Hyper-parameters every optimizer has. */
export interface BaseOptions {
  /** Learning rate η ≥ 0. */
  lr: number;
}

/** The state buffer `name`, created (filled with `fill`) on first use. @internal */
export function buffer(state: ParamState, name: string, size: number, fill = 0): Float32Array {
  const existing = state[name];
  if (existing instanceof Float32Array) return existing;
  const created = new Float32Array(size).fill(fill);
  state[name] = created;
  return created;
}

/** Checks a hyper-parameter: a finite number satisfying `ok`, else an ArgumentRangeError. @internal */
export function checkHyper(
  op: string,
  name: string,
  value: unknown,
  ok: (v: number) => boolean,
  expected: string,
): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || !ok(value)) {
    throw new ArgumentRangeError(op, name, `must be ${expected}, got ${String(value)}`);
  }
  return value;
}

/**
 * Base class of the optimizers: parameter groups, `step()`, `zeroGrad()` and exact state
 * save/restore.
 *
 * A subclass provides:
 * - a {@link StateLayout} passed to `super(params, defaults, layout)`: its kind (the name in error
 *   messages and the `kind` recorded by `stateDict()`), its per-parameter buffers and the type of
 *   every option. The option keys come from `layout.options` (an {@link OptionTypes} table, which
 *   the compiler checks against the options interface): any other key in the defaults, a group's
 *   `options` or beside a group's `params` is an error, at construction and before every step;
 * - `validate`, the range check of one group's options (run on construction, before every step and
 *   on loading state);
 * - `update`, the update of one parameter, which creates its buffers in the `state` it is given.
 *
 * @example
 * ```ts
 * import { type BaseOptions, Optimizer, type OptionTypes, type ParamState } from '@lacuna/optim';
 * import { ArgumentRangeError, type Tensor } from '@lacuna/tensor';
 *
 * interface SignOptions extends BaseOptions {
 *   // Momentum in [0, 1) (default 0).
 *   momentum?: number;
 * }
 * const OPTIONS: OptionTypes<SignOptions> = { lr: 'number', momentum: 'number' };
 *
 * // signSGD with momentum: θ ← θ - η·sign(b), b ← μ·b + g.
 * class SignSGD extends Optimizer<SignOptions> {
 *   constructor(params: Iterable<Tensor>, options: SignOptions) {
 *     super(params, options, {
 *       kind: 'SignSGD',
 *       requiredBuffers: ['momentumBuffer'],
 *       optionalBuffers: [],
 *       options: OPTIONS,
 *     });
 *   }
 *   protected validate(o: SignOptions): SignOptions {
 *     const momentum = o.momentum ?? 0;
 *     if (!(o.lr >= 0)) throw new ArgumentRangeError('SignSGD', 'lr', `must be ≥ 0, got ${o.lr}`);
 *     if (!(momentum >= 0 && momentum < 1))
 *       throw new ArgumentRangeError('SignSGD', 'momentum', `must be in [0, 1), got ${momentum}`);
 *     return o;
 *   }
 *   protected update(w: Float32Array, g: Float32Array, state: ParamState, o: SignOptions): void {
 *     state.momentumBuffer ??= new Float32Array(w.length);
 *     const b = state.momentumBuffer as Float32Array;
 *     for (let i = 0; i < w.length; i++) {
 *       b[i] = (o.momentum ?? 0) * b[i]! + g[i]!;
 *       w[i] = w[i]! - o.lr * Math.sign(b[i]!);
 *     }
 *   }
 * }
 * ```
 */
export abstract class Optimizer<H extends BaseOptions> {
  /** The parameter groups. */
  readonly paramGroups: ParamGroup<H>[];
  #step = 0;
  readonly #state = new Map<Tensor, ParamState>();
  readonly #layout: StateLayout<H>;
  readonly #optionKeys: readonly string[];

  /**
   * @param params - Parameters, or groups of parameters with their own options.
   * @param defaults - Options for every group that does not override them.
   * @param layout - What this optimizer kind is and saves: `layout.kind` names it in messages and
   *   in `stateDict()`, `layout.options` lists every option it knows (any other key in `defaults`
   *   or a group's `options` is an error: a mistyped `weight_decay` would otherwise apply no decay)
   *   and `loadStateDict` checks saved buffers against `layout`'s buffer lists.
   */
  protected constructor(
    params: Iterable<Tensor> | Iterable<ParamGroupSpec<H>>,
    defaults: H,
    layout: StateLayout<H>,
  ) {
    const name = layout.kind;
    const optionKeys = Object.freeze(Object.keys(layout.options));
    this.#layout = layout;
    this.#optionKeys = optionKeys;
    checkOptionKeys(name, defaults, optionKeys);
    const list = [...(params as Iterable<Tensor | ParamGroupSpec<H>>)];
    const specs: ParamGroupSpec<H>[] = list.every((p) => p instanceof Tensor)
      ? [{ params: list as Tensor[] }]
      : (list as ParamGroupSpec<H>[]);
    const seen = new Set<Tensor>();
    this.paramGroups = specs.map((spec, gi) => {
      // PyTorch writes a group's overrides next to its params ({ params, lr }); here they sit in
      // `options`, so a key beside `params` is an error rather than silently ignored.
      checkOptionKeys(name, spec, ['params', 'options'], `params[${gi}]`);
      checkOptionKeys(name, spec.options, optionKeys, `params[${gi}].options`);
      const groupParams = [...(spec?.params ?? [])];
      groupParams.forEach((p, i) => {
        if (!(p instanceof Tensor) || p.dtype !== 'float32')
          throw new LacunaError(name, `params[${gi}][${i}]`, 'must be a float32 Tensor');
        if (seen.has(p))
          throw new LacunaError(
            name,
            `params[${gi}][${i}]`,
            'appears in more than one place; each parameter may be optimized once',
          );
        seen.add(p);
      });
      // Arrays (Adam's betas) are copied: the caller's array must not become the live option.
      const options = this.validate(copyOptions({ ...defaults, ...spec.options } as H));
      return { params: groupParams, options };
    });
  }

  /** The names of the options this optimizer knows (its options interface's keys). */
  get optionKeys(): readonly string[] {
    return this.#optionKeys;
  }

  /**
   * Checks (and may normalise) one group's options: unknown keys, wrong types and out-of-range
   * values are errors. Called on construction, before every step (schedules and users may change
   * the options) and on loading state.
   */
  protected abstract validate(options: H): H;

  /**
   * Updates one parameter in place from its gradient.
   *
   * @param w - The parameter's storage.
   * @param g - Its gradient.
   * @param state - Its state, empty before its first update.
   * @param options - Its group's options.
   * @param step - This parameter's updates so far, including this one (1 on its first), as
   *   PyTorch counts them: a parameter without a gradient on some step does not advance.
   */
  protected abstract update(
    w: Float32Array,
    g: Float32Array,
    state: ParamState,
    options: H,
    step: number,
  ): void;

  /** Steps taken so far. */
  get stepCount(): number {
    return this.#step;
  }

  /** Clears every parameter's gradient: sets its `grad` to null, as autograd's `zeroGrad` does. */
  zeroGrad(): void {
    for (const group of this.paramGroups) for (const p of group.params) p.grad = null;
  }

  /** Applies one update to every parameter that has a gradient. */
  step(): void {
    this.#step++;
    for (const group of this.paramGroups) {
      // Schedules and users may have changed them, keys included.
      checkOptionKeys(this.#layout.kind, group.options, this.#optionKeys);
      this.validate(group.options);
      for (const p of group.params) {
        if (!p.grad) continue;
        const state = this.#state.get(p) ?? {};
        this.#state.set(p, state);
        state.step = ((state.step as number | undefined) ?? 0) + 1;
        this.update(
          p.storage as Float32Array,
          p.grad.storage as Float32Array,
          state,
          group.options,
          state.step,
        );
      }
    }
  }

  /**
   * The optimizer's state (kind, step count, group options, per-parameter buffers) as plain data
   * that survives `JSON.stringify`.
   */
  stateDict(): OptimizerState<H> {
    const params = this.paramGroups.flatMap((g) => g.params);
    return {
      kind: this.#layout.kind,
      step: this.#step,
      // Arrays (Adam's betas) are copied too: the snapshot must not change with the live options.
      groups: this.paramGroups.map((g) => copyOptions(g.options)),
      state: params.map((p) => {
        const s = this.#state.get(p);
        if (!s) return null;
        return Object.fromEntries(
          Object.entries(s).map(([k, v]) => [k, typeof v === 'number' ? v : Array.from(v)]),
        );
      }),
    };
  }

  /**
   * Restores state saved by {@link Optimizer.stateDict} for the same parameter layout; continuing
   * then gives bit-identical parameters to an uninterrupted run.
   *
   * All or nothing: the whole state is checked before anything changes, and a state that fails
   * any check throws a `LacunaError` naming the offending field, leaving the optimizer
   * exactly as it was. Checked: `state` is a plain object with only `kind`, `step`, `groups` and
   * `state`; `kind`, when present, is this optimizer's kind (older states without it are judged by
   * their buffer names); `step` and every per-parameter `step` are integers ≥ 0 (a parameter's
   * at most the optimizer's); the group and parameter counts match; every group holds only this
   * optimizer's options, with the right types and values that pass the constructor's range checks;
   * every per-parameter entry is `null` or holds `step` and buffers this optimizer keeps (no other
   * names), each an array of finite float32 numbers (or a Float32Array) exactly as long as its
   * parameter; a parameter that has taken a step holds the buffers its group's flags keep
   * (`layout.flagBuffers`: Adam's `maxExpAvgSq` with amsgrad, RMSprop's `gradAvg` when centered),
   * since a missing one would be recreated as zeros. Momentum buffers may be absent (a momentum
   * ramped up from 0 has none yet). Not checked: that the state came from these same parameters (only counts and sizes
   * are compared) or that its values make sense for the run.
   *
   * @param saved - A state from `stateDict()`, possibly through JSON.
   * @throws LacunaError (or its subclass ArgumentRangeError for an option out of range) naming the
   *   field at fault.
   * @example
   * ```ts
   * import { SGD } from '@lacuna/optim';
   * import { tensor } from '@lacuna/tensor';
   * const w = tensor([1, 2]);
   * w.requiresGrad = true;
   * const opt = new SGD([w], { lr: 0.1, momentum: 0.9 });
   * const saved = JSON.parse(JSON.stringify(opt.stateDict()));
   * new SGD([w], { lr: 0.1, momentum: 0.9 }).loadStateDict(saved);
   * ```
   */
  loadStateDict(saved: OptimizerState<H>): void {
    const checked = checkOptimizerState<H>(
      `${this.#layout.kind}.loadStateDict`,
      this.#layout,
      saved,
      this.paramGroups.map((g) => g.params.map((p) => p.size)),
      (options) => this.validate(options),
    );
    // Everything is checked and copied: from here on nothing can throw halfway.
    const params = this.paramGroups.flatMap((g) => g.params);
    checked.options.forEach((options, i) => {
      this.paramGroups[i]!.options = options;
    });
    this.#state.clear();
    checked.states.forEach((s, i) => {
      if (s) this.#state.set(params[i]!, s);
    });
    this.#step = checked.step;
  }
}

/** A shallow copy of a group's options with its arrays (pairs such as `betas`) copied too. */
function copyOptions<H>(options: H): H {
  return Object.fromEntries(
    Object.entries(options as object).map(([k, v]) => [k, Array.isArray(v) ? [...v] : v]),
  ) as H;
}
