import { DataLoader } from '@lacuna/datasets';
import { crossEntropy, type EpochLog, fit, type Module } from '@lacuna/layers';
import { Adam, SGD } from '@lacuna/optim';
import { Generator } from '@lacuna/tensor';
import type { Task } from './data.js';
import { buildMlp, type MlpSpec } from './models.js';
import { progress } from './progress.js';

/** Training settings shared by every configuration of a command. */
export interface TrainSettings {
  epochs: number;
  seed: number;
  batchSize: number;
  lr: number;
  momentum: number;
  /** 'sgd' (with momentum) or 'adam'. */
  optimizer: 'sgd' | 'adam';
  /** Print nothing per epoch. */
  quiet?: boolean;
}

/** One trained configuration: its spec, per-epoch history and final metrics. */
export interface RunResult {
  name: string;
  spec: MlpSpec;
  history: EpochLog[];
  final: {
    trainAccuracy: number;
    testAccuracy: number;
    trainLoss: number;
    testLoss: number;
    gap: number;
  };
  model: Module;
}

/**
 * Trains one configuration with the library's `fit`: SGD with momentum, a seeded shuffling
 * DataLoader, and the test set evaluated after every epoch. Every configuration of a command
 * starts from the same seed, so the initial weights (where shapes agree) and the batch order are
 * shared and dropout is the only difference.
 */
export async function trainConfiguration(
  name: string,
  spec: MlpSpec,
  task: Task,
  s: TrainSettings,
): Promise<RunResult> {
  const model = buildMlp(spec, new Generator(s.seed));
  const loader = new DataLoader(task.train, {
    batchSize: s.batchSize,
    shuffle: true,
    generator: new Generator(s.seed + 1),
  });
  const optimizer =
    s.optimizer === 'adam'
      ? new Adam(model.parameters(), { lr: s.lr })
      : new SGD(model.parameters(), { lr: s.lr, momentum: s.momentum });
  const { epochs: history } = await fit(model, {
    data: loader,
    optimizer,
    loss: crossEntropy,
    epochs: s.epochs,
    trainEval: task.train,
    validation: task.test,
    callbacks: [progress(name, s.quiet ?? false)],
  });
  const last = history[history.length - 1]!;
  const trainAccuracy = last.train.accuracy ?? 0;
  const testAccuracy = last.validation?.accuracy ?? 0;
  return {
    name,
    spec,
    history,
    model,
    final: {
      trainAccuracy,
      testAccuracy,
      trainLoss: last.train.loss,
      testLoss: last.validation?.loss ?? Number.NaN,
      gap: trainAccuracy - testAccuracy,
    },
  };
}
