import { noGrad } from '@lacuna/autograd';
import {
  add,
  clamp,
  exp,
  full,
  type KlWithSigma2,
  lessEqual,
  log,
  mul,
  optionBoolean,
  optionKeys,
  sparseVariationalDropoutKl,
  sparseVariationalDropoutKlWithSigma2,
  sub,
  type Tensor,
  where,
  willRecord,
} from '@lacuna/tensor';
import { finiteNumber, positiveInteger } from '../validate.js';
import { DropoutLayer, type DropoutLayerOptions } from './base.js';
import { ForwardKlCache } from './forward-kl-cache.js';

/** Options every sparse variational layer takes (`LinearSVD`, `Conv2dSVD`). */
export interface SparseVariationalOptions extends DropoutLayerOptions {
  /** Size N of the training set: `lossTerm()` is Σ KL / N (the scaled ELBO). Required. */
  datasetSize: number;
  /** Weights with log α above this are pruned (zero) at inference (default 3, the paper's). */
  threshold?: number;
  /** Initial log σ² of every weight (default −10: the paper's code starts at log σ = −5). */
  initLogSigma2?: number;
  /** Add a learned bias (default true). Biases are not variational. */
  bias?: boolean;
}

/** Every key of {@link SparseVariationalOptions}. @internal */
export const SPARSE_VARIATIONAL_KEYS = optionKeys<SparseVariationalOptions>({
  generator: true,
  datasetSize: true,
  threshold: true,
  initLogSigma2: true,
  bias: true,
});

/**
 * log α is clipped to this range, as the paper's code does: α beyond e¹⁰ or below e⁻¹⁰ changes
 * nothing that matters. `sparseVariationalDropoutKl` clips the same way.
 */
const LOG_ALPHA_RANGE = [-10, 10] as const;
/** Keeps log θ² finite at θ = 0 (as in `sparseVariationalDropoutKl`). */
const THETA2_FLOOR = 1e-16;

/**
 * `clip(log σ² − log θ², −10, 10)` per weight: the log of the dropout rate α = σ²/θ² (clamp: no
 * gradient outside the range, as torch.clamp in the paper's code).
 */
function logAlphaOf(theta: Tensor, logSigma2: Tensor): Tensor {
  const logTheta2 = log(add(mul(theta, theta), THETA2_FLOOR));
  return clamp(sub(logSigma2, logTheta2), LOG_ALPHA_RANGE[0], LOG_ALPHA_RANGE[1]);
}

/** How many weights of a sparse variational layer are pruned at inference. */
export interface Sparsity {
  /** Weights whose log α exceeds the threshold (zero at inference). */
  pruned: number;
  /** All variational weights. */
  total: number;
  /** pruned / total. */
  fraction: number;
}

/**
 * Base class of the sparse variational layers (Molchanov et al. 2017): the per-weight θ
 * (`weight`) and log σ² (`log_sigma2`) parameters, log α, the KL term, pruning and the sparsity
 * count. A subclass supplies the initial θ and bias and its `forward`.
 */
export abstract class SparseVariationalLayer extends DropoutLayer {
  /** Mean weights θ. */
  readonly weight: Tensor;
  /** log σ² of every weight, θ's shape. */
  readonly logSigma2: Tensor;
  /** Bias, or null. */
  readonly bias: Tensor | null;
  /** Training-set size N that scales the KL term. */
  readonly datasetSize: number;
  /** log α above which a weight is pruned at inference. */
  readonly threshold: number;
  /** σ² and the KL term of the last recorded sampled forward, for {@link lossTerm}. */
  readonly #kept = new ForwardKlCache<KlWithSigma2>(() => [this.weight, this.logSigma2]);

  /**
   * @param op - Class name for error messages.
   * @param options - The common options and the layer's own.
   * @param known - Every option the layer takes.
   * @param init - Draws θ and the bias once the options are checked (`bias`: whether to make one).
   */
  protected constructor(
    op: string,
    options: SparseVariationalOptions,
    known: readonly string[],
    init: (bias: boolean) => { weight: Tensor; bias: Tensor | null },
  ) {
    super(op, options, known);
    this.datasetSize = positiveInteger(op, 'options.datasetSize', options.datasetSize);
    this.threshold = finiteNumber(op, 'options.threshold', options.threshold ?? 3);
    const initLogSigma2 = finiteNumber(op, 'options.initLogSigma2', options.initLogSigma2 ?? -10);
    const first = init(optionBoolean(op, 'bias', options.bias, true));
    this.weight = this.registerParameter('weight', first.weight);
    this.logSigma2 = this.registerParameter('log_sigma2', full(first.weight.shape, initLogSigma2));
    this.bias = first.bias ? this.registerParameter('bias', first.bias) : null;
  }

  /** The clipped log α per weight, θ's shape (recorded for autograd). */
  logAlpha(): Tensor {
    return logAlphaOf(this.weight, this.logSigma2);
  }

  /**
   * θ with the weights whose log α > threshold set to zero: what inference uses. The mask is a
   * step (no gradient); θ's gradient passes where it is 1.
   */
  prunedWeight(): Tensor {
    const kept = noGrad(() => lessEqual(this.logAlpha(), this.threshold));
    return where(kept, this.weight, 0);
  }

  /**
   * Σ KL over the weights / datasetSize: this layer's share of the scaled negative ELBO, with
   * Molchanov et al.'s approximation `KL ≈ k1·sigmoid(−k2 − k3·log α) + ½·log1p(1/α)` per weight
   * (one fused op with the 1/N folded in, `sparseVariationalDropoutKl` of @lacuna/tensor).
   *
   * After a sampled forward recorded for autograd (a training step), this is the KL that forward
   * computed in the same pass over the weights as σ² = exp(log σ²)
   * (`sparseVariationalDropoutKlWithSigma2`: log σ² read once a step, not twice; about 1 ms per
   * million weights here): the KL of the weights it sampled with, handed out once, and only while
   * no backward has reached the weights since and its graph lives. Otherwise (a second call, after
   * backward or `loadStateDict`, under `noGrad`) it is computed from the current weights. A layer
   * whose forward KL goes unused (a loss without it) stops computing it in its forwards until
   * this is called again.
   */
  override lossTerm(): Tensor {
    const kept = this.#recorded() ? this.#kept.take() : null;
    return (
      kept ??
      sparseVariationalDropoutKl(this.weight, this.logSigma2, { scale: 1 / this.datasetSize })
    );
  }

  /**
   * σ² = exp(log σ²) for a sampled forward: with the KL term from one kernel pass when the
   * forward is recorded for autograd and the KL is wanted (kept for {@link lossTerm}), the kept
   * pass's σ² for a second forward on the same weights, plain `exp` otherwise.
   */
  protected sigma2ForSample(): Tensor {
    const pass = this.#recorded()
      ? this.#kept.forForward(
          () =>
            sparseVariationalDropoutKlWithSigma2(this.weight, this.logSigma2, {
              scale: 1 / this.datasetSize,
            }),
          (p) => [p.sigma2],
        )
      : null;
    return pass?.sigma2 ?? exp(this.logSigma2);
  }

  /**
   * Whether ops on the weights are recorded with log σ² among what needs gradients (else σ² and
   * the KL would be unrecorded and the kept pass of no use).
   */
  #recorded(): boolean {
    return willRecord([this.logSigma2]);
  }

  /** Drops the kept KL term: the weights it was computed from were just overwritten. */
  protected override stateLoaded(): void {
    this.#kept.clear();
  }

  /** The weights pruned at inference (log α > threshold), of all of them. */
  sparsity(): Sparsity {
    const logAlpha = noGrad(() => this.logAlpha()).data();
    let pruned = 0;
    for (const v of logAlpha) if (v > this.threshold) pruned++;
    return { pruned, total: logAlpha.length, fraction: pruned / logAlpha.length };
  }
}
