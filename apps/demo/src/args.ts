import { InvalidArgumentError } from 'commander';

/** The documented ranges of the numeric options (README "Options"); help text quotes them. */
export const LIMITS = {
  trainSize: { min: 1, max: 60_000 }, // the largest training set the demo loads (MNIST's)
  epochs: { min: 1, max: 1000 },
  seed: { min: 0, max: 4_294_967_295 }, // any 32-bit unsigned seed
  seeds: { min: 1, max: 20 },
  lr: { max: 10 },
} as const;

// Plain decimal digits only: Number() would also take '', ' 7 ', '0x10', '1e3' and 'Infinity'.
const DIGITS = /^[0-9]+$/;
// A plain decimal number with an optional exponent; no sign, hex, blanks or Infinity.
const DECIMAL = /^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;

/**
 * A commander value parser for an integer option written in decimal digits within [min, max].
 * Rejects what `Number()` would quietly accept (`''`, `0x10`, `1e100`, ` 5`), so a typo is a
 * usage error instead of a run that trains for ever or on a surprising size.
 */
export function integerIn(name: string, min: number, max: number): (value: string) => number {
  return (value) => {
    const n = DIGITS.test(value) ? Number(value) : Number.NaN;
    if (!(n >= min && n <= max))
      throw new InvalidArgumentError(
        `${name} must be a whole number from ${min} to ${max} in decimal digits, got ${JSON.stringify(value)}`,
      );
    return n;
  };
}

/** A commander value parser for a decimal learning rate in (0, LIMITS.lr.max]. */
export function learningRate(value: string): number {
  const v = DECIMAL.test(value) ? Number(value) : Number.NaN;
  if (!(v > 0 && v <= LIMITS.lr.max))
    throw new InvalidArgumentError(
      `--lr must be a decimal number in (0, ${LIMITS.lr.max}], got ${JSON.stringify(value)}`,
    );
  return v;
}

/** A commander value parser for a drop probability: a decimal number in [0, 1). */
export function probability(name: string): (value: string) => number {
  return (value) => {
    const p = DECIMAL.test(value) ? Number(value) : Number.NaN;
    if (!(p >= 0 && p < 1))
      throw new InvalidArgumentError(
        `${name}: a drop probability must lie in [0, 1), got ${JSON.stringify(value)}`,
      );
    return p;
  };
}

/**
 * The user's arguments without a leading `--`.
 *
 * `pnpm --filter @lacuna/demo start -- sweep` (and `npm start -- sweep`) pass the separator on to
 * the script; commander would read everything after it as operands. The demo takes no operands
 * of its own, so a leading `--` can only be that separator.
 */
export function userArgs(argv: readonly string[]): string[] {
  const args = argv.slice(2);
  return args[0] === '--' ? args.slice(1) : args;
}
