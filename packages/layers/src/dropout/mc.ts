import { noGrad } from '@lacuna/autograd';
import {
  ArgumentRangeError,
  checkOptionKeys,
  type Generator,
  optionEnum,
  optionKeys,
  ShapeError,
  scope,
  softmax,
  Tensor,
} from '@lacuna/tensor';
import type { Module } from '../module.js';
import { requireGenerator } from '../validate.js';
import { DropoutLayer } from './base.js';

/** Options of {@link mcPredict}. */
export interface McPredictOptions {
  /** Number of stochastic passes T (≥ 1). */
  samples: number;
  /** Draw the passes' masks from this generator (forked per layer) instead of the layers' own streams. */
  generator?: Generator;
  /** What the model returns: `'logits'` (default, softmax applied) or `'probabilities'`. */
  output?: 'logits' | 'probabilities';
}

const MC_PREDICT_KEYS = optionKeys<McPredictOptions>({
  samples: true,
  generator: true,
  output: true,
});

/** The Monte Carlo summary of T stochastic predictions for N inputs and C classes. */
export interface McPrediction {
  /** Mean predicted probabilities, float32 [N, C]. */
  mean: Tensor;
  /** Per-class variance of the probabilities over the passes, float32 [N, C]. */
  variance: Tensor;
  /** Predictive entropy `H[mean] = -Σ_c p̄_c log p̄_c` (nats), float32 [N]. */
  entropy: Tensor;
  /** Mutual information `H[mean] - mean_t H[p_t]` (epistemic uncertainty), float32 [N]. */
  mutualInformation: Tensor;
  /** Majority vote of the passes' argmax classes (lowest class on ties), int32 [N]. */
  vote: Tensor;
  /** Number of passes. */
  samples: number;
}

/**
 * Monte Carlo dropout (Gal & Ghahramani 2016, "Dropout as a Bayesian Approximation"): T
 * stochastic forward passes with only the dropout-family layers active (batch norm and the rest
 * stay in inference mode), summarised as the mean prediction, per-class variance, predictive
 * entropy, mutual information and a majority vote. No graph is recorded; every module's modes are
 * restored afterwards.
 *
 * @param model - A classifier returning [N, C] logits (or probabilities).
 * @param x - The batch to predict.
 * @param options - `samples` T, `generator`, `output`.
 * @example
 * ```ts
 * import { Dropout, Linear, ReLU, Sequential, mcPredict } from '@lacuna/layers';
 * import { Generator, ones } from '@lacuna/tensor';
 * const g = new Generator(0);
 * const net = new Sequential(new Linear(4, 16, { generator: g }), new ReLU(), new Dropout(0.5, { generator: g.fork() }), new Linear(16, 3, { generator: g }));
 * const { mean, entropy, vote } = mcPredict(net, ones([2, 4]), { samples: 20, generator: new Generator(1) });
 * ```
 */
export function mcPredict(model: Module, x: Tensor, options: McPredictOptions): McPrediction {
  checkOptionKeys('mcPredict', options, MC_PREDICT_KEYS);
  const T = options?.samples;
  if (!Number.isInteger(T) || T < 1)
    throw new ArgumentRangeError('mcPredict', 'samples', `must be a positive integer, got ${T}`);
  const output = optionEnum(
    'mcPredict',
    'output',
    options.output,
    ['logits', 'probabilities'],
    'logits',
  );
  if (options.generator !== undefined) requireGenerator('mcPredict', options.generator);
  const layers = model
    .namedModules()
    .map(([, m]) => m)
    .filter((m): m is DropoutLayer => m instanceof DropoutLayer);
  const restoreModes = model.saveModes();
  model.eval().mcDropout(true);
  if (options.generator) for (const layer of layers) layer.useGenerator(options.generator.fork());
  try {
    const passes = noGrad(() =>
      // One scope per pass: each pass reuses the memory of the one before; only its copy is kept.
      Array.from({ length: T }, () =>
        scope(() => {
          const y = model.forward(x);
          if (y.rank !== 2)
            throw new ShapeError(
              'mcPredict',
              'model',
              `must return [N, C] scores, got [${y.shape.join(',')}]`,
            );
          return (output === 'logits' ? softmax(y, 1) : y).data() as Float32Array;
        }),
      ),
    );
    return summarise(passes, shapeOf(x, passes[0]!.length), T);
  } finally {
    for (const layer of layers) layer.useGenerator(null);
    restoreModes();
  }
}

function shapeOf(x: Tensor, size: number): [number, number] {
  const n = x.shape[0] ?? 1;
  return [n, size / n];
}

function summarise(passes: Float32Array[], [n, c]: [number, number], T: number): McPrediction {
  const mean = new Float32Array(n * c);
  const variance = new Float32Array(n * c);
  const entropy = new Float32Array(n);
  const mutualInformation = new Float32Array(n);
  const vote = new Int32Array(n);
  const plogp = (p: number) => (p > 0 ? p * Math.log(p) : 0);
  for (let i = 0; i < n; i++) {
    const counts = new Array<number>(c).fill(0);
    let expectedEntropy = 0;
    for (const probs of passes) {
      let best = 0;
      let h = 0;
      for (let k = 0; k < c; k++) {
        const p = probs[i * c + k]!;
        if (p > probs[i * c + best]!) best = k;
        h -= plogp(p);
      }
      counts[best]!++;
      expectedEntropy += h / T;
    }
    let h = 0;
    for (let k = 0; k < c; k++) {
      let s = 0;
      let s2 = 0;
      for (const probs of passes) {
        const p = probs[i * c + k]!;
        s += p;
        s2 += p * p;
      }
      const m = s / T;
      mean[i * c + k] = m;
      variance[i * c + k] = Math.max(0, s2 / T - m * m);
      h -= plogp(m);
    }
    entropy[i] = h;
    mutualInformation[i] = Math.max(0, h - expectedEntropy);
    vote[i] = counts.indexOf(Math.max(...counts));
  }
  return {
    mean: new Tensor(mean, [n, c], 'float32'),
    variance: new Tensor(variance, [n, c], 'float32'),
    entropy: new Tensor(entropy, [n], 'float32'),
    mutualInformation: new Tensor(mutualInformation, [n], 'float32'),
    vote: new Tensor(vote, [n], 'int32'),
    samples: T,
  };
}
