import { LacunaError } from './errors.js';

// Identity that survives a second copy of this package in one process (an ESM import next to a
// CJS require, or npm nesting two versions): classes carry a `Symbol.for` brand whose value
// names the copy, so `instanceof` and `isTensor` recognise objects from another copy of the same
// version, and two different versions meeting is a typed error naming both, not a confusing
// "must be a Tensor".

// Replaced at build time by tsup's `define` with package.json's version; tests run from source.
declare const __LACUNA_TENSOR_VERSION__: string | undefined;

/** Where a copy of a Lacuna package was loaded from, carried by its brands. */
export interface PackageCopy {
  /** The package name, e.g. `'@lacuna/tensor'`. */
  readonly name: string;
  /** Its version, from its package.json. */
  readonly version: string;
  /** The file (URL) the copy was loaded from. */
  readonly path: string;
}

function loadedFrom(): string {
  try {
    return String(import.meta.url);
  } catch {
    return 'unknown location';
  }
}

/** This copy of `@lacuna/tensor`. @internal */
export const THIS_COPY: PackageCopy = Object.freeze({
  name: '@lacuna/tensor',
  version:
    typeof __LACUNA_TENSOR_VERSION__ === 'string' ? __LACUNA_TENSOR_VERSION__ : '0.0.0-source',
  path: loadedFrom(),
});

/**
 * Two different versions of a Lacuna package met in one process: an object made by one version
 * reached code of the other (npm installed two copies, e.g. one nested under another package).
 * The message names both versions and where each was loaded from; install a single version
 * (`npm ls @lacuna/tensor`, `npm dedupe`). Copies of the same version work together.
 *
 * @example
 * ```ts
 * import { VersionConflictError, isTensor } from '@lacuna/tensor';
 * try { isTensor(someValue()); } catch (e) { if (e instanceof VersionConflictError) console.log(e.theirs.version); }
 * function someValue(): unknown { return 1; }
 * ```
 */
export class VersionConflictError extends LacunaError {
  /** The copy whose code ran the check. */
  readonly ours: PackageCopy;
  /** The copy that made the object. */
  readonly theirs: PackageCopy;

  constructor(op: string, argument: string, what: string, ours: PackageCopy, theirs: PackageCopy) {
    super(
      op,
      argument,
      `is a ${what} from ${theirs.name} ${theirs.version} (${theirs.path}), but this code is ` +
        `${ours.name} ${ours.version} (${ours.path}): two versions of ${ours.name} are loaded. ` +
        `Install a single version of it (see npm ls ${ours.name}; npm dedupe)`,
    );
    this.name = 'VersionConflictError';
    this.ours = ours;
    this.theirs = theirs;
  }

  /**
   * Holds for a version error thrown by any copy of `@lacuna/tensor` (the copy that detects the
   * conflict is often not the one the caller imported this class from).
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (this !== VersionConflictError)
      return Function.prototype[Symbol.hasInstance].call(this, value);
    return (
      value instanceof LacunaError &&
      (value as Error).name === 'VersionConflictError' &&
      isCopy((value as VersionConflictError).ours) &&
      isCopy((value as VersionConflictError).theirs)
    );
  }
}

function isCopy(value: unknown): value is PackageCopy {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as PackageCopy).version === 'string' &&
    typeof (value as PackageCopy).name === 'string'
  );
}

/**
 * A brand for a class: marks its prototype, and recognises objects carrying the brand of any copy
 * of the same version. Made by {@link createBrand}.
 */
export interface Brand {
  /** Puts the brand on a class's prototype. */
  mark(prototype: object): void;
  /**
   * Whether `value` carries the brand; throws {@link VersionConflictError} when it carries another
   * version's.
   */
  test(value: unknown, op?: string, argument?: string): boolean;
}

/**
 * Creates the brand `Symbol.for('lacuna.<key>')` for a class called `what`, carrying `copy`: the
 * identity `Tensor` and `Generator` use, for packages built on Lacuna whose classes must be
 * recognised across copies (an ESM import next to a CJS require).
 *
 * `test(value)` is true for objects whose prototype chain carries the brand of the same package
 * name and version (any copy), false for other values, and throws {@link VersionConflictError}
 * for the brand of another version.
 *
 * @param key - The symbol's suffix, e.g. `'layers.Module'`.
 * @param what - The class name for messages, e.g. `'Module'`.
 * @param copy - The package copy the brand carries (name, version, path).
 * @example
 * ```ts
 * import { createBrand } from '@lacuna/tensor';
 * class Thing {}
 * const brand = createBrand('example.Thing', 'Thing', { name: 'example', version: '1.0.0', path: 'here' });
 * brand.mark(Thing.prototype);
 * console.log(brand.test(new Thing()), brand.test({})); // true false
 * ```
 */
export function createBrand(key: string, what: string, copy: PackageCopy = THIS_COPY): Brand {
  const symbol = Symbol.for(`lacuna.${key}`);
  return {
    mark(prototype) {
      Object.defineProperty(prototype, symbol, { value: copy });
    },
    test(value, op = `is${what}`, argument = 'value') {
      if ((typeof value !== 'object' && typeof value !== 'function') || value === null)
        return false;
      // The branded prototype itself is not an instance (`Tensor.prototype instanceof Tensor` is false).
      if (Object.hasOwn(value, symbol)) return false;
      const theirs = (value as Record<symbol, unknown>)[symbol];
      if (theirs === undefined) return false;
      if (theirs === copy) return true;
      if (!isCopy(theirs)) return false;
      if (theirs.name === copy.name && theirs.version === copy.version) return true;
      throw new VersionConflictError(op, argument, what, copy, theirs);
    },
  };
}

/** The state one version of the package shares among its copies in a process. @internal */
export function sharedState<T extends object>(key: string, create: () => T): T {
  const symbol = Symbol.for(`lacuna.${key}`);
  const host = globalThis as unknown as Record<symbol, Record<string, T> | undefined>;
  // Keyed by version: copies of one version share it; another version keeps its own (its
  // objects are refused by the brands above, so the two never mix).
  let byVersion = host[symbol];
  if (!byVersion) {
    byVersion = Object.create(null) as Record<string, T>;
    Object.defineProperty(host, symbol, { value: byVersion });
  }
  let state = byVersion[THIS_COPY.version];
  if (!state) {
    state = create();
    byVersion[THIS_COPY.version] = state;
  }
  return state;
}
