import { noGrad } from '@lacuna/autograd';
import {
  ArgumentRangeError,
  exp,
  full,
  type KlWithScaledSquare,
  optionBoolean,
  optionEnum,
  optionKeys,
  reshape,
  type Tensor,
  variationalDropoutKl,
  variationalDropoutKlWithScaledSquare,
  willRecord,
} from '@lacuna/tensor';
import { positiveInteger } from '../validate.js';
import { DropoutLayer, type DropoutLayerOptions } from './base.js';
import { ForwardKlCache } from './forward-kl-cache.js';
import { localReparameterization } from './local-reparameterization.js';

/** Which weights share one learned α: the whole layer, each output unit (channel), or each weight. */
export type AlphaGranularity = 'layer' | 'unit' | 'weight';

/** Options every variational dropout layer takes (besides its own geometry). */
export interface VariationalDropoutOptions extends DropoutLayerOptions {
  /**
   * N, the number of training examples: {@link VariationalDropoutLayer.lossTerm} returns KL / N, so
   * that a mean loss over a batch plus the term is the negative ELBO per example. Required.
   */
  datasetSize: number;
  /** Granularity of α (default `'weight'`): one per layer, per output unit, or per weight. */
  alpha?: AlphaGranularity;
  /** Initial log α, finite and ≤ 0 (default −3: α ≈ 0.05, mild noise while the means form). */
  initLogAlpha?: number;
  /** Add a learned, noise-free bias (default true). */
  bias?: boolean;
}

/** Every key of {@link VariationalDropoutOptions}. @internal */
export const VARIATIONAL_KEYS = optionKeys<VariationalDropoutOptions>({
  generator: true,
  datasetSize: true,
  alpha: true,
  initLogAlpha: true,
  bias: true,
});

/**
 * Base class of variational dropout (Kingma, Salimans & Welling 2015, "Variational Dropout and
 * the Local Reparameterization Trick"): every weight θ gets multiplicative Gaussian noise,
 * `w = θ·ξ`, `ξ ~ N(1, α)`, with α learned. The layers never sample weights: by the local
 * reparameterisation trick they sample each pre-activation `b ~ N(μ, σ²)` directly, with
 * `μ = x·θᵀ + bias` and `σ² = x²·(α⊙θ²)ᵀ` (for conv: `μ = conv(x, θ) + bias`, `σ² = conv(x², α⊙θ²)`),
 * one ε per pre-activation and fresh ones on every call. At inference the mean weights θ are used
 * (μ, no noise); with MC dropout on (`mcPredict`) the layer samples as in training.
 *
 * α is stored as the parameter `log_alpha` (saved by `stateDict`), shaped [1] (`'layer'`),
 * [outFeatures or outChannels] (`'unit'`) or like the weight (`'weight'`).
 *
 * Range. The paper bounds α ≤ 1 (log α ≤ 0): its KL approximation is fitted on α ∈ [0, 1], and
 * beyond that the noise swamps the signal and the bound on the likelihood degrades. The rule here
 * is projection: every `forward` and `lossTerm` first writes `min(log α, 0)` into the parameter.
 * Clamping only inside the graph would zero the gradient above 0, so a log α that an optimiser step
 * pushed past 0 could never come back; projecting keeps the full gradient below the bound. There
 * is no lower bound: the KL term pushes α up (its gradient in log α is −½ as α → 0).
 *
 * {@link VariationalDropoutLayer.lossTerm} is the KL of eq. 7 summed over the weights, divided by
 * `datasetSize`: `fit(model, { regularization: true })` then minimises the scaled negative ELBO.
 */
export abstract class VariationalDropoutLayer extends DropoutLayer {
  /** Granularity of α. */
  readonly granularity: AlphaGranularity;
  /** N, the training set size the KL is divided by. */
  readonly datasetSize: number;
  /** Whether the layer has a bias (option `bias`, default true). */
  readonly hasBias: boolean;
  #weight: Tensor | null = null;
  #bias: Tensor | null = null;
  #logAlpha: Tensor | null = null;
  /** How many weights each α entry covers (KL is counted per weight). */
  #weightsPerAlpha = 1;
  /** logAlpha's shape for broadcasting against the weight; null when it has the weight's (per weight). */
  #broadcastShape: number[] | null = null;
  readonly #initLogAlpha: number;
  /** α⊙θ² and the KL term of the last recorded sampled forward (α per weight), for {@link lossTerm}. */
  readonly #kept = new ForwardKlCache<KlWithScaledSquare>(() => [this.weight, this.logAlpha]);

  /**
   * Checks the shared options; the subclass then draws its weights from `options.generator` and
   * calls {@link VariationalDropoutLayer.registerWeights}.
   *
   * @param op - Class name for error messages.
   * @param options - `generator`, `datasetSize`, `alpha`, `initLogAlpha`, and the layer's own.
   * @param known - Every option key the layer takes.
   */
  protected constructor(op: string, options: VariationalDropoutOptions, known: readonly string[]) {
    super(op, options, known);
    this.datasetSize = positiveInteger(op, 'datasetSize', options.datasetSize);
    this.granularity = optionEnum(
      op,
      'alpha',
      options.alpha,
      ['layer', 'unit', 'weight'] as const,
      'weight',
    );
    const init = options.initLogAlpha ?? -3;
    if (typeof init !== 'number' || !Number.isFinite(init) || init > 0)
      throw new ArgumentRangeError(
        op,
        'initLogAlpha',
        `must be a finite number ≤ 0 (α ≤ 1), got ${String(init)}`,
      );
    this.#initLogAlpha = init;
    this.hasBias = optionBoolean(op, 'bias', options.bias, true);
  }

  /** Mean weight θ, outputs first ([outFeatures, inFeatures] or [outChannels, inChannels/groups, kH, kW]). */
  get weight(): Tensor {
    return this.#weight!;
  }

  /** Bias (noise-free), [outputs], or null. */
  get bias(): Tensor | null {
    return this.#bias;
  }

  /** log α (projected to ≤ 0 on use), [1], [outputs] or the weight's shape. */
  get logAlpha(): Tensor {
    return this.#logAlpha!;
  }

  /**
   * Registers `weight`, `bias` (when drawn) and `log_alpha` (at its initial value, shaped for the
   * granularity), in that order.
   *
   * @param init - The initial weight (outputs first) and bias.
   */
  protected registerWeights(init: { weight: Tensor; bias: Tensor | null }): void {
    const weightShape = init.weight.shape;
    this.#weight = this.registerParameter('weight', init.weight);
    this.#bias = init.bias ? this.registerParameter('bias', init.bias) : null;
    const [outputs, ...rest] = weightShape as [number, ...number[]];
    const fanIn = rest.reduce((a, b) => a * b, 1);
    const ones = rest.map(() => 1);
    const [shape, broadcast, covers] =
      this.granularity === 'layer'
        ? [[1], [1, ...ones], outputs * fanIn]
        : this.granularity === 'unit'
          ? [[outputs], [outputs, ...ones], fanIn]
          : [[...weightShape], null, 1];
    this.#logAlpha = this.registerParameter('log_alpha', full(shape, this.#initLogAlpha));
    this.#broadcastShape = broadcast;
    this.#weightsPerAlpha = covers;
  }

  /** The current α = exp(min(log α, 0)), a fresh tensor shaped like `logAlpha`, not recorded. */
  alpha(): Tensor {
    this.#project();
    return noGrad(() => exp(this.logAlpha));
  }

  /**
   * `Σ_weights KL(α) / N` with the KL of Kingma et al. (2015, eq. 7),
   * `KL(α) ≈ −(0.5·log α + c1·α + c2·α² + c3·α³) + (c1 + c2 + c3)`, c1 = 1.16145124,
   * c2 = −1.50204118, c3 = 0.58629921. The paper leaves the constant free (it has no gradient);
   * it is fixed here so that KL(1) = 0, so the term is ≥ 0 on α ∈ (0, 1]. Each α entry counts once
   * per weight it covers. A float32 scalar recorded for autograd (one fused op with the scale
   * folded in, `variationalDropoutKl` of @lacuna/tensor).
   *
   * With one α per weight, after a sampled forward recorded for autograd (a training step) this
   * is the KL that forward computed in the same pass over the weights as α⊙θ²
   * (`variationalDropoutKlWithScaledSquare`: log α read and exponentiated once a step, not twice),
   * handed out once and only while it is certainly the KL of the current α, exactly as for
   * `LinearSVD` (see its `lossTerm`). Otherwise the term is computed from the current α.
   */
  override lossTerm(): Tensor {
    const kept = this.#fusable() ? this.#kept.take() : null;
    if (kept) return kept;
    this.#project();
    return variationalDropoutKl(this.logAlpha, { scale: this.#klScale() });
  }

  /** Drops the kept KL term: the α it was computed from were just overwritten. */
  protected override stateLoaded(): void {
    this.#kept.clear();
  }

  /** Each α entry counts once per weight it covers, over the data set size. */
  #klScale(): number {
    return this.#weightsPerAlpha / this.datasetSize;
  }

  /** The layer's affine map: `x·θᵀ + b` or `conv(x, θ) + b`. */
  protected abstract affine(x: Tensor, weight: Tensor, bias: Tensor | null): Tensor;

  /**
   * A sample of N(μ, σ²) by the local reparameterisation when active (training or MC dropout),
   * the mean μ (mean weights) otherwise.
   */
  forward(x: Tensor): Tensor {
    this.#project();
    const generator = this.active ? this.generator() : null;
    return localReparameterization(
      (input, weight, bias) => this.affine(input, weight, bias),
      x,
      this.weight,
      this.bias,
      // Per weight, log α is used as it is: a reshape to its own shape would be one more node,
      // and its gradient one more pass over the weights (an add instead of a fold into the KL's).
      this.#broadcastShape ? reshape(this.logAlpha, this.#broadcastShape) : this.logAlpha,
      generator,
      generator ? this.#weightsSquaredWithKl() : undefined,
    );
  }

  /**
   * α⊙θ² with the KL term from one kernel pass (kept for {@link lossTerm}), or the kept pass's for
   * a second forward on the same weights, when α is per weight, the forward is recorded and the KL
   * is wanted; undefined otherwise (the forward then makes α⊙θ² alone).
   */
  #weightsSquaredWithKl(): Tensor | undefined {
    if (!this.#fusable()) return undefined;
    const pass = this.#kept.forForward(
      () =>
        variationalDropoutKlWithScaledSquare(this.logAlpha, this.weight, {
          scale: this.#klScale(),
        }),
      (p) => [p.square],
    );
    return pass?.square;
  }

  /** One α per weight, and ops on log α recorded for autograd (else the kept pass is of no use). */
  #fusable(): boolean {
    return !this.#broadcastShape && willRecord([this.logAlpha]);
  }

  /** Writes min(log α, 0) into the parameter (see the class comment for why not a clamp). */
  #project(): void {
    clampToNonPositive(this.logAlpha.storage as Float32Array);
  }
}

/**
 * Sets every value above 0 to 0 in place (NaN stays NaN). It runs before every forward and KL
 * term over up to one log α per weight, nearly all already ≤ 0: so it reads eight values at a
 * time and writes only in a group holding one above 0. On a Float32Array (one element kind, as
 * V8 compiles best) that is about twice as fast as one compare and branch per element.
 */
function clampToNonPositive(values: Float32Array): void {
  const n = values.length;
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    if (
      values[i]! > 0 ||
      values[i + 1]! > 0 ||
      values[i + 2]! > 0 ||
      values[i + 3]! > 0 ||
      values[i + 4]! > 0 ||
      values[i + 5]! > 0 ||
      values[i + 6]! > 0 ||
      values[i + 7]! > 0
    )
      for (let j = i; j < i + 8; j++) if (values[j]! > 0) values[j] = 0;
  }
  for (; i < n; i++) if (values[i]! > 0) values[i] = 0;
}
