import { LacunaError } from './errors.js';

/**
 * Rejects option keys an op does not know, suggesting the closest valid one.
 *
 * Rule: `options` must be `undefined` or a plain object; every own key must be in `known`.
 * A mistyped key (`weight_decay`, `label_smoothing`) is an error rather than a silent default,
 * because a silently ignored option changes what a run computes without any sign.
 *
 * @param op - The op or class that takes the options, e.g. `'SGD'`.
 * @param options - What the caller passed.
 * @param known - The option names the op accepts.
 * @param argument - How the argument is named in messages (default `'options'`).
 * @throws LacunaError naming the unknown key, the closest valid one and the valid set.
 * @example
 * ```ts
 * import { checkOptionKeys } from '@lacuna/tensor';
 * try { checkOptionKeys('SGD', { lr: 0.1, weight_decay: 0.5 }, ['lr', 'weightDecay']); }
 * catch (e) { console.log((e as Error).message); } // … did you mean 'weightDecay'? …
 * ```
 */
export function checkOptionKeys(
  op: string,
  options: unknown,
  known: readonly string[],
  argument = 'options',
): void {
  if (options === undefined) return;
  if (!isPlainObject(options))
    throw new LacunaError(
      op,
      argument,
      `must be an object of options, got ${describeValue(options)}`,
    );
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const guess = closestName(key, known);
    const hint = guess === undefined ? '' : ` did you mean '${guess}'?`;
    throw new LacunaError(
      op,
      `${argument}.${key}`,
      `is not a known option.${hint} Known options: ${known.join(', ') || '(none)'}`,
    );
  }
}

/**
 * Reads a boolean option: `undefined` gives `fallback`, anything but `true`/`false` is an error
 * (the string `'false'` is truthy, so accepting it would silently enable the option).
 *
 * @param op - The op, for the message.
 * @param name - The option's name.
 * @param value - What came.
 * @param fallback - The default.
 * @example
 * ```ts
 * import { optionBoolean } from '@lacuna/tensor';
 * optionBoolean('Adam', 'amsgrad', undefined, false); // false
 * ```
 */
export function optionBoolean(
  op: string,
  name: string,
  value: unknown,
  fallback: boolean,
): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean')
    throw new LacunaError(op, name, `must be true or false, got ${describeValue(value)}`);
  return value;
}

/**
 * Reads an option that takes one of a fixed set of strings; `undefined` gives `fallback`.
 *
 * @param op - The op, for the message.
 * @param name - The option's name.
 * @param value - What came.
 * @param allowed - The valid values.
 * @param fallback - The default.
 * @example
 * ```ts
 * import { optionEnum } from '@lacuna/tensor';
 * optionEnum('dropout', 'scaling', 'classic', ['inverted', 'classic'] as const, 'inverted');
 * ```
 */
export function optionEnum<const T extends string>(
  op: string,
  name: string,
  value: unknown,
  allowed: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value))
    return value as T;
  const guess = typeof value === 'string' ? closestName(value, allowed) : undefined;
  const hint = guess === undefined ? '' : ` (did you mean '${guess}'?)`;
  throw new LacunaError(
    op,
    name,
    `must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${describeValue(value)}${hint}`,
  );
}

/**
 * The list of an options interface's keys, checked against the interface by the compiler.
 *
 * Rule: pass an object literal with every key of `T` set to `true`; a missing key or an extra one
 * is a compile error, so the runtime list given to {@link checkOptionKeys} cannot drift from the
 * type when an option is added.
 *
 * @param keys - `{ key: true, … }` naming every option of `T`.
 * @returns The keys, in the order given.
 * @example
 * ```ts
 * import { checkOptionKeys, optionKeys } from '@lacuna/tensor';
 * interface FooOptions { alpha?: number; beta?: boolean }
 * const FOO_KEYS = optionKeys<FooOptions>({ alpha: true, beta: true });
 * checkOptionKeys('foo', { alpha: 1 }, FOO_KEYS); // ok
 * ```
 */
export function optionKeys<T extends object>(
  keys: {
    readonly [K in keyof Required<T>]: true;
  },
): readonly (keyof T & string)[] {
  return Object.keys(keys) as (keyof T & string)[];
}

/**
 * A short, unambiguous description of any value for an error message, never its full content.
 *
 * Rule: `null` and `undefined` as themselves; an array by its length; a string quoted (cut after
 * 40 characters) with "(a string)"; a number, boolean, bigint or symbol with its type
 * (`NaN (a number)`); a function as "a function"; any other object by its prototype's constructor
 * name (`an object (Float32Array)`, `an object (no prototype)`), never by its own properties, so a
 * hostile `constructor` or `length` key cannot fake it.
 *
 * @param value - Anything.
 * @returns Text to follow "got " in a message.
 * @example
 * ```ts
 * import { describeValue } from '@lacuna/tensor';
 * describeValue('false'); // '"false" (a string)'
 * describeValue(new Float32Array(2)); // 'an object (Float32Array)'
 * describeValue([1, 2, 3]); // 'an array of length 3'
 * ```
 */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === 'string')
    return `${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)} (a string)`;
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'object') {
    const proto: unknown = Object.getPrototypeOf(value);
    const ctor =
      proto === null ? undefined : Object.getOwnPropertyDescriptor(proto, 'constructor')?.value;
    const name =
      proto === null
        ? 'no prototype'
        : typeof ctor === 'function' && typeof ctor.name === 'string' && ctor.name !== ''
          ? ctor.name
          : 'object';
    return `an object (${name})`;
  }
  return `${String(value)} (a ${typeof value})`;
}

/**
 * Whether `value` is a plain object: made by `{…}`, `JSON.parse` or `Object.create(null)`, not an
 * array, a class instance, a Map or a typed array.
 *
 * Rule: a non-null object, not an array, whose prototype is `Object.prototype` or `null`. Use it
 * before reading options or saved state, whose keys are then safe to enumerate.
 *
 * @param value - Anything.
 * @returns `true` for a plain object.
 * @example
 * ```ts
 * import { isPlainObject } from '@lacuna/tensor';
 * isPlainObject({ lr: 0.1 }); // true
 * isPlainObject(new Map()); // false
 * isPlainObject([1]); // false
 * ```
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * The name in `known` that `key` most likely misspells, for "did you mean …?" messages.
 *
 * Rule: a name with the same letters ignoring case, `_` and `-` (`weight_decay` → `weightDecay`);
 * otherwise the nearest by edit distance, if at most max(2, ⌊length/3⌋) edits away; else none.
 *
 * @param key - What the user wrote.
 * @param known - The valid names.
 * @returns The suggestion, or `undefined` when nothing is close.
 * @example
 * ```ts
 * import { closestName } from '@lacuna/tensor';
 * closestName('swep', ['compare', 'sweep']); // 'sweep'
 * ```
 */
export function closestName(key: string, known: readonly string[]): string | undefined {
  const norm = (s: string) => s.toLowerCase().replace(/[_-]/g, '');
  const exact = known.find((k) => norm(k) === norm(key));
  if (exact !== undefined) return exact;
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(key.length / 3)) + 1;
  for (const k of known) {
    const d = editDistance(norm(key), norm(k));
    if (d < bestDistance) {
      bestDistance = d;
      best = k;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(
        prev[j]! + 1,
        row[j - 1]! + 1,
        prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    prev = row;
  }
  return prev[b.length]!;
}
