import {
  ArgumentRangeError,
  checkOptionKeys,
  type Generator,
  normal,
  requireGenerator,
  Tensor,
  uniform,
} from '@lacuna/tensor';

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
  checkCount('twoMoons', n);
  checkSynthetic('twoMoons', options, []);
  const noise = checkNoise('twoMoons', options.noise ?? 0.1);
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

/** Options of the 2-D synthetic classification sets. */
export interface SyntheticOptions {
  /** The stream positions and noise are drawn from. */
  generator: Generator;
  /** Standard deviation of Gaussian noise added to each coordinate (default 0.1). */
  noise?: number;
}

function checkCount(op: string, n: number): void {
  if (!Number.isInteger(n) || n < 0)
    throw new ArgumentRangeError(op, 'n', `must be a non-negative integer, got ${n}`);
}

/** Unknown option keys and a missing generator are errors; `extra` are the op's own keys. */
function checkSynthetic(op: string, options: SyntheticOptions, extra: readonly string[]): void {
  checkOptionKeys(op, options, ['generator', 'noise', ...extra]);
  requireGenerator(op, options?.generator);
}

function checkNoise(op: string, noise: number): number {
  if (typeof noise !== 'number' || !(noise >= 0) || !Number.isFinite(noise))
    throw new ArgumentRangeError(op, 'noise', `must be a finite number ≥ 0, got ${noise}`);
  return noise;
}

/**
 * Two concentric circles (scikit-learn's `make_circles`): class 0 on the unit circle, class 1 on a
 * circle of radius `factor`, angles uniform, plus N(0, noise²) per coordinate. Classes alternate.
 *
 * @param n - Number of points.
 * @param options - `generator`, `noise` (default 0.1), `factor` in (0, 1) (default 0.5).
 * @returns x float32 [n, 2], y int32 [n].
 * @example
 * ```ts
 * import { circles } from '@lacuna/datasets';
 * import { Generator } from '@lacuna/tensor';
 * const { x, y } = circles(200, { generator: new Generator(0), factor: 0.4 });
 * ```
 */
export function circles(n: number, options: SyntheticOptions & { factor?: number }): Dataset {
  checkCount('circles', n);
  checkSynthetic('circles', options, ['factor']);
  const noise = checkNoise('circles', options.noise ?? 0.1);
  const factor = options.factor ?? 0.5;
  if (typeof factor !== 'number' || !(factor > 0 && factor < 1))
    throw new ArgumentRangeError('circles', 'factor', `must lie in (0, 1), got ${factor}`);
  const angle = uniform([n], { generator: options.generator, low: 0, high: 2 * Math.PI }).storage;
  const eps = normal([n * 2], { generator: options.generator, std: noise }).storage;
  const x = new Float32Array(n * 2);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const r = i % 2 === 0 ? 1 : factor;
    x[2 * i] = r * Math.cos(angle[i]!) + eps[2 * i]!;
    x[2 * i + 1] = r * Math.sin(angle[i]!) + eps[2 * i + 1]!;
    y[i] = i % 2;
  }
  return { x: new Tensor(x, [n, 2], 'float32'), y: new Tensor(y, [n], 'int32') };
}

/**
 * Interleaved spirals, one arm per class (the CS231n toy set): arm c at radius r ∈ [0, 1] has angle
 * `4r + 2πc/classes`, plus N(0, noise²) per coordinate. Classes cycle, so any prefix is balanced.
 *
 * @param n - Number of points.
 * @param options - `generator`, `noise` (default 0.1), `classes` (default 3).
 * @returns x float32 [n, 2], y int32 [n].
 * @example
 * ```ts
 * import { spirals } from '@lacuna/datasets';
 * import { Generator } from '@lacuna/tensor';
 * const { x, y } = spirals(300, { generator: new Generator(0), classes: 3 });
 * ```
 */
export function spirals(n: number, options: SyntheticOptions & { classes?: number }): Dataset {
  checkCount('spirals', n);
  checkSynthetic('spirals', options, ['classes']);
  const noise = checkNoise('spirals', options.noise ?? 0.1);
  const classes = options.classes ?? 3;
  if (!Number.isInteger(classes) || classes < 2)
    throw new ArgumentRangeError('spirals', 'classes', `must be an integer ≥ 2, got ${classes}`);
  const radius = uniform([n], { generator: options.generator }).storage;
  const eps = normal([n * 2], { generator: options.generator, std: noise }).storage;
  const x = new Float32Array(n * 2);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % classes;
    const r = radius[i]!;
    const t = 4 * r + (2 * Math.PI * c) / classes;
    x[2 * i] = r * Math.sin(t) + eps[2 * i]!;
    x[2 * i + 1] = r * Math.cos(t) + eps[2 * i + 1]!;
    y[i] = c;
  }
  return { x: new Tensor(x, [n, 2], 'float32'), y: new Tensor(y, [n], 'int32') };
}

/**
 * A noisy 1-D regression set: `y = sin(2πx)·x + ε`, x ~ U(-1, 1), ε ~ N(0, noise²). Small sets of it
 * are what an over-sized net memorises and dropout smooths.
 *
 * @param n - Number of points.
 * @param options - `generator`, `noise` (default 0.1).
 * @returns x float32 [n, 1], y float32 [n, 1].
 * @example
 * ```ts
 * import { regression1d } from '@lacuna/datasets';
 * import { Generator } from '@lacuna/tensor';
 * const { x, y } = regression1d(40, { generator: new Generator(0), noise: 0.2 });
 * ```
 */
export function regression1d(n: number, options: SyntheticOptions): Dataset {
  checkCount('regression1d', n);
  checkSynthetic('regression1d', options, []);
  const noise = checkNoise('regression1d', options.noise ?? 0.1);
  const x = uniform([n, 1], { generator: options.generator, low: -1, high: 1 });
  const eps = normal([n, 1], { generator: options.generator, std: noise }).storage;
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const v = x.storage[i]!;
    y[i] = Math.sin(2 * Math.PI * v) * v + eps[i]!;
  }
  return { x, y: new Tensor(y, [n, 1], 'float32') };
}
