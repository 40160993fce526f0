import {
  ArgumentRangeError,
  checkOptionKeys,
  describeValue,
  type Generator,
  LacunaError,
  type Pair,
  requireGenerator as requireTensorGenerator,
} from '@lacuna/tensor';

// Argument checks shared by the layer constructors: every message names the layer, the argument,
// what was expected and what came, so a JavaScript caller never meets a bare TypeError.

/**
 * A short description of a value for a message. @internal
 *
 * Unlike `describeValue`, an array shows its elements: the arguments checked here are small
 * size lists (`noiseShape`, kernel sizes), where `[2, null]` says more than "an array of length 2".
 */
export function show(value: unknown): string {
  if (!Array.isArray(value)) return describeValue(value);
  const element = (v: unknown): string =>
    typeof v === 'number' ? String(v) : typeof v === 'string' ? JSON.stringify(v) : show(v);
  return `[${value.map(element).join(', ')}]`;
}

/**
 * Checks a layer's options object: `undefined` is allowed only when nothing in it is required,
 * and every key must be known. @internal
 */
export function checkLayerOptions(
  op: string,
  options: unknown,
  known: readonly string[],
  required: boolean,
): void {
  if (options === undefined && required)
    throw new LacunaError(
      op,
      'options',
      `must be an object with at least a 'generator' (e.g. { generator: new Generator(seed) }), got undefined`,
    );
  checkOptionKeys(op, options, known);
}

/** The generator a layer needs, named as its option by default. @internal */
export function requireGenerator(
  op: string,
  value: unknown,
  argument = 'options.generator',
): Generator {
  return requireTensorGenerator(op, value, argument);
}

/** A positive integer size, else an ArgumentRangeError. @internal */
export function positiveInteger(op: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1)
    throw new ArgumentRangeError(op, name, `must be a positive integer, got ${show(value)}`);
  return value;
}

/** A finite number, else an ArgumentRangeError. @internal */
export function finiteNumber(op: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new ArgumentRangeError(op, name, `must be a finite number, got ${show(value)}`);
  return value;
}

/** An integer (an axis), else an ArgumentRangeError. @internal */
export function integer(op: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value))
    throw new ArgumentRangeError(op, name, `must be an integer, got ${show(value)}`);
  return value;
}

/**
 * A window-size-like argument: an integer ≥ `min`, or a pair of them; returned as a fresh pair so
 * later changes to the caller's array cannot reach the layer. @internal
 */
export function checkPair(op: string, name: string, value: unknown, min: number): Pair {
  const ok = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= min;
  if (ok(value)) return value as number;
  if (Array.isArray(value) && value.length === 2 && value.every(ok))
    return [value[0], value[1]] as [number, number];
  throw new ArgumentRangeError(
    op,
    name,
    `must be an integer ≥ ${min} or a pair of them, got ${show(value)}`,
  );
}
