import alea from 'seedrandom/lib/alea.js';
import type { RandomKey } from '../backend/backend.js';
import { ArgumentRangeError, LacunaError } from '../errors.js';
import { createBrand } from '../identity.js';
import { describeValue } from '../options.js';

/** A snapshot of a {@link Generator}, plain JSON: save it with a checkpoint, restore it later. */
export interface GeneratorState {
  /** The algorithm the numbers come from; only `'alea'` (seedrandom's Alea) today. */
  readonly algorithm: 'alea';
  /** Alea's carry. */
  readonly c: number;
  /** Alea's three state words. */
  readonly s0: number;
  /** Alea's three state words. */
  readonly s1: number;
  /** Alea's three state words. */
  readonly s2: number;
}

function checkSeed(seed: unknown): string {
  if (typeof seed === 'number' && Number.isFinite(seed)) return String(seed);
  if (typeof seed === 'string') return seed;
  throw new ArgumentRangeError(
    'Generator',
    'seed',
    `must be a finite number or a string, got ${String(seed)}`,
  );
}

/**
 * A seeded source of random numbers, backed by seedrandom's Alea algorithm.
 *
 * Randomness in Lacuna is always explicit: every random op takes a generator, and the same seed
 * reproduces a run bit for bit. Bulk ops (uniform, normal, dropout masks) draw one 64-bit key from
 * the generator per call and derive each element's bits from (key, element index) with a
 * counter-based hash, so results do not depend on how a backend splits the work, and each call
 * gets fresh numbers (never the same mask every step).
 *
 * @example
 * ```ts
 * import { Generator, uniform } from '@lacuna/tensor';
 * const g = new Generator(42);
 * const saved = g.getState();
 * const a = uniform([3], { generator: g });
 * g.setState(saved);
 * const b = uniform([3], { generator: g }); // same numbers as a
 * ```
 */
export class Generator {
  #prng: ReturnType<typeof alea>;

  /**
   * @param seed - Any finite number or string; equal seeds give equal streams.
   */
  constructor(seed: number | string) {
    this.#prng = alea(checkSeed(seed), { state: true });
  }

  /** A uniformly distributed float in [0, 1) with 53 bits of randomness. */
  nextFloat(): number {
    return this.#prng.double();
  }

  /** A uniformly distributed unsigned 32-bit integer. */
  nextUint32(): number {
    return this.#prng.int32() >>> 0;
  }

  /** A fresh 64-bit key for a counter-based kernel (used by bulk random ops). */
  nextKey(): RandomKey {
    return { hi: this.nextUint32(), lo: this.nextUint32() };
  }

  /**
   * A new, independent generator seeded from this one's stream (advancing this one), for giving
   * each layer or worker its own stream without sharing state.
   *
   * @example
   * ```ts
   * import { Generator } from '@lacuna/tensor';
   * const root = new Generator(0);
   * const forLayer1 = root.fork();
   * const forLayer2 = root.fork();
   * ```
   */
  fork(): Generator {
    const { hi, lo } = this.nextKey();
    return new Generator(`fork:${hi.toString(16)}:${lo.toString(16)}`);
  }

  /** A snapshot of the current state; {@link Generator.setState} returns to it. */
  getState(): GeneratorState {
    const { c, s0, s1, s2 } = this.#prng.state();
    return { algorithm: 'alea', c, s0, s1, s2 };
  }

  /**
   * Restores a state from {@link Generator.getState}; the stream continues exactly from there.
   *
   * @param state - A snapshot; checked for shape and finiteness.
   */
  setState(state: GeneratorState): void {
    const ok =
      state !== null &&
      typeof state === 'object' &&
      state.algorithm === 'alea' &&
      [state.c, state.s0, state.s1, state.s2].every(
        (v) => typeof v === 'number' && Number.isFinite(v),
      );
    if (!ok) {
      throw new ArgumentRangeError(
        'Generator.setState',
        'state',
        `must be {algorithm: 'alea', c, s0, s1, s2} with finite numbers, got ${JSON.stringify(state)}`,
      );
    }
    const { c, s0, s1, s2 } = state;
    this.#prng = alea('', { state: { c, s0, s1, s2 } });
  }

  /**
   * `g instanceof Generator` holds for generators from any copy of this version of
   * `@lacuna/tensor`, as {@link isGenerator} does; subclasses keep the ordinary prototype check.
   */
  static [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: the receiver is exactly what must be inspected here
    if (this !== Generator) return Function.prototype[Symbol.hasInstance].call(this, value);
    return GENERATOR_BRAND.test(value, 'instanceof Generator');
  }
}

const GENERATOR_BRAND = createBrand('tensor.Generator', 'Generator');
GENERATOR_BRAND.mark(Generator.prototype);

/**
 * Whether `value` is a {@link Generator}, from this copy of `@lacuna/tensor` or another copy of
 * the same version (ESM and CJS builds loaded side by side, or a duplicated install).
 *
 * A generator only ever touches its own private state through its own methods, so one made by
 * another copy works everywhere a Generator is taken.
 *
 * @param value - Anything.
 * @param op - The op to name in a version error (default `'isGenerator'`), for code that checks its
 *   own arguments with it.
 * @param argument - The argument to name in a version error (default `'value'`).
 * @throws VersionConflictError when `value` is a generator of another version of `@lacuna/tensor`.
 * @example
 * ```ts
 * import { Generator, isGenerator } from '@lacuna/tensor';
 * console.log(isGenerator(new Generator(0)), isGenerator({})); // true false
 * ```
 */
export function isGenerator(
  value: unknown,
  op = 'isGenerator',
  argument = 'value',
): value is Generator {
  return GENERATOR_BRAND.test(value, op, argument);
}

/**
 * Returns `value` as a {@link Generator}, or throws: randomness is explicit in Lacuna, so a missing
 * generator is an error, never a hidden default seed.
 *
 * Rule: {@link isGenerator}(value, op, argument) must hold (a generator from another copy of the
 * same version passes; one from another version is a VersionConflictError).
 *
 * @param op - The op or layer to name in the error, e.g. `'Linear'`.
 * @param value - What came.
 * @param argument - The argument to name (default `'generator'`).
 * @throws LacunaError "must be a Generator (…), got …".
 * @example
 * ```ts
 * import { Generator, requireGenerator } from '@lacuna/tensor';
 * const g = requireGenerator('example', new Generator(0));
 * try {
 *   requireGenerator('example', undefined);
 * } catch (e) {
 *   console.log((e as Error).message); // "example: argument 'generator' must be a Generator (e.g. new Generator(seed) or parent.fork()), got undefined"
 * }
 * ```
 */
export function requireGenerator(op: string, value: unknown, argument = 'generator'): Generator {
  if (!isGenerator(value, op, argument))
    throw new LacunaError(
      op,
      argument,
      `must be a Generator (e.g. new Generator(seed) or parent.fork()), got ${describeValue(value)}`,
    );
  return value;
}
