import { ArgumentRangeError, type Generator, normal, Tensor, uniform } from '@lacuna/tensor';

/** A supervised set: inputs and integer class labels (or float targets), row by row. */
export interface Dataset {
  /** Inputs, first axis = examples. */
  x: Tensor;
  /** Targets, first axis = examples. */
  y: Tensor;
}

/** Options of {@link twoMoons}. */
export interface TwoMoonsOptions {
  /** The stream positions and noise are drawn from. */
  generator: Generator;
  /** Standard deviation of Gaussian noise added to each coordinate (default 0.1). */
  noise?: number;
}

/**
 * Two interleaving half circles in 2-D, a classic small set that an over-sized network over-fits
 * quickly (like scikit-learn's `make_moons`, with positions drawn at random).
 *
 * Class 0: (cos t, sin t); class 1: (1 - cos t, 0.5 - sin t); t ~ U(0, π); then
 * N(0, noise²) added to each coordinate. Classes alternate, so any prefix is balanced.
 *
 * @param n - Number of points.
 * @returns x float32 [n, 2], y int32 [n].
 * @example
 * ```ts
 * import { twoMoons } from '@lacuna/datasets';
 * import { Generator } from '@lacuna/tensor';
 * const { x, y } = twoMoons(200, { generator: new Generator(0), noise: 0.2 });
 * ```
 */
export function twoMoons(n: number, options: TwoMoonsOptions): Dataset {
  if (!Number.isInteger(n) || n < 0)
    throw new ArgumentRangeError('twoMoons', 'n', `must be a non-negative integer, got ${n}`);
  const noise = options.noise ?? 0.1;
  if (!(noise >= 0) || !Number.isFinite(noise)) {
    throw new ArgumentRangeError('twoMoons', 'noise', `must be a finite number ≥ 0, got ${noise}`);
  }
  const t = uniform([n], { generator: options.generator, low: 0, high: Math.PI }).storage;
  const eps = normal([n * 2], { generator: options.generator, std: noise }).storage;
  const x = new Float32Array(n * 2);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 2;
    const ti = t[i]!;
    x[2 * i] = (c === 0 ? Math.cos(ti) : 1 - Math.cos(ti)) + eps[2 * i]!;
    x[2 * i + 1] = (c === 0 ? Math.sin(ti) : 0.5 - Math.sin(ti)) + eps[2 * i + 1]!;
    y[i] = c;
  }
  return { x: new Tensor(x, [n, 2], 'float32'), y: new Tensor(y, [n], 'int32') };
}
