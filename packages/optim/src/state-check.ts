import {
  ArgumentRangeError,
  checkOptionKeys,
  describeValue,
  isPlainObject,
  LacunaError,
} from '@lacuna/tensor';

/**
 * The type of every option of an optimizer with hyper-parameters `H`: `'number'`, `'boolean'` or
 * `'pair'` (two numbers, like Adam's `betas`). The compiler requires exactly one entry per key of
 * `H`, so this table is also the optimizer's list of known option keys; it is the `options` of the
 * {@link StateLayout} an `Optimizer` subclass passes to its base constructor.
 *
 * @example
 * ```ts
 * import type { BaseOptions, OptionTypes } from '@lacuna/optim';
 * interface MyOptions extends BaseOptions {
 *   betas?: readonly [number, number];
 *   centered?: boolean;
 * }
 * const OPTIONS: OptionTypes<MyOptions> = { lr: 'number', betas: 'pair', centered: 'boolean' };
 * ```
 */
export type OptionTypes<H> = { readonly [K in keyof Required<H>]: 'number' | 'boolean' | 'pair' };

/**
 * What one optimizer kind is and saves, given to the `Optimizer` base constructor: the kind
 * (its name in messages, recorded in `stateDict()`), the per-parameter buffers and the options
 * with their types (their keys are the options the optimizer accepts). `loadStateDict` checks a
 * saved state against it.
 */
export interface StateLayout<H = Record<string, unknown>> {
  /** The optimizer kind recorded as `kind` in `stateDict()`, e.g. `'SGD'`. */
  readonly kind: string;
  /** Buffers every parameter with state holds (created on its first update). */
  readonly requiredBuffers: readonly string[];
  /** Buffers only some options create (SGD's `momentumBuffer` needs momentum ≠ 0). */
  readonly optionalBuffers: readonly string[];
  /**
   * Optional buffers that a boolean option creates on every step it is on, e.g.
   * `{ amsgrad: 'maxExpAvgSq' }`: with the option `true` in a group, each of its parameters that
   * has taken a step must hold the buffer (a missing one would be recreated as zeros and the
   * resumed run would silently differ). Leave out buffers a schedulable number controls: a
   * momentum ramped up from 0 legitimately has no buffer yet.
   */
  readonly flagBuffers?: Readonly<Partial<Record<keyof H & string, string>>>;
  /** Every option the kind takes and its type: a number, a boolean or a pair of numbers. */
  readonly options: OptionTypes<H>;
}

/** A saved state once it passed every check: fresh copies, safe to install as they are. @internal */
export interface CheckedState<H> {
  /** Steps taken. */
  step: number;
  /** Each group's validated options. */
  options: H[];
  /** Per-parameter state, in parameter order. */
  states: (Record<string, Float32Array | number> | null)[];
}

const TOP_KEYS = ['kind', 'step', 'groups', 'state'];

/**
 * Checks a saved optimizer state completely, and only then builds the copies to install, so that
 * a rejected state leaves the optimizer untouched. @internal
 *
 * @param op - For messages, e.g. `'SGD.loadStateDict'`.
 * @param layout - What this optimizer kind saves.
 * @param saved - What came.
 * @param groupSizes - The element count of each parameter, group by group.
 * @param validate - The optimizer's range check of one group's options.
 */
export function checkOptimizerState<H>(
  op: string,
  layout: StateLayout,
  saved: unknown,
  groupSizes: readonly (readonly number[])[],
  validate: (options: H) => H,
): CheckedState<H> {
  const fail = (argument: string, detail: string) => new LacunaError(op, argument, detail);
  if (!isPlainObject(saved))
    throw fail('state', `must be an object from stateDict(), got ${describeValue(saved)}`);
  for (const key of Object.keys(saved))
    if (!TOP_KEYS.includes(key))
      throw fail(
        `state.${key}`,
        `is not part of an optimizer state (expected ${TOP_KEYS.join(', ')})`,
      );
  for (const key of ['step', 'groups', 'state'])
    if (!Object.hasOwn(saved, key))
      throw fail('state', `is missing '${key}' (expected ${TOP_KEYS.join(', ')})`);
  const { kind, step, groups, state } = saved;
  // Older states carry no kind: for them the buffer names below are what tells kinds apart.
  if (kind !== undefined && kind !== layout.kind)
    throw fail(
      'state.kind',
      `is ${describeValue(kind)}: the state of another optimizer, expected '${layout.kind}'`,
    );
  if (!isCount(step))
    throw fail('state.step', `must be an integer ≥ 0, got ${describeValue(step)}`);
  if (!Array.isArray(groups))
    throw fail('state.groups', `must be an array, got ${describeValue(groups)}`);
  if (groups.length !== groupSizes.length)
    throw fail('state.groups', `has ${groups.length} groups, expected ${groupSizes.length}`);
  const sizes = groupSizes.flat();
  if (!Array.isArray(state))
    throw fail('state.state', `must be an array, got ${describeValue(state)}`);
  if (state.length !== sizes.length)
    throw fail(
      'state.state',
      `holds state for ${state.length} parameters, expected ${sizes.length}`,
    );
  // Index loops, not map: map skips the holes of a sparse array and would leave them empty.
  const options = Array.from(groups, (g, i) =>
    checkGroup(op, layout, g, `state.groups[${i}]`, validate),
  );
  // The group of each parameter, in the same flat order as `state`.
  const groupOf = groupSizes.flatMap((g, gi) => g.map(() => gi));
  const states = Array.from(state, (s, i) =>
    checkParamState(
      op,
      layout,
      s,
      `state.state[${i}]`,
      sizes[i]!,
      step,
      options[groupOf[i]!] as Record<string, unknown>,
    ),
  );
  return { step, options, states };
}

function checkGroup<H>(
  op: string,
  layout: StateLayout,
  group: unknown,
  at: string,
  validate: (options: H) => H,
): H {
  if (!isPlainObject(group))
    throw new LacunaError(op, at, `must be an object of options, got ${describeValue(group)}`);
  checkOptionKeys(op, group, Object.keys(layout.options), at);
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(group)) {
    const type = layout.options[key];
    const ok =
      value === undefined ||
      (type === 'pair'
        ? Array.isArray(value) &&
          value.length === 2 &&
          typeof value[0] === 'number' &&
          typeof value[1] === 'number'
        : typeof value === type);
    if (!ok)
      throw new LacunaError(
        op,
        `${at}.${key}`,
        `must be ${type === 'pair' ? 'a pair of numbers' : `a ${type}`}, got ${describeValue(value)}`,
      );
    copy[key] = Array.isArray(value) ? [...value] : value;
  }
  try {
    return validate(copy as H);
  } catch (error) {
    // The range check names the option but not where it came from: say it was the saved group.
    if (error instanceof ArgumentRangeError) {
      const prefix = `${error.op}: argument '${error.argument}' `;
      const detail = error.message.startsWith(prefix)
        ? error.message.slice(prefix.length)
        : error.message;
      throw new ArgumentRangeError(op, `${at}.${error.argument}`, detail);
    }
    throw error;
  }
}

function checkParamState(
  op: string,
  layout: StateLayout,
  entry: unknown,
  at: string,
  size: number,
  step: number,
  options: Record<string, unknown>,
): Record<string, Float32Array | number> | null {
  if (entry === null) return null;
  const fail = (argument: string, detail: string) => new LacunaError(op, argument, detail);
  if (!isPlainObject(entry))
    throw fail(at, `must be null or an object of buffers, got ${describeValue(entry)}`);
  const names = [...layout.requiredBuffers, ...layout.optionalBuffers];
  for (const key of Object.keys(entry)) {
    if (key !== 'step' && !names.includes(key))
      throw fail(
        `${at}.${key}`,
        `is not a buffer of ${layout.kind} (its buffers: ${names.join(', ')}): the state of another optimizer?`,
      );
  }
  for (const name of ['step', ...layout.requiredBuffers])
    if (!Object.hasOwn(entry, name)) throw fail(at, `is missing '${name}'`);
  const own = entry.step;
  if (!isCount(own) || own > step)
    throw fail(
      `${at}.step`,
      `must be an integer in [0, ${step}] (the optimizer's steps), got ${describeValue(own)}`,
    );
  if (own > 0)
    for (const [flag, name] of Object.entries(layout.flagBuffers ?? {}) as [string, string][])
      if (options[flag] === true && !Object.hasOwn(entry, name))
        throw fail(
          at,
          `is missing '${name}', which ${flag}: true keeps from the first step (this parameter took ${own}); without it the resumed run would differ`,
        );
  const out: Record<string, Float32Array | number> = { step: own };
  for (const [key, value] of Object.entries(entry)) {
    if (key !== 'step') out[key] = checkBuffer(fail, `${at}.${key}`, value, size);
  }
  return out;
}

/** A fresh Float32Array copy of a buffer of `size` finite float32 values. */
function checkBuffer(
  fail: (argument: string, detail: string) => LacunaError,
  at: string,
  value: unknown,
  size: number,
): Float32Array {
  const expected = `an array of ${size} finite numbers or a Float32Array of that length`;
  // Length first: a hostile length must not cost a walk or an allocation.
  if (!(Array.isArray(value) || value instanceof Float32Array))
    throw fail(at, `must be ${expected}, got ${describeValue(value)}`);
  if (value.length !== size)
    throw fail(at, `has ${value.length} elements, expected ${size} (the parameter's size)`);
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    const v: unknown = value[i];
    // Math.fround: 1e300 is finite but becomes Infinity once stored as float32.
    if (typeof v !== 'number' || !Number.isFinite(Math.fround(v)))
      throw fail(at, `must be ${expected}: element ${i} is ${describeValue(v)}`);
    out[i] = v;
  }
  return out;
}

function isCount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}
