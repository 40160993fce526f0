import {
  ArgumentRangeError,
  LacunaError,
  optionBoolean,
  optionKeys,
  ShapeError,
  type Tensor,
  tensor,
} from '@lacuna/tensor';
import { Module } from '../module.js';
import { show } from '../validate.js';
import { DROPOUT_LAYER_KEYS, DropoutLayer, type DropoutLayerOptions } from './base.js';
import { concreteDrop, concreteRegularizer, logisticNoise } from './concrete-math.js';

/** Options of {@link ConcreteDropout}. */
export interface ConcreteDropoutOptions extends DropoutLayerOptions {
  /**
   * Training-set size N; the regularisers are divided by it (with `lengthScale`, `precision`).
   * Required unless `weightRegularizer` and `dropoutRegularizer` are both given.
   */
  datasetSize?: number;
  /** Prior length-scale l > 0 (default 1e-4, the reference notebooks' value). */
  lengthScale?: number;
  /** Model precision τ > 0 (default 1). */
  precision?: number;
  /** The reference code's `weight_regularizer` (l²/(τN)) given directly; with `dropoutRegularizer`. */
  weightRegularizer?: number;
  /** The reference code's `dropout_regularizer` (2/(τN)) given directly; with `weightRegularizer`. */
  dropoutRegularizer?: number;
  /** Initial drop probability in (0, 1) (default 0.1, the reference's init_min = init_max). */
  initP?: number;
  /** Temperature t > 0 of the concrete relaxation (default 0.1). */
  temperature?: number;
  /** One mask value per (sample, channel) of [N, C, H, W] inputs, for Conv2d (default false). */
  spatial?: boolean;
}

const CONCRETE_KEYS = [
  ...DROPOUT_LAYER_KEYS,
  ...optionKeys<Omit<ConcreteDropoutOptions, 'generator'>>({
    datasetSize: true,
    lengthScale: true,
    precision: true,
    weightRegularizer: true,
    dropoutRegularizer: true,
    initP: true,
    temperature: true,
    spatial: true,
  }),
];

const OP = 'ConcreteDropout';

/**
 * Concrete dropout (Gal, Hron & Kendall 2017, "Concrete Dropout"): dropout in front of a wrapped
 * layer whose drop probability p is learned, through a continuous relaxation of the Bernoulli
 * mask, together with the regulariser that the variational interpretation of dropout adds.
 *
 * Training (and MC dropout): with u ~ U(0, 1) from the generator (one per input element, or per
 * (sample, channel) when `spatial`) and temperature t,
 * `z̃ = sigmoid((log p − log(1−p) + log u − log(1−u))/t)` (the relaxed Bernoulli(p) drop mask),
 * and the wrapped layer gets `x·(1 − z̃)/(1 − p)`. p = sigmoid(`p_logit`), a parameter saved in the
 * state dict. Inference: the wrapped layer on x as is, the expectation under inverted scaling.
 *
 * {@link ConcreteDropout.lossTerm} (added by `fit(…, { regularization: true })`) is the
 * reference code's regulariser, with K the input dimension (features per sample, or channels
 * when `spatial`) and the sum of squares over every parameter of the wrapped layer (bias included):
 *
 *   `weightRegularizer·Σ W²/(1−p) + dropoutRegularizer·K·(p log p + (1−p) log(1−p))`,
 *   `weightRegularizer = l²/(τN)`, `dropoutRegularizer = 2/(τN)`.
 *
 * This is the paper's KL term `l²(1−p)/2·‖M‖² − K·H(p)` times 2/(τN), with `M = W/(1−p)` the
 * effective weights under inverted scaling (so `(1−p)‖M‖² = ‖W‖²/(1−p)`) and
 * `−H(p) = p log p + (1−p) log(1−p)`.
 *
 * The dropout term is K times the negative entropy of Bernoulli(p) times a positive weight, so
 * on its own it pulls p towards 0.5; the weight term pulls p towards 0 and the data term decides.
 * K is read from the last input, so call `forward` once before `lossTerm`.
 *
 * @example
 * ```ts
 * import { ConcreteDropout, Linear } from '@lacuna/layers';
 * import { Generator, ones } from '@lacuna/tensor';
 * const g = new Generator(0);
 * const layer = new ConcreteDropout(new Linear(8, 4, { generator: g }), { datasetSize: 1000, generator: g.fork() });
 * const y = layer.forward(ones([2, 8])); // [2, 4], one relaxed mask drawn per element of the input
 * const reg = layer.lossTerm().item(); // the regulariser, already divided by N
 * console.log(layer.p); // ≈ 0.1, learned when trained with fit(…, { regularization: true })
 * ```
 */
export class ConcreteDropout<M extends Module = Module> extends DropoutLayer {
  /** The wrapped layer (state dict prefix `layer.`). */
  readonly layer: M;
  /** The logit of the drop probability, shape [1] (state dict name `p_logit`, as in the reference). */
  readonly pLogit: Tensor;
  /** Temperature t of the concrete relaxation. */
  readonly temperature: number;
  /** Whether one mask value is shared by each (sample, channel) of [N, C, H, W] inputs. */
  readonly spatial: boolean;
  /** Coefficient of Σ W²/(1−p): l²/(τN), or as given. */
  readonly weightRegularizer: number;
  /** Coefficient of K·(p log p + (1−p) log(1−p)): 2/(τN), or as given. */
  readonly dropoutRegularizer: number;
  #inputDim: number | null = null;

  /**
   * @param layer - The layer to apply dropout in front of (Linear, Conv2d with `spatial`, any Module).
   * @param options - `generator` (required), `datasetSize` (or both regulariser weights),
   *   `lengthScale`, `precision`, `initP`, `temperature`, `spatial`.
   */
  constructor(layer: M, options: ConcreteDropoutOptions) {
    super(OP, options, CONCRETE_KEYS);
    if (!(layer instanceof Module))
      throw new LacunaError(OP, 'layer', `must be a Module, got ${show(layer)}`);
    const initP = inRange('initP', options.initP ?? 0.1, 0, 1);
    this.temperature = inRange('temperature', options.temperature ?? 0.1, 0, Infinity);
    this.spatial = optionBoolean(OP, 'spatial', options.spatial, false);
    [this.weightRegularizer, this.dropoutRegularizer] = regularizerWeights(options);
    this.layer = this.registerModule('layer', layer);
    this.pLogit = this.registerParameter('p_logit', tensor([Math.log(initP / (1 - initP))]));
  }

  /** The learned drop probability p = sigmoid(p_logit). */
  get p(): number {
    return 1 / (1 + Math.exp(-this.pLogit.data()[0]!));
  }

  /**
   * The wrapped layer on the concretely dropped input when active, on x itself otherwise.
   *
   * @param x - [N, …features], or [N, C, H, W] when `spatial`.
   */
  forward(x: Tensor): Tensor {
    const shape = this.#maskShape(x);
    if (!this.active) return this.layer.forward(x);
    const noise = logisticNoise(shape, this.generator());
    return this.layer.forward(concreteDrop(x, this.pLogit, noise, this.temperature));
  }

  /**
   * The regulariser `weightRegularizer·Σ W²/(1−p) + dropoutRegularizer·K·(p log p + (1−p) log(1−p))`
   * (float32 scalar, recorded for autograd), K from the last input.
   *
   * @throws LacunaError before the first forward call (K is not known yet).
   */
  override lossTerm(): Tensor {
    if (this.#inputDim === null)
      throw new LacunaError(
        `${OP}.lossTerm`,
        'input dimension',
        'is read from the input: call forward once first',
      );
    return concreteRegularizer(
      this.pLogit,
      this.layer.parameters(),
      this.#inputDim,
      this.weightRegularizer,
      this.dropoutRegularizer,
    );
  }

  // The mask's shape for x, checking x's rank; records K, the input dimension.
  #maskShape(x: Tensor): number[] {
    const [n = 0, c = 0] = x.shape;
    if (this.spatial) {
      if (x.rank !== 4)
        throw new ShapeError(
          OP,
          'x',
          `must be [N, C, H, W] when spatial, got [${x.shape.join(', ')}]`,
        );
      this.#inputDim = c;
      return [n, c, 1, 1];
    }
    if (x.rank < 2)
      throw new ShapeError(OP, 'x', `must be [N, …features], got [${x.shape.join(', ')}]`);
    this.#inputDim = x.shape.slice(1).reduce((a, b) => a * b, 1);
    return [...x.shape];
  }
}

/** A finite number in the open interval (low, high), else an ArgumentRangeError naming the option. */
function inRange(name: string, value: unknown, low: number, high: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || !(value > low && value < high))
    throw new ArgumentRangeError(
      OP,
      `options.${name}`,
      `must be a finite number in (${low}, ${high}), got ${show(value)}`,
    );
  return value;
}

/** A finite number ≥ 0, else an ArgumentRangeError naming the option. */
function nonNegative(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
    throw new ArgumentRangeError(
      OP,
      `options.${name}`,
      `must be a finite number ≥ 0, got ${show(value)}`,
    );
  return value;
}

/** [weightRegularizer, dropoutRegularizer]: given directly, or l²/(τN) and 2/(τN). */
function regularizerWeights(o: ConcreteDropoutOptions): [number, number] {
  const direct = o.weightRegularizer !== undefined || o.dropoutRegularizer !== undefined;
  if (direct) {
    const clash = (['datasetSize', 'lengthScale', 'precision'] as const).find(
      (k) => o[k] !== undefined,
    );
    if (
      clash !== undefined ||
      o.weightRegularizer === undefined ||
      o.dropoutRegularizer === undefined
    )
      throw new LacunaError(
        OP,
        'options',
        `take either datasetSize (with lengthScale, precision) or both weightRegularizer and dropoutRegularizer, got ${clash ?? 'only one regulariser weight'}`,
      );
    return [
      nonNegative('weightRegularizer', o.weightRegularizer),
      nonNegative('dropoutRegularizer', o.dropoutRegularizer),
    ];
  }
  if (o.datasetSize === undefined)
    throw new LacunaError(
      OP,
      'options.datasetSize',
      'is required (the training-set size N the regularisers are divided by), got undefined',
    );
  const n = o.datasetSize;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1)
    throw new ArgumentRangeError(
      OP,
      'options.datasetSize',
      `must be a positive integer, got ${show(n)}`,
    );
  const l = inRange('lengthScale', o.lengthScale ?? 1e-4, 0, Infinity);
  const tau = inRange('precision', o.precision ?? 1, 0, Infinity);
  return [(l * l) / (tau * n), 2 / (tau * n)];
}
