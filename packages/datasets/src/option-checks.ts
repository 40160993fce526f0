import { ArgumentRangeError, describeValue, LacunaError } from '@lacuna/tensor';

/** A positive safe integer option (`undefined` gives `fallback`). */
export function optionPositiveInteger(
  op: string,
  name: string,
  value: unknown,
  fallback: number,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1)
    throw new ArgumentRangeError(
      op,
      name,
      `must be a positive integer, got ${describeValue(value)}`,
    );
  return value;
}

/** A finite number option ≥ 0 (`undefined` gives `fallback`). */
export function optionNonNegative(
  op: string,
  name: string,
  value: unknown,
  fallback: number,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
    throw new ArgumentRangeError(
      op,
      name,
      `must be a finite number ≥ 0, got ${describeValue(value)}`,
    );
  return value;
}

/** A non-empty string option, or `undefined`. */
export function optionString(op: string, name: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0)
    throw new LacunaError(op, name, `must be a non-empty string, got ${describeValue(value)}`);
  return value;
}

/** A function option, or `undefined`. */
export function optionFunction<T>(op: string, name: string, value: unknown): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'function')
    throw new LacunaError(op, name, `must be a function, got ${describeValue(value)}`);
  return value as T;
}
