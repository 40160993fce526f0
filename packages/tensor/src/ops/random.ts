import { getBackend } from '../backend/registry.js';
import { ArgumentRangeError } from '../errors.js';
import { checkOptionKeys, optionEnum, optionKeys } from '../options.js';
import { type Generator, requireGenerator } from '../random/generator.js';
import { checkElementCount, checkShape, type Shape, sizeOf } from '../shape.js';
import { allocateUnfilled } from '../storage.js';
import { Tensor } from '../tensor.js';
import { GRID } from './dropout.js';

/** Every random op takes its generator explicitly: there is no hidden global seed. */
export interface RandomOptions {
  /** The stream to draw from; advanced by the call. */
  generator: Generator;
}

/** The `generator` option of a random op, checked. @internal */
export function checkGenerator(
  op: string,
  options: { generator?: unknown } | undefined,
): Generator {
  return requireGenerator(op, options?.generator);
}

// The option names of each random op, checked by the compiler against its options type.
const UNIFORM_KEYS = optionKeys<Parameters<typeof uniform>[1]>({
  generator: true,
  low: true,
  high: true,
});
const NORMAL_KEYS = optionKeys<Parameters<typeof normal>[1]>({
  generator: true,
  mean: true,
  std: true,
});
const BERNOULLI_KEYS = optionKeys<Parameters<typeof bernoulli>[1]>({
  generator: true,
  p: true,
  dtype: true,
});
const RANDOM_KEYS = optionKeys<RandomOptions>({ generator: true });

function checkFinite(op: string, argument: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ArgumentRangeError(op, argument, `must be a finite number, got ${value}`);
  }
  return value;
}

/**
 * Uniform float32 samples in [low, high) (24 random bits each).
 *
 * @param shape - Output shape.
 * @param options - `generator`, and `low` (default 0) and `high` (default 1).
 * @example
 * ```ts
 * import { Generator, uniform } from '@lacuna/tensor';
 * uniform([2, 2], { generator: new Generator(1), low: -1, high: 1 });
 * ```
 */
export function uniform(
  shape: Shape,
  options: RandomOptions & { low?: number; high?: number },
): Tensor {
  checkOptionKeys('uniform', options, UNIFORM_KEYS);
  checkShape('uniform', 'shape', shape);
  const g = checkGenerator('uniform', options);
  const low = checkFinite('uniform', 'low', options.low ?? 0);
  const high = checkFinite('uniform', 'high', options.high ?? 1);
  if (!(high > low))
    throw new ArgumentRangeError('uniform', 'high', `must exceed low = ${low}, got ${high}`);
  const out = allocateUnfilled('float32', sizeOf(shape));
  getBackend().uniform(g.nextKey(), out);
  if (low !== 0 || high !== 1) {
    for (let i = 0; i < out.length; i++) {
      // Guard the rounding edge: low + u·(high-low) can round up to high in float32.
      const v = Math.fround(low + out[i]! * (high - low));
      out[i] = v < high ? v : low;
    }
  }
  return new Tensor(out, shape, 'float32');
}

/**
 * Normal float32 samples with the given mean and standard deviation (Box–Muller).
 *
 * @param shape - Output shape.
 * @param options - `generator`, and `mean` (default 0) and `std` (default 1, ≥ 0).
 * @example
 * ```ts
 * import { Generator, normal } from '@lacuna/tensor';
 * normal([1000], { generator: new Generator(1), mean: 0, std: 0.01 });
 * ```
 */
export function normal(
  shape: Shape,
  options: RandomOptions & { mean?: number; std?: number },
): Tensor {
  checkOptionKeys('normal', options, NORMAL_KEYS);
  checkShape('normal', 'shape', shape);
  const g = checkGenerator('normal', options);
  const mu = checkFinite('normal', 'mean', options.mean ?? 0);
  const std = checkFinite('normal', 'std', options.std ?? 1);
  if (std < 0) throw new ArgumentRangeError('normal', 'std', `must be ≥ 0, got ${std}`);
  const out = allocateUnfilled('float32', sizeOf(shape));
  getBackend().normal(g.nextKey(), out);
  if (mu !== 0 || std !== 1) for (let i = 0; i < out.length; i++) out[i] = mu + std * out[i]!;
  return new Tensor(out, shape, 'float32');
}

/**
 * Bernoulli samples: 1 with probability `p`, else 0, as float32 (or as a bool mask with
 * `dtype: 'bool'`, one byte per element). `p` is used on the kernels' 2⁻²⁴ grid,
 * `round(p·2²⁴)/2²⁴` (within 2⁻²⁵ of the value given).
 *
 * @param shape - Output shape.
 * @param options - `generator`, `p` in [0, 1], `dtype` ('float32' or 'bool').
 * @example
 * ```ts
 * import { Generator, bernoulli } from '@lacuna/tensor';
 * bernoulli([10], { generator: new Generator(1), p: 0.3 });
 * ```
 */
export function bernoulli(
  shape: Shape,
  options: RandomOptions & { p: number; dtype?: 'float32' | 'bool' },
): Tensor {
  checkOptionKeys('bernoulli', options, BERNOULLI_KEYS);
  checkShape('bernoulli', 'shape', shape);
  const g = checkGenerator('bernoulli', options);
  const p = checkFinite('bernoulli', 'p', options.p);
  if (p < 0 || p > 1)
    throw new ArgumentRangeError('bernoulli', 'p', `must lie in [0, 1], got ${p}`);
  const out = allocateUnfilled('float32', sizeOf(shape)).fill(1);
  // The dropout kernel keeps each element with probability round(p·2²⁴)/2²⁴: applied to ones,
  // that is Bernoulli(p) with p on the kernels' 2⁻²⁴ grid (within 2⁻²⁵ of the p asked for).
  if (optionEnum('bernoulli', 'dtype', options.dtype, ['float32', 'bool'], 'float32') === 'bool') {
    const mask = new Uint8Array(out.length);
    getBackend().dropout(
      out,
      out,
      { keepThreshold: Math.round(p * GRID), scale: 1, key: g.nextKey() },
      mask,
    );
    return new Tensor(mask, shape, 'bool');
  }
  getBackend().dropout(out, out, {
    keepThreshold: Math.round(p * GRID),
    scale: 1,
    key: g.nextKey(),
  });
  return new Tensor(out, shape, 'float32');
}

/**
 * Uniform random integers in [low, high) as int32.
 *
 * @example
 * ```ts
 * import { Generator, randint } from '@lacuna/tensor';
 * randint(0, 10, [5], { generator: new Generator(1) });
 * ```
 */
export function randint(low: number, high: number, shape: Shape, options: RandomOptions): Tensor {
  checkOptionKeys('randint', options, RANDOM_KEYS);
  checkShape('randint', 'shape', shape);
  const g = checkGenerator('randint', options);
  if (!Number.isInteger(low))
    throw new ArgumentRangeError('randint', 'low', `must be an integer, got ${low}`);
  if (!Number.isInteger(high) || high <= low || high - low > 2 ** 32) {
    throw new ArgumentRangeError(
      'randint',
      'high',
      `must be an integer in (low, low + 2^32], got ${high}`,
    );
  }
  const out = new Int32Array(sizeOf(shape));
  const range = high - low;
  for (let i = 0; i < out.length; i++) out[i] = low + Math.floor(g.nextFloat() * range);
  return new Tensor(out, shape, 'int32');
}

/**
 * A uniformly random permutation of 0..n-1 as int32 (Fisher–Yates).
 *
 * @example
 * ```ts
 * import { Generator, permutation } from '@lacuna/tensor';
 * permutation(5, { generator: new Generator(1) }).toArray(); // e.g. [3, 0, 4, 1, 2]
 * ```
 */
export function permutation(n: number, options: RandomOptions): Tensor {
  if (!Number.isInteger(n) || n < 0)
    throw new ArgumentRangeError('permutation', 'n', `must be a non-negative integer, got ${n}`);
  checkOptionKeys('permutation', options, RANDOM_KEYS);
  checkElementCount('permutation', 'n', [n]);
  const g = checkGenerator('permutation', options);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(g.nextFloat() * (i + 1));
    const t = out[i]!;
    out[i] = out[j]!;
    out[j] = t;
  }
  return new Tensor(out, [n], 'int32');
}
