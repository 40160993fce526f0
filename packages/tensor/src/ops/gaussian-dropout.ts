import type { RandomKey } from '../backend/backend.js';
import { getBackend } from '../backend/registry.js';
import { ArgumentRangeError } from '../errors.js';
import { checkOptionKeys, optionKeys } from '../options.js';
import type { Generator } from '../random/generator.js';
import { record } from '../record.js';
import { allocateUnfilled } from '../storage.js';
import { Tensor } from '../tensor.js';
import { checkGenerator } from './random.js';
import { checkFloat, checkTraining } from './util.js';

// The option names, checked by the compiler against the options type.
const GAUSSIAN_DROPOUT_KEYS = optionKeys<Parameters<typeof gaussianDropout>[1]>({
  p: true,
  training: true,
  generator: true,
});

/**
 * What a recorded gaussianDropout keeps for its backward pass: the key its noise was drawn under
 * and the noise's spread, whatever the tensor's size.
 */
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
  const out = multiplicativeNoise(saved.key, saved.std, allocateUnfilled('float32', x.size));
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
 * const node = y.gradNode;
 * if (node?.op === 'gaussianDropout' && !node.released) {
 *   gaussianDropoutBackward(ones([3]), node.saved); // equals y (x is ones)
 * }
 * ```
 */
export function gaussianDropoutBackward(grad: Tensor, saved: GaussianSaved): Tensor {
  const out = multiplicativeNoise(saved.key, saved.std, allocateUnfilled('float32', grad.size));
  const gs = grad.storage;
  for (let i = 0; i < out.length; i++) out[i] = gs[i]! * out[i]!;
  return new Tensor(out, grad.shape, 'float32');
}
