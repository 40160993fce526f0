import type { RandomKey } from '../backend/backend.js';
import { getBackend } from '../backend/registry.js';
import { ArgumentRangeError } from '../errors.js';
import { checkOptionKeys, describeValue, optionEnum, optionKeys } from '../options.js';
import type { Generator } from '../random/generator.js';
import { record } from '../record.js';
import { allocateUnfilled } from '../storage.js';
import { Tensor } from '../tensor.js';
import { mul } from './binary.js';
import { checkGenerator, type RandomOptions } from './random.js';
import { checkFloat, checkTraining } from './util.js';

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

/**
 * What a recorded dropout keeps for its backward pass: 16 bytes, whatever the tensor's size. The
 * mask is regenerated from the key (counter-based random bits), never stored, never re-drawn.
 */
export interface DropoutSaved {
  /** The key the mask was drawn under. */
  readonly key: RandomKey;
  /** Keep when the element's 24-bit uniform integer is below this: round((1-p)·2²⁴). */
  readonly keepThreshold: number;
  /**
   * 2²⁴/keepThreshold (one over the keep probability actually used) rounded to float32 for
   * inverted scaling, 1 for classic.
   */
  readonly scale: number;
}

/** The dropout output and the mask it used (1 = kept), one byte per element. */
export interface DropoutResult {
  /** The dropped-out and scaled tensor. */
  output: Tensor;
  /** bool tensor of x's shape; null when nothing was drawn (inference or p = 0). */
  mask: Tensor | null;
}

const DROPOUT_KEYS = optionKeys<DropoutOptions>({
  generator: true,
  p: true,
  training: true,
  scaling: true,
});

/** The 24-bit grid of the mask kernels: an element is kept when its uniform integer in [0, 2²⁴) is below a threshold. @internal */
export const GRID = 16777216;

/**
 * The keep probability the dropout kernels really use for drop probability `p`, after checking `p`.
 *
 * Rule: masks compare 24-bit uniform integers with the threshold `round((1-p)·2²⁴)`, so an element
 * is kept with probability exactly `k = round((1-p)·2²⁴)/2²⁴`, which differs from 1-p by at most
 * 2⁻²⁵. Inverted dropout scales by 1/k (not 1/(1-p)), so E[y] = x exactly for every accepted p.
 * `p` must lie in [0, 1 − 2⁻²⁴]: above that (1-p)·2²⁴ < 1, and the threshold would round to 0
 * (nothing kept) or to 1 (kept up to twice as often as asked). A p of 1 − 1e-7 keeps with
 * probability 2·2⁻²⁴ ≈ 1.19e-7.
 *
 * @param p - The drop probability.
 * @param op - The op to name in errors (default `'dropout'`).
 * @returns `k`, a multiple of 2⁻²⁴ in [2⁻²⁴, 1].
 * @throws ArgumentRangeError when `p` is not a number in [0, 1 − 2⁻²⁴].
 * @example
 * ```ts
 * import { keepProbability } from '@lacuna/tensor';
 * keepProbability(0.5);        // 0.5
 * keepProbability(1 - 1e-7);   // 1.1920928955078125e-7 (= 2 / 2²⁴)
 * ```
 */
export function keepProbability(p: number, op = 'dropout'): number {
  if (typeof p !== 'number' || !(p >= 0 && p < 1)) {
    throw new ArgumentRangeError(
      op,
      'p',
      `is the drop probability and must lie in [0, 1), got ${typeof p === 'number' ? p : describeValue(p)}`,
    );
  }
  // Checked before rounding: round() would take (1-p)·2²⁴ = 0.5 up to 1 and keep twice as often as asked.
  if ((1 - p) * GRID < 1) {
    throw new ArgumentRangeError(
      op,
      'p',
      `is the drop probability and must be at most 1 - 2^-24 (masks compare 24-bit uniform integers with round((1-p)·2^24), which would round to 0 and keep nothing, or to 1 and keep up to twice as often as asked), got ${p}`,
    );
  }
  return Math.round((1 - p) * GRID) / GRID;
}

function checkOptions(
  op: string,
  options: DropoutOptions,
  argument = 'options',
): { p: number; scaling: DropoutScaling } {
  checkOptionKeys(op, options, DROPOUT_KEYS, argument);
  const p = options?.p;
  keepProbability(p, op);
  checkTraining(op, options.training);
  const scaling = optionEnum(op, 'scaling', options.scaling, ['inverted', 'classic'], 'inverted');
  return { p, scaling };
}

/** One draw's saved values: a fresh key from `generator`, the threshold and the scale. */
function draw(p: number, scaling: DropoutScaling, generator: Generator): DropoutSaved {
  const keepThreshold = Math.round((1 - p) * GRID);
  return {
    key: generator.nextKey(),
    keepThreshold,
    // One over the keep probability the kernel really uses (keepThreshold/2²⁴), so E[y] = x exactly;
    // rounded to float32 so every backend's float32 product x·scale is the same number.
    scale: scaling === 'inverted' ? Math.fround(GRID / keepThreshold) : 1,
  };
}

/**
 * Dropout as the last step of a fused op (linear's `dropout` option): validates `options` as
 * {@link dropout} does, naming `op` and `options.dropout`, and returns the mask's saved values
 * when training draws one (the same key {@link dropout} would draw from the same generator
 * state), else null with the factor inference applies instead (the keep probability for classic
 * scaling with p > 0, else 1). @internal
 */
export function fusedDropout(
  op: string,
  options: DropoutOptions,
): { saved: DropoutSaved | null; factor: number } {
  const { p, scaling } = checkOptions(op, options, 'options.dropout');
  const generator = checkGenerator(op, options);
  if (!options.training) {
    return { saved: null, factor: scaling === 'classic' && p > 0 ? keepProbability(p) : 1 };
  }
  return p === 0 ? { saved: null, factor: 1 } : { saved: draw(p, scaling, generator), factor: 1 };
}

/** Runs the fused kernel, recording the key (not the mask) for backward. */
function apply(
  x: Tensor,
  p: number,
  scaling: DropoutScaling,
  generator: Generator,
  mask?: Uint8Array,
): Tensor {
  const saved = draw(p, scaling, generator);
  const out = allocateUnfilled('float32', x.size);
  getBackend().dropout(x.storage as Float32Array, out, saved, mask);
  return record('dropout', [x], new Tensor(out, x.shape, 'float32'), { ...saved });
}

/**
 * Validates the options and resolves what dropout does: `maskFree` is the output when no mask is
 * drawn (inference, or training with p = 0), null when dropout must draw one.
 */
function resolveDropout(
  x: Tensor,
  options: DropoutOptions,
): { p: number; scaling: DropoutScaling; generator: Generator; maskFree: Tensor | null } {
  checkFloat('dropout', 'x', x);
  const { p, scaling } = checkOptions('dropout', options);
  const generator = checkGenerator('dropout', options);
  const maskFree = !options.training
    ? scaling === 'classic' && p > 0
      ? mul(x, keepProbability(p)) // the keep probability training really used
      : x
    : p === 0
      ? x
      : null;
  return { p, scaling, generator, maskFree };
}

/**
 * Dropout that also returns its mask (one byte per element, computed only on request). See
 * {@link dropout} for the math.
 *
 * @example
 * ```ts
 * import { Generator, dropoutWithMask, ones } from '@lacuna/tensor';
 * const { output, mask } = dropoutWithMask(ones([8]), { p: 0.5, training: true, generator: new Generator(0) });
 * ```
 */
export function dropoutWithMask(x: Tensor, options: DropoutOptions): DropoutResult {
  const { p, scaling, generator, maskFree } = resolveDropout(x, options);
  if (maskFree) return { output: maskFree, mask: null };
  const mask = new Uint8Array(x.size);
  return { output: apply(x, p, scaling, generator, mask), mask: new Tensor(mask, x.shape, 'bool') };
}

/**
 * Dropout (Srivastava et al., "Dropout: A Simple Way to Prevent Neural Networks from
 * Overfitting", JMLR 2014): in training, zero each element independently with probability `p`.
 *
 * Inverted scaling (default): `y = x · m / k`, `m ~ Bernoulli(k)`; identity at inference.
 * Classic scaling: `y = x · m` in training and `y = x · k` at inference. Both keep
 * E[y] equal between training and inference. `k` is the keep probability 1-p on the kernels'
 * 2⁻²⁴ grid (see {@link keepProbability}): within 2⁻²⁵ of 1-p, and exact for the scale, so
 * E[y] = x for every accepted p in [0, 1 − 2⁻²⁴]. Unknown option keys are errors. Each call draws a fresh 64-bit key from
 * `generator`, and element i is kept when a counter-based hash of (key, i) falls below the threshold round((1-p)·2²⁴) of {@link keepProbability}: the
 * same generator state gives the same mask bit for bit, and the backward pass regenerates the
 * mask from the key (16 bytes kept between forward and backward, whatever the size).
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
  const { p, scaling, generator, maskFree } = resolveDropout(x, options);
  return maskFree ?? apply(x, p, scaling, generator);
}

/**
 * The backward pass of a recorded dropout: `dx = grad · m · scale` with the same mask m,
 * regenerated from the saved key by the same fused kernel.
 *
 * @param grad - Gradient of the dropout's output.
 * @param saved - The dropout node's saved values (`output.gradNode.saved`).
 * @example
 * ```ts
 * import { Generator, dropout, dropoutBackward, ones } from '@lacuna/tensor';
 * const x = ones([4]);
 * x.requiresGrad = true;
 * const y = dropout(x, { p: 0.5, training: true, generator: new Generator(0) });
 * const node = y.gradNode;
 * if (node?.op === 'dropout' && !node.released) {
 *   dropoutBackward(ones([4]), node.saved).toArray(); // equals y: same mask, same scale
 * }
 * ```
 */
export function dropoutBackward(grad: Tensor, saved: DropoutSaved): Tensor {
  const out = allocateUnfilled('float32', grad.size);
  getBackend().dropout(grad.storage as Float32Array, out, saved);
  return new Tensor(out, grad.shape, 'float32');
}
