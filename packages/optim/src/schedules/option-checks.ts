// Range checks shared by the schedules' constructors; each throws an ArgumentRangeError naming
// the schedule and the option.
import { ArgumentRangeError } from '@lacuna/tensor';

/** `v` if it is an integer ≥ 1. */
export function positiveInt(op: string, name: string, v: number): number {
  if (!Number.isInteger(v) || v < 1)
    throw new ArgumentRangeError(op, name, `must be a positive integer, got ${v}`);
  return v;
}

/** `v` if it lies in [0, 1], or in [0, 1) when `open`. */
export function inUnit(op: string, name: string, v: number, open = false): number {
  if (typeof v !== 'number' || !(v >= 0 && (open ? v < 1 : v <= 1)))
    throw new ArgumentRangeError(op, name, `must lie in [0, 1${open ? ')' : ']'}, got ${v}`);
  return v;
}
