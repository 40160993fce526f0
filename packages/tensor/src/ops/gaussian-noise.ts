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
const GAUSSIAN_NOISE_KEYS = optionKeys<Parameters<typeof gaussianNoise>[1]>({
  std: true,
  training: true,
  generator: true,
});

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
  const out = allocateUnfilled('float32', x.size);
  getBackend().normal(generator.nextKey(), out);
  const xs = x.storage;
  for (let i = 0; i < out.length; i++) out[i] = xs[i]! + std * out[i]!;
  return record('gaussianNoise', [x], new Tensor(out, x.shape, 'float32'), {});
}
