/**
 * Base class of every error Lacuna throws on bad input.
 *
 * The message always names the op, the argument, what was expected and what came, e.g.
 * `add: argument 'b' has shape [2,3], expected a shape broadcastable with [4,3]`.
 *
 * @example
 * ```ts
 * import { LacunaError, tensor, add } from '@lacuna/tensor';
 * try {
 *   add(tensor([1, 2]), tensor([1, 2, 3]));
 * } catch (e) {
 *   console.log(e instanceof LacunaError); // true
 * }
 * ```
 */
export class LacunaError extends Error {
  /** The op that rejected its input, e.g. `'matmul'`. */
  readonly op: string;
  /** The argument at fault, e.g. `'b'`. */
  readonly argument: string;

  constructor(op: string, argument: string, detail: string) {
    super(`${op}: argument '${argument}' ${detail}`);
    this.name = new.target.name;
    this.op = op;
    this.argument = argument;
    brand(this);
  }

  /**
   * `e instanceof LacunaError` holds for every Lacuna error, including `ArgumentRangeError`,
   * which extends the built-in RangeError instead. Subclasses keep the ordinary check.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    // `this` is the class on the right of instanceof: subclasses keep the ordinary prototype check.
    // biome-ignore lint/complexity/noThisInStatic: the receiver is exactly what must be inspected here
    if (this !== LacunaError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as Record<symbol, unknown>)[BRAND] === true
    );
  }
}

const BRAND = Symbol.for('lacuna.error');

function brand(error: Error): void {
  Object.defineProperty(error, BRAND, { value: true });
}

/**
 * Shapes that do not fit: broadcasting, matmul inner sizes, reshape sizes, ragged nested arrays.
 *
 * @example
 * ```ts
 * import { ShapeError, matmul, zeros } from '@lacuna/tensor';
 * try {
 *   matmul(zeros([2, 3]), zeros([2, 3]));
 * } catch (e) {
 *   console.log(e instanceof ShapeError); // true
 * }
 * ```
 */
export class ShapeError extends LacunaError {}

/**
 * A tensor of the wrong dtype for an op, e.g. a float32 label tensor where int32 is needed.
 *
 * @example
 * ```ts
 * import { DTypeError, oneHot, tensor } from '@lacuna/tensor';
 * try {
 *   oneHot(tensor([0.5]), 2);
 * } catch (e) {
 *   console.log(e instanceof DTypeError); // true
 * }
 * ```
 */
export class DTypeError extends LacunaError {}

/**
 * A tensor used after it was released: disposed with `dispose()`, or created inside a `scope`
 * that ended without returning or keeping it.
 *
 * @example
 * ```ts
 * import { DisposedTensorError, ones, scope } from '@lacuna/tensor';
 * let leaked = ones([1]);
 * scope(() => {
 *   leaked = ones([2]);
 * });
 * try {
 *   leaked.data();
 * } catch (e) {
 *   console.log(e instanceof DisposedTensorError); // true
 * }
 * ```
 */
export class DisposedTensorError extends LacunaError {}

/** What a {@link DisposedTensorError} says about the tensor. @internal */
export const RELEASED_TENSOR =
  'is a released tensor (disposed, or created in a scope that ended without returning or ' +
  'keeping it), expected a live tensor';

/**
 * A scalar argument outside its allowed range or not finite, e.g. dropout `p = 1.5` or NaN.
 *
 * It extends the built-in `RangeError` (so `e instanceof RangeError` holds) and is also a
 * {@link LacunaError}, with `op` and `argument`. Named `ArgumentRangeError` so that it does not
 * shadow `RangeError`.
 *
 * @example
 * ```ts
 * import { ArgumentRangeError, Generator, dropout, ones } from '@lacuna/tensor';
 * const g = new Generator(0);
 * try {
 *   dropout(ones([4]), { p: 2, training: true, generator: g });
 * } catch (e) {
 *   console.log(e instanceof ArgumentRangeError); // true
 * }
 * ```
 */
export class ArgumentRangeError extends RangeError {
  /** The op that rejected its input. */
  readonly op: string;
  /** The argument at fault. */
  readonly argument: string;

  constructor(op: string, argument: string, detail: string) {
    super(`${op}: argument '${argument}' ${detail}`);
    this.name = 'ArgumentRangeError';
    this.op = op;
    this.argument = argument;
    brand(this);
  }
}

/** Formats a shape the way error messages print it: `[2,3]`. @internal */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/** Formats any value for an error message, short and unambiguous. @internal */
export function fmtValue(value: unknown): string {
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return fmtShape(value as number[]);
  return String(value);
}
