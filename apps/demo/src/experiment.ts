import { backward, noGrad } from '@lacuna/autograd';
import { DataLoader, type Dataset, twoMoons } from '@lacuna/datasets';
import { crossEntropy, Dropout, Linear, type Module, ReLU, Sequential } from '@lacuna/layers';
import { SGD } from '@lacuna/optim';
import { argmax, equal, Generator, sum } from '@lacuna/tensor';

/** Settings of one "does dropout prevent over-fitting?" run. */
export interface ExperimentConfig {
  seed: number;
  epochs: number;
  trainSize: number;
  testSize: number;
  hidden: number;
  noise: number;
  lr: number;
  batchSize: number;
}

/** Accuracy and loss of a model on a dataset. */
export interface Metrics {
  loss: number;
  accuracy: number;
}

/** One configuration's result. */
export interface RunResult {
  name: string;
  dropout: number;
  train: Metrics;
  test: Metrics;
  history: { epoch: number; train: Metrics; test: Metrics }[];
}

export const defaultConfig: ExperimentConfig = {
  seed: 7,
  epochs: 300,
  trainSize: 64,
  testSize: 2000,
  hidden: 256,
  noise: 0.35,
  lr: 0.05,
  batchSize: 16,
};

function buildModel(cfg: ExperimentConfig, p: number, g: Generator): Module {
  const layers: Module[] = [new Linear(2, cfg.hidden, { generator: g }), new ReLU()];
  if (p > 0) layers.push(new Dropout(p, { generator: g.fork() }));
  layers.push(new Linear(cfg.hidden, cfg.hidden, { generator: g }), new ReLU());
  if (p > 0) layers.push(new Dropout(p, { generator: g.fork() }));
  layers.push(new Linear(cfg.hidden, 2, { generator: g }));
  return new Sequential(...layers);
}

/** Loss and accuracy in eval mode, without recording a graph. */
export function evaluate(model: Module, data: Dataset): Metrics {
  const wasTraining = model.training;
  model.eval();
  const metrics = noGrad(() => {
    const logits = model.forward(data.x);
    const correct = sum(equal(argmax(logits, 1), data.y)).item();
    return { loss: crossEntropy(logits, data.y).item(), accuracy: correct / data.y.size };
  });
  model.train(wasTraining);
  return metrics;
}

/** Trains one MLP (with dropout p, or none) and records metrics along the way. */
export function runConfiguration(
  cfg: ExperimentConfig,
  name: string,
  p: number,
  onEpoch?: (epoch: number, train: Metrics, test: Metrics) => void,
): RunResult {
  const dataGen = new Generator(cfg.seed);
  const trainSet = twoMoons(cfg.trainSize, { generator: dataGen, noise: cfg.noise });
  const testSet = twoMoons(cfg.testSize, { generator: dataGen, noise: cfg.noise });
  // The same initial weights and batch order for both configurations: only dropout differs.
  const g = new Generator(cfg.seed + 1);
  const model = buildModel(cfg, p, g);
  const loader = new DataLoader(trainSet, {
    batchSize: cfg.batchSize,
    shuffle: true,
    generator: new Generator(cfg.seed + 2),
  });
  const opt = new SGD(model.parameters(), { lr: cfg.lr, momentum: 0.9 });
  const history: RunResult['history'] = [];
  for (let epoch = 1; epoch <= cfg.epochs; epoch++) {
    model.train();
    for (const batch of loader.batches()) {
      opt.zeroGrad();
      backward(crossEntropy(model.forward(batch.x), batch.y));
      opt.step();
    }
    if (epoch % Math.max(1, Math.floor(cfg.epochs / 10)) === 0 || epoch === cfg.epochs) {
      const train = evaluate(model, trainSet);
      const test = evaluate(model, testSet);
      history.push({ epoch, train, test });
      onEpoch?.(epoch, train, test);
    }
  }
  return {
    name,
    dropout: p,
    train: evaluate(model, trainSet),
    test: evaluate(model, testSet),
    history,
  };
}
