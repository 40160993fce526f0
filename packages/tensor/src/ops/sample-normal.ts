import { getBackend } from '../backend/registry.js';
import { ArgumentRangeError } from '../errors.js';
import { checkOptionKeys, optionKeys } from '../options.js';
import type { Generator } from '../random/generator.js';
import { record, willRecord } from '../record.js';
import type { Tensor } from '../tensor.js';
import { checkGenerator } from './random.js';
import { checkFloat, checkFloatOfShape, unfilledLike } from './util.js';

const OP = 'sampleNormal';

/** Options of {@link sampleNormal}. */
export interface SampleNormalOptions {
  /** The stream ε is drawn from (one key per call, as `normal` draws). */
  generator: Generator;
  /**
   * Added to the variance before the square root (rounded to float32), so that √ keeps a finite
   * gradient where the variance is 0. Default 0; finite and ≥ 0.
   */
  varianceFloor?: number;
}

// The option names, checked by the compiler against the options type.
const SAMPLE_NORMAL_KEYS = optionKeys<SampleNormalOptions>({
  generator: true,
  varianceFloor: true,
});

/**
 * What a recorded {@link sampleNormal} keeps for its gradient: the noise and twice the standard
 * deviation, `dmean = g`, `dvariance = g·ε / 2σ`.
 */
export interface SampleNormalSaved {
  /** The standard normal draws ε, the output's shape. */
  readonly eps: Tensor;
  /** 2σ = 2·√(variance + floor), the output's shape. */
  readonly twoSigma: Tensor;
}

/** The float32 floor of the options, checked. */
function varianceFloor(options: SampleNormalOptions): number {
  const floor = options.varianceFloor ?? 0;
  if (typeof floor !== 'number' || !(floor >= 0) || !Number.isFinite(Math.fround(floor))) {
    throw new ArgumentRangeError(
      OP,
      'varianceFloor',
      `must be a finite number ≥ 0 (as a float32), got ${typeof floor === 'number' ? String(floor) : `a ${typeof floor} (${JSON.stringify(floor)})`}`,
    );
  }
  return Math.fround(floor);
}

/**
 * One draw of N(mean, variance) per element, differentiable in both: the reparameterisation
 * trick (Kingma & Welling 2014, "Auto-Encoding Variational Bayes")
 * `out = mean + √(variance + floor)·ε`, `ε ~ N(0, 1)`, so that the gradients
 * `dmean = g` and `dvariance = g·ε / (2·√(variance + floor))` flow through the sample. It is the
 * sampling step of the local reparameterisation trick (Kingma, Salimans & Welling 2015,
 * "Variational Dropout and the Local Reparameterization Trick"), which samples a layer's
 * pre-activations from their mean and variance instead of sampling its weights.
 *
 * ε is drawn exactly as `normal(mean.shape, { generator })` draws it (one key). One fused pass
 * then computes each element in float32, one rounding per step, and the same bits on every
 * backend and thread count as `add(mean, mul(sqrt(add(variance, floor)), ε))`, with the same
 * gradients bit for bit. A negative variance (below −floor) gives NaN, as √ does.
 *
 * @param mean - float32, any shape.
 * @param variance - float32, mean's shape (no broadcasting), ≥ 0.
 * @param options - `generator` (required), `varianceFloor` (default 0).
 * @returns The sample, float32, mean's shape.
 * @throws DTypeError for a non-float32 operand; ShapeError when the shapes differ; LacunaError
 *   for a missing generator or an unknown option; ArgumentRangeError for a bad varianceFloor.
 * @example
 * ```ts
 * import { Generator, sampleNormal, tensor } from '@lacuna/tensor';
 * const y = sampleNormal(tensor([0, 10]), tensor([1, 0]), { generator: new Generator(0) });
 * y.data(); // Float32Array [0.7463195…, 10]: 0 + 1·ε₀, and 10 + 0·ε₁ (no variance, no floor)
 * ```
 */
export function sampleNormal(mean: Tensor, variance: Tensor, options: SampleNormalOptions): Tensor {
  checkFloat(OP, 'mean', mean);
  checkFloatOfShape(OP, 'variance', variance, mean.shape, "mean's");
  checkOptionKeys(OP, options, SAMPLE_NORMAL_KEYS);
  const generator = checkGenerator(OP, options);
  const floor = varianceFloor(options);
  const backend = getBackend();
  const eps = unfilledLike(mean);
  backend.normal(generator.nextKey(), eps.storage as Float32Array);
  const twoSigma = willRecord([mean, variance]) ? unfilledLike(mean) : null;
  const out = unfilledLike(mean);
  backend.sampleNormal(
    mean.storage as Float32Array,
    variance.storage as Float32Array,
    eps.storage as Float32Array,
    floor,
    out.storage as Float32Array,
    (twoSigma?.storage ?? null) as Float32Array | null,
  );
  return twoSigma ? record(OP, [mean, variance], out, { eps, twoSigma }) : out;
}
