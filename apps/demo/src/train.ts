import { DataLoader, type Dataset } from '@lacuna/datasets';
import { crossEntropy, evaluate, fit, type Metrics, type Module } from '@lacuna/layers';
import { Adam, CosineAnnealingLR, maxNorm, SGD } from '@lacuna/optim';
import { add, Generator, type Tensor } from '@lacuna/tensor';
import type { Task } from './data.js';
import { buildMlp, type MlpSpec } from './models.js';
import { progress } from './progress.js';
import { type Spread, spreadOf } from './stats.js';

/** Receives every evaluation while training runs (the `--live` server). */
export interface Observer {
  /** A configuration (one seed of it) starts training. */
  onRunStart(run: string, seed: number): void;
  /** A configuration was evaluated after `point.epoch`. */
  onPoint(run: string, seed: number, point: EvalPoint): void;
}

/** Training settings shared by every configuration of a command. */
export interface TrainSettings {
  epochs: number;
  /** The first seed; seed k of `--seeds N` is `seed + k`. */
  seed: number;
  batchSize: number;
  lr: number;
  /** SGD's momentum (unused with Adam). */
  momentum: number;
  /** 'sgd' (with momentum) or 'adam'. */
  optimizer: 'sgd' | 'adam';
  /** 'cosine' anneals the rate to 0 over the run (per epoch); 'constant' keeps it. */
  schedule: 'constant' | 'cosine';
  /** Evaluate on the training and test sets every this many epochs (and after the last). */
  evalEvery: number;
  /** Examples per evaluation batch (default 2000; conv nets evaluate faster in small batches). */
  evalBatch?: number;
  /** Max-norm bound c on each unit's incoming weights after every step (Srivastava et al. 5.1). */
  maxNorm?: number;
  /** An extra term added to the loss (an L1 or L2 penalty on the weights). */
  penalty?: (model: Module) => Tensor;
  /** Add every module's extra loss terms (`fit`'s `regularization`: Concrete dropout's regulariser). */
  regularization?: boolean;
  /** Train with R-Drop (`fit`'s `rDrop`): two passes and α times their symmetric KL. */
  rDrop?: { alpha: number };
  /** The loss (default cross-entropy). */
  loss?: (output: Tensor, targets: Tensor) => Tensor;
  /** Print nothing per epoch. */
  quiet?: boolean;
  /** Told about every evaluation (live report). */
  observer?: Observer;
  /**
   * More datasets evaluated (inference mode, the base loss) at every evaluated epoch, e.g. the
   * corrupted rows of a noisy-label run; the metrics land in `EvalPoint.extra` under the same keys.
   */
  extraEval?: Record<string, Dataset>;
}

/** Metrics after an evaluated epoch. */
export interface EvalPoint {
  epoch: number;
  /** Mean of the epoch's batch losses in training mode (with dropout active and any penalty). */
  runningLoss: number;
  /** The training set, in inference mode. */
  train: Metrics;
  /** The test set, in inference mode. */
  test: Metrics;
  /** The `extraEval` datasets, in inference mode (absent when none were given). */
  extra?: Record<string, Metrics>;
}

/** One trained network: a configuration at one seed. */
export interface RunResult {
  name: string;
  seed: number;
  /** One point per evaluated epoch. */
  history: EvalPoint[];
  final: {
    trainAccuracy: number;
    testAccuracy: number;
    trainLoss: number;
    testLoss: number;
    gap: number;
  };
  /** Wall-clock seconds of training plus evaluation (not in the metrics: they must reproduce). */
  seconds: number;
  model: Module;
}

/** A configuration trained at one or more seeds. */
export interface ConfigResult {
  name: string;
  runs: RunResult[];
}

/** How a model is made: an MLP spec, or a function of the run's generator. */
export type ModelSource = MlpSpec | ((g: Generator) => Module);

/** Rows `start..end` of a dataset, as views. */
function rows(d: Dataset, start: number, end: number): Dataset {
  const slice = (t: Tensor) => {
    const row = t.size / t.shape[0]!;
    return new (t.constructor as typeof Tensor)(
      t.storage.subarray(start * row, end * row),
      [end - start, ...t.shape.slice(1)],
      t.dtype,
    );
  };
  return { x: slice(d.x), y: slice(d.y) };
}

/** Loss and accuracy in inference mode, in large batches off the tape, reporting progress. */
export function evaluateInChunks(
  model: Module,
  data: Dataset,
  loss: (output: Tensor, targets: Tensor) => Tensor,
  onProgress?: (done: number, total: number) => void,
  chunk = 2000,
): Metrics {
  const n = data.y.shape[0]!;
  let totalLoss = 0;
  let correct = 0;
  let classify = true;
  for (let start = 0; start < n; start += chunk) {
    const end = Math.min(n, start + chunk);
    const m = evaluate(model, rows(data, start, end), loss, chunk);
    totalLoss += m.loss * (end - start);
    if (m.accuracy === null) classify = false;
    else correct += m.accuracy * (end - start);
    onProgress?.(end, n);
  }
  return {
    loss: totalLoss / Math.max(n, 1),
    accuracy: classify ? Math.round(correct) / Math.max(n, 1) : null,
  };
}

/**
 * Trains one configuration at one seed with the library's `fit`, a seeded shuffling DataLoader,
 * and evaluation on the training and test sets every `evalEvery` epochs. Every configuration of a
 * command at the same seed starts from the same generators, so the batch order is shared. The
 * initial weights come from the same seed but are the same draws only where the model builder
 * takes them in the same order: `buildMlp` forks the generator for each dropout layer before the
 * next Linear's weights, so an MLP with dropout starts from other weights than one without, and
 * the seed spread includes that difference.
 */
export async function trainRun(
  name: string,
  source: ModelSource,
  task: Task,
  s: TrainSettings,
  seed = s.seed,
): Promise<RunResult> {
  const started = performance.now();
  const g = new Generator(`model:${seed}`);
  const model = typeof source === 'function' ? source(g) : buildMlp(source, g);
  const loader = new DataLoader(task.train, {
    batchSize: s.batchSize,
    shuffle: true,
    generator: new Generator(`batches:${seed}`),
  });
  const optimizer =
    s.optimizer === 'adam'
      ? new Adam(model.parameters(), { lr: s.lr })
      : new SGD(model.parameters(), { lr: s.lr, momentum: s.momentum });
  const schedule =
    s.schedule === 'cosine' ? new CosineAnnealingLR(optimizer, { tMax: s.epochs }) : null;
  const weights = model
    .namedParameters()
    .filter(([key]) => key.endsWith('weight'))
    .map(([, p]) => p);
  const baseLoss = s.loss ?? crossEntropy;
  const penalty = s.penalty;
  const loss = penalty
    ? (out: Tensor, y: Tensor) => add(baseLoss(out, y), penalty(model))
    : baseLoss;
  const bar = progress(name, s.quiet ?? false);
  const history: EvalPoint[] = [];
  s.observer?.onRunStart(name, seed);
  let lossSum = 0;
  let lossCount = 0;
  await fit(model, {
    data: loader,
    optimizer,
    loss,
    epochs: s.epochs,
    ...(s.regularization ? { regularization: true } : {}),
    ...(s.rDrop ? { rDrop: s.rDrop } : {}),
    afterStep: s.maxNorm ? () => maxNorm(weights, s.maxNorm!) : undefined,
    callbacks: [
      bar,
      {
        onEpochStart: () => {
          lossSum = 0;
          lossCount = 0;
        },
        onBatchEnd: (_batch, _batches, value) => {
          lossSum += value;
          lossCount++;
        },
        onEpochEnd: (log) => {
          schedule?.step();
          if (log.epoch % s.evalEvery !== 0 && log.epoch !== s.epochs) {
            bar.epochDone(log.epoch, s.epochs, lossSum / lossCount, null);
            return;
          }
          const train = evaluateInChunks(
            model,
            task.train,
            baseLoss,
            (d, t) => bar.evaluating('train', d, t),
            s.evalBatch,
          );
          const test = evaluateInChunks(
            model,
            task.test,
            baseLoss,
            (d, t) => bar.evaluating('test', d, t),
            s.evalBatch,
          );
          const extra = s.extraEval
            ? Object.fromEntries(
                Object.entries(s.extraEval).map(([key, data]) => [
                  key,
                  evaluateInChunks(
                    model,
                    data,
                    baseLoss,
                    (d, t) => bar.evaluating(key, d, t),
                    s.evalBatch,
                  ),
                ]),
              )
            : undefined;
          const point: EvalPoint = {
            epoch: log.epoch,
            runningLoss: lossSum / lossCount,
            train,
            test,
            ...(extra ? { extra } : {}),
          };
          history.push(point);
          bar.epochDone(log.epoch, s.epochs, point.runningLoss, point);
          s.observer?.onPoint(name, seed, point);
        },
      },
    ],
  });
  const last = history[history.length - 1]!;
  const trainAccuracy = last.train.accuracy ?? 0;
  const testAccuracy = last.test.accuracy ?? 0;
  return {
    name,
    seed,
    history,
    model,
    seconds: (performance.now() - started) / 1000,
    final: {
      trainAccuracy,
      testAccuracy,
      trainLoss: last.train.loss,
      testLoss: last.test.loss,
      gap: trainAccuracy - testAccuracy,
    },
  };
}

/** Trains a configuration at `seeds` seeds (`s.seed`, `s.seed + 1`, …). */
export async function trainConfiguration(
  name: string,
  source: ModelSource,
  task: Task,
  s: TrainSettings,
  seeds = 1,
): Promise<ConfigResult> {
  const runs: RunResult[] = [];
  for (let k = 0; k < seeds; k++) runs.push(await trainRun(name, source, task, s, s.seed + k));
  return { name, runs };
}

/** The spread over seeds of a final metric of a configuration. */
export function finalSpread(config: ConfigResult, metric: keyof RunResult['final']): Spread {
  return spreadOf(config.runs.map((r) => r.final[metric]));
}
