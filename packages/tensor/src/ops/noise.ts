import type { RandomKey } from '../backend/backend.js';
import { getBackend } from '../backend/registry.js';
import { ArgumentRangeError, DTypeError, LacunaError, ShapeError } from '../errors.js';
import { checkOptionKeys, optionKeys } from '../options.js';
import type { Generator } from '../random/generator.js';
import { record } from '../record.js';
import { broadcastShapes, sameShape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { checkGenerator } from './random.js';
import { checkFloat, checkTensor } from './util.js';

function checkTraining(op: string, training: unknown): boolean {
  if (typeof training !== 'boolean') {
    throw new LacunaError(
      op,
      'training',
      `must be true or false (it has no default), got ${String(training)}`,
    );
  }
  return training;
}

// The option names of the noise ops, checked by the compiler against their options types.
const GAUSSIAN_DROPOUT_KEYS = optionKeys<Parameters<typeof gaussianDropout>[1]>({
  p: true,
  training: true,
  generator: true,
});
const GAUSSIAN_NOISE_KEYS = optionKeys<Parameters<typeof gaussianNoise>[1]>({
  std: true,
  training: true,
  generator: true,
});

/** What a recorded Gaussian dropout keeps for backward: the key and σ, not the noise. */
export interface GaussianSaved {
  /** The key the noise was drawn under. */
  readonly key: RandomKey;
  /** Standard deviation of the multiplicative noise. */
  readonly std: number;
}

/** Fills `out` with 1 + std·z, z ~ N(0, 1) drawn under `key`. */
function multiplicativeNoise(key: RandomKey, std: number, out: Float32Array): Float32Array {
  getBackend().normal(key, out);
  for (let i = 0; i < out.length; i++) out[i] = 1 + std * out[i]!;
  return out;
}

/**
 * Gaussian dropout (Srivastava et al. 2014, section 10): multiply by noise instead of zeroing,
 * `y = x·ξ`, `ξ ~ N(1, p/(1-p))`, which has the mean and variance of inverted Bernoulli dropout
 * with drop probability p. Identity at inference. The noise is regenerated from its key in
 * backward (`dx = g·ξ`), so nothing per element is kept.
 *
 * @param x - float32, any shape.
 * @param options - `p` in [0, 1), `training` (required), `generator`.
 * @example
 * ```ts
 * import { Generator, gaussianDropout, ones } from '@lacuna/tensor';
 * gaussianDropout(ones([4]), { p: 0.5, training: true, generator: new Generator(0) }); // mean 1, variance 1
 * ```
 */
export function gaussianDropout(
  x: Tensor,
  options: { p: number; training: boolean; generator: Generator },
): Tensor {
  checkFloat('gaussianDropout', 'x', x);
  checkOptionKeys('gaussianDropout', options, GAUSSIAN_DROPOUT_KEYS);
  const p = options?.p;
  if (typeof p !== 'number' || !(p >= 0 && p < 1)) {
    throw new ArgumentRangeError(
      'gaussianDropout',
      'p',
      `is the drop probability and must lie in [0, 1), got ${p}`,
    );
  }
  const generator = checkGenerator('gaussianDropout', options);
  if (!checkTraining('gaussianDropout', options.training) || p === 0) return x;
  const saved: GaussianSaved = { key: generator.nextKey(), std: Math.sqrt(p / (1 - p)) };
  const out = multiplicativeNoise(saved.key, saved.std, new Float32Array(x.size));
  const xs = x.storage;
  for (let i = 0; i < out.length; i++) out[i] = xs[i]! * out[i]!;
  return record('gaussianDropout', [x], new Tensor(out, x.shape, 'float32'), { ...saved });
}

/**
 * The backward pass of a recorded {@link gaussianDropout}: `dx = g·ξ` with ξ regenerated from the key.
 *
 * @example
 * ```ts
 * import { Generator, gaussianDropout, gaussianDropoutBackward, ones } from '@lacuna/tensor';
 * const x = ones([3]);
 * x.requiresGrad = true;
 * const y = gaussianDropout(x, { p: 0.3, training: true, generator: new Generator(1) });
 * gaussianDropoutBackward(ones([3]), y.gradNode!.saved as never); // equals y (x is ones)
 * ```
 */
export function gaussianDropoutBackward(grad: Tensor, saved: GaussianSaved): Tensor {
  const out = multiplicativeNoise(saved.key, saved.std, new Float32Array(grad.size));
  const gs = grad.storage;
  for (let i = 0; i < out.length; i++) out[i] = gs[i]! * out[i]!;
  return new Tensor(out, grad.shape, 'float32');
}

/**
 * Additive Gaussian noise, `y = x + ε`, `ε ~ N(0, σ²)`, in training; identity at inference. A
 * regulariser (Keras's GaussianNoise); its gradient is the identity, so nothing is kept.
 *
 * @param x - float32, any shape.
 * @param options - `std` σ ≥ 0, `training` (required), `generator`.
 * @example
 * ```ts
 * import { Generator, gaussianNoise, zeros } from '@lacuna/tensor';
 * gaussianNoise(zeros([4]), { std: 0.1, training: true, generator: new Generator(0) });
 * ```
 */
export function gaussianNoise(
  x: Tensor,
  options: { std: number; training: boolean; generator: Generator },
): Tensor {
  checkFloat('gaussianNoise', 'x', x);
  checkOptionKeys('gaussianNoise', options, GAUSSIAN_NOISE_KEYS);
  const std = options?.std;
  if (typeof std !== 'number' || !Number.isFinite(std) || std < 0) {
    throw new ArgumentRangeError('gaussianNoise', 'std', `must be a finite number ≥ 0, got ${std}`);
  }
  const generator = checkGenerator('gaussianNoise', options);
  if (!checkTraining('gaussianNoise', options.training) || std === 0) return x;
  const out = new Float32Array(x.size);
  getBackend().normal(generator.nextKey(), out);
  const xs = x.storage;
  for (let i = 0; i < out.length; i++) out[i] = xs[i]! + std * out[i]!;
  return record('gaussianNoise', [x], new Tensor(out, x.shape, 'float32'), {});
}

const MASKED_AFFINE_KEYS = optionKeys<MaskedAffineOptions>({
  scale: true,
  shift: true,
  fill: true,
});

/** Coefficients of {@link maskedAffine}. */
export interface MaskedAffineOptions {
  /** Multiplier of kept elements. */
  scale: number;
  /** Added to kept elements (default 0). */
  shift?: number;
  /** Value of dropped elements (default 0). */
  fill?: number;
}

/**
 * `y = m ? x·scale + shift : x·0 + fill`, with a bool `mask` that broadcasts to x's shape: the
 * shared primitive behind dropout with a `noiseShape` (spatial, locked, drop-path), alpha dropout
 * and DropBlock. A dropped element is `x·0 + fill`, not `fill`, so a NaN or ±Infinity input stays
 * NaN, as in PyTorch, whose dropouts multiply by the mask. The backward pass keeps only the mask
 * (1 byte per mask element): `dx = m ? g·scale : g·0`.
 *
 * @param x - float32.
 * @param mask - bool, broadcastable to x's shape (same rank or fewer leading axes).
 * @param options - `scale`, `shift`, `fill`.
 * @example
 * ```ts
 * import { maskedAffine, ones, tensor } from '@lacuna/tensor';
 * // Spatial dropout of 2 channels: channel 1 dropped, channel 0 kept and scaled by 2.
 * maskedAffine(ones([1, 2, 2]), tensor([[[true], [false]]]), { scale: 2 }).toArray(); // [[[2, 2], [0, 0]]]
 * ```
 */
export function maskedAffine(x: Tensor, mask: Tensor, options: MaskedAffineOptions): Tensor {
  checkFloat('maskedAffine', 'x', x);
  checkTensor('maskedAffine', 'mask', mask);
  if (mask.dtype !== 'bool')
    throw new DTypeError('maskedAffine', 'mask', `must have dtype bool, got ${mask.dtype}`);
  if (!sameShape(broadcastShapes(x.shape, mask.shape, 'maskedAffine'), x.shape)) {
    throw new ShapeError(
      'maskedAffine',
      'mask',
      `of shape [${mask.shape.join(',')}] must broadcast to x's shape [${x.shape.join(',')}] without growing it`,
    );
  }
  checkOptionKeys('maskedAffine', options, MASKED_AFFINE_KEYS);
  const { scale, shift = 0, fill = 0 } = options ?? ({} as MaskedAffineOptions);
  for (const [name, v] of [
    ['scale', scale],
    ['shift', shift],
    ['fill', fill],
  ] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw new ArgumentRangeError('maskedAffine', name, `must be a finite number, got ${v}`);
  }
  const out = new Float32Array(x.size);
  getBackend().maskedAffine(
    x.storage as Float32Array,
    x.shape,
    mask.storage as Uint8Array,
    mask.shape,
    scale,
    shift,
    fill,
    out,
  );
  return record('maskedAffine', [x], new Tensor(out, x.shape, 'float32'), { mask, scale });
}

/**
 * The backward pass of {@link maskedAffine}: `dx = m ? g·scale : 0`.
 *
 * @example
 * ```ts
 * import { maskedAffineBackward, ones, tensor } from '@lacuna/tensor';
 * maskedAffineBackward(ones([2]), tensor([true, false]), 3).toArray(); // [3, 0]
 * ```
 */
export function maskedAffineBackward(grad: Tensor, mask: Tensor, scale: number): Tensor {
  const out = new Float32Array(grad.size);
  getBackend().maskedAffine(
    grad.storage as Float32Array,
    grad.shape,
    mask.storage as Uint8Array,
    mask.shape,
    scale,
    0,
    0,
    out,
  );
  return new Tensor(out, grad.shape, 'float32');
}
