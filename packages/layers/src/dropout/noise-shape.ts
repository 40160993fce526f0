import {
  bernoulli,
  checkOptionKeys,
  dropout,
  type Generator,
  keepProbability,
  maskedAffine,
  optionKeys,
  ShapeError,
  type Tensor,
} from '@lacuna/tensor';
import { show } from '../validate.js';
import { checkP } from './base.js';

/** One entry per axis of the input: 1 shares one mask value along that axis, null (or the axis's size) draws independently. */
export type NoiseShape = readonly (number | null)[];

/**
 * Checks a noise shape where it is given (a layer's constructor): an array whose entries are null
 * or positive integers. Returns a frozen copy, so changing the caller's array later cannot change
 * the layer. @internal
 */
export function checkNoiseShape(op: string, value: unknown): NoiseShape | undefined {
  if (value === undefined) return undefined;
  const entryOk = (d: unknown) =>
    d === null || (typeof d === 'number' && Number.isInteger(d) && d >= 1);
  if (!Array.isArray(value) || !value.every(entryOk))
    throw new ShapeError(
      op,
      'noiseShape',
      `must be an array with one entry per input axis, each null, 1 or the axis's size, got ${show(value)}`,
    );
  return Object.freeze([...value]) as NoiseShape;
}

/** Resolves a noise shape against x's shape with a strict rank check. @internal */
export function resolveNoiseShape(op: string, x: Tensor, noiseShape: NoiseShape): number[] {
  if (noiseShape.length !== x.rank) {
    throw new ShapeError(
      op,
      'noiseShape',
      `must have one entry per axis of x (rank ${x.rank}, shape [${x.shape.join(',')}]), got [${noiseShape.join(',')}]`,
    );
  }
  return noiseShape.map((d, i) => {
    const size = x.shape[i]!;
    if (d === null || d === size) return size;
    if (d === 1) return 1;
    throw new ShapeError(op, 'noiseShape', `entry ${i} must be 1, null or ${size}, got ${d}`);
  });
}

const SHARED_MASK_KEYS = optionKeys<Parameters<typeof sharedMaskDropout>[1]>({
  p: true,
  training: true,
  generator: true,
  noiseShape: true,
});

/**
 * Dropout with a shared mask: one Bernoulli(1-p) value per position of `noiseShape`, broadcast
 * over the axes where it is 1, kept values scaled by 1/(1-p). With no shared axis it is the
 * fused elementwise kernel. The mask is kept as one byte per mask element for backward.
 *
 * This single primitive gives spatial dropout ([N, C, 1, 1]), locked / variational sequence
 * dropout ([N, 1, F]) and per-sample DropPath ([N, 1, …]).
 *
 * @param x - float32 input.
 * @param options - `p` in [0, 1), `training` (required), `generator`, `noiseShape`.
 * @example
 * ```ts
 * import { sharedMaskDropout } from '@lacuna/layers';
 * import { Generator, ones } from '@lacuna/tensor';
 * // Drop whole channels of a [2, 3, 4, 4] feature map.
 * sharedMaskDropout(ones([2, 3, 4, 4]), { p: 0.5, training: true, generator: new Generator(0), noiseShape: [null, null, 1, 1] });
 * ```
 */
export function sharedMaskDropout(
  x: Tensor,
  options: { p: number; training: boolean; generator: Generator; noiseShape?: NoiseShape },
): Tensor {
  checkOptionKeys('sharedMaskDropout', options, SHARED_MASK_KEYS);
  const { training, generator } = options;
  const p = checkP('sharedMaskDropout', options.p);
  const noiseShape = checkNoiseShape('sharedMaskDropout', options.noiseShape);
  const noise = noiseShape ? resolveNoiseShape('dropout', x, noiseShape) : [...x.shape];
  if (!training || p === 0 || noise.every((d, i) => d === x.shape[i]))
    return dropout(x, { p, training, generator });
  // Bernoulli and the scale use the same keep probability k on the kernels' 2⁻²⁴ grid: E[y] = x.
  const k = keepProbability(p, 'sharedMaskDropout');
  const mask = bernoulli(noise, { p: k, generator, dtype: 'bool' });
  return maskedAffine(x, mask, { scale: 1 / k });
}
