import { getBackend } from '../backend/registry.js';
import { ArgumentRangeError, LacunaError } from '../errors.js';
import { record } from '../record.js';
import { Tensor } from '../tensor.js';
import { mul } from './binary.js';
import { checkGenerator, type RandomOptions } from './random.js';
import { checkFloat } from './util.js';

/** How dropout keeps the expected activation unchanged. */
export type DropoutScaling = 'inverted' | 'classic';

/** Options of {@link dropout}. */
export interface DropoutOptions extends RandomOptions {
  /** Probability of dropping (zeroing) each element, in [0, 1). */
  p: number;
  /** Required, never defaulted: dropout is active only when true. */
  training: boolean;
  /**
   * `'inverted'` (default): scale kept units by 1/(1-p) in training, identity at inference.
   * `'classic'` (Srivastava et al. 2014): no scaling in training, multiply by 1-p at inference.
   */
  scaling?: DropoutScaling;
}

/** The dropout output and the mask it used (1 = kept), one byte per element. */
export interface DropoutResult {
  /** The dropped-out and scaled tensor. */
  output: Tensor;
  /** bool tensor of x's shape; null when nothing was drawn (inference or p = 0). */
  mask: Tensor | null;
}

function checkOptions(options: DropoutOptions): { p: number; scaling: DropoutScaling } {
  const p = options?.p;
  if (typeof p !== 'number' || !(p >= 0 && p < 1)) {
    throw new ArgumentRangeError(
      'dropout',
      'p',
      `is the drop probability and must lie in [0, 1), got ${p}`,
    );
  }
  if (typeof options.training !== 'boolean') {
    throw new LacunaError(
      'dropout',
      'training',
      `must be true or false (it has no default), got ${String(options.training)}`,
    );
  }
  const scaling = options.scaling ?? 'inverted';
  if (scaling !== 'inverted' && scaling !== 'classic') {
    throw new LacunaError(
      'dropout',
      'scaling',
      `must be 'inverted' or 'classic', got ${JSON.stringify(scaling)}`,
    );
  }
  return { p, scaling };
}

/**
 * Dropout that also returns its mask. See {@link dropout} for the math.
 *
 * @example
 * ```ts
 * import { Generator, dropoutWithMask, ones } from '@lacuna/tensor';
 * const { output, mask } = dropoutWithMask(ones([8]), { p: 0.5, training: true, generator: new Generator(0) });
 * ```
 */
export function dropoutWithMask(x: Tensor, options: DropoutOptions): DropoutResult {
  checkFloat('dropout', 'x', x);
  const { p, scaling } = checkOptions(options);
  const generator = checkGenerator('dropout', options);
  if (!options.training)
    return { output: scaling === 'classic' && p > 0 ? mul(x, 1 - p) : x, mask: null };
  if (p === 0) return { output: x, mask: null };
  const out = new Float32Array(x.size);
  const mask = new Uint8Array(x.size);
  const scale = scaling === 'inverted' ? 1 / (1 - p) : 1;
  const keepThreshold = Math.round((1 - p) * 16777216);
  getBackend().dropout(
    x.storage as Float32Array,
    keepThreshold,
    scale,
    generator.nextKey(),
    out,
    mask,
  );
  const output = record('dropout', [x], new Tensor(out, x.shape, 'float32'), { mask, scale });
  return { output, mask: new Tensor(mask, x.shape, 'bool') };
}

/**
 * Dropout (Srivastava et al., "Dropout: A Simple Way to Prevent Neural Networks from
 * Overfitting", JMLR 2014): in training, zero each element independently with probability `p`.
 *
 * Inverted scaling (default): `y = x · m / (1 - p)`, `m ~ Bernoulli(1 - p)`; identity at inference.
 * Classic scaling: `y = x · m` in training and `y = x · (1 - p)` at inference. Both keep
 * E[y] equal between training and inference. Each call draws a fresh mask from `generator`; the
 * same generator state gives the same mask, bit for bit. The backward pass multiplies by the same
 * mask and scale (the mask is saved, one byte per element).
 *
 * @param x - float32 input of any shape.
 * @param options - `p` (drop probability, [0, 1)), `training` (required), `generator`, `scaling`.
 * @returns A tensor of x's shape; `x` itself when inactive (inference with inverted scaling, p = 0).
 * @example
 * ```ts
 * import { Generator, dropout, ones } from '@lacuna/tensor';
 * const g = new Generator(0);
 * const y = dropout(ones([2, 4]), { p: 0.5, training: true, generator: g });
 * // each element is 0 or 2
 * ```
 */
export function dropout(x: Tensor, options: DropoutOptions): Tensor {
  return dropoutWithMask(x, options).output;
}
