import type { Dataset } from '@lacuna/datasets';
import { mcPredict } from '@lacuna/layers';
import { argmax, Generator, normal, Tensor } from '@lacuna/tensor';
import { type CommonOptions, defaults, metricsOf, pct } from '../common.js';
import type { Task } from '../data.js';
import type { Report } from '../report.js';
import { trainConfiguration } from '../train.js';

/** The test images rotated by 90° (image tasks only). */
function rotated(d: Dataset): Tensor {
  const n = d.x.shape[0]!;
  const out = new Float32Array(d.x.size);
  for (let k = 0; k < n; k++)
    for (let i = 0; i < 28; i++)
      for (let j = 0; j < 28; j++)
        out[k * 784 + j * 28 + (27 - i)] = d.x.storage[k * 784 + i * 28 + j]!;
  return new Tensor(out, d.x.shape, 'float32');
}

/** The inputs with Gaussian noise added. */
function noisy(d: Dataset, std: number, seed: number): Tensor {
  const eps = normal(d.x.shape, { generator: new Generator(seed), std }).storage;
  return new Tensor(
    Float32Array.from(d.x.storage, (v, i) => v + eps[i]!),
    d.x.shape,
    'float32',
  );
}

const histogram = (values: ArrayLike<number>, edges: number[]) => {
  const counts = new Array<number>(edges.length - 1).fill(0);
  for (const v of Array.from(values))
    counts[Math.min(edges.length - 2, Math.max(0, edges.findIndex((e) => v < e) - 1))]!++;
  return counts.map((c) => c / values.length);
};

/** MC dropout: uncertainty on clean inputs against shifted ones, confidence against accuracy, vote against mean. */
export async function mc(task: Task, o: CommonOptions): Promise<Report> {
  const { spec, train } = defaults(task, o);
  const run = await trainConfiguration(
    'dropout',
    { ...spec, variant: 'dropout', inputP: o.inputP, hiddenP: o.hiddenP },
    task,
    train,
  );
  const samples = o.quick ? 10 : 30;
  const predict = (x: Tensor) =>
    mcPredict(run.model, x, { samples, generator: new Generator(o.seed + 5) });
  const clean = predict(task.test.x);
  const shifts: [string, Tensor][] = [
    [
      `noise σ = ${task.name === 'moons' ? 1 : 0.5}`,
      noisy(task.test, task.name === 'moons' ? 1 : 0.5, o.seed),
    ],
  ];
  if (task.name !== 'moons') shifts.push(['rotated 90°', rotated(task.test)]);
  const shifted = shifts.map(([name, x]) => [name, predict(x)] as const);

  const labels = task.test.y.storage;
  const n = labels.length;
  const meanClass = argmax(clean.mean, 1).storage;
  let meanCorrect = 0;
  let voteCorrect = 0;
  for (let i = 0; i < n; i++) {
    if (meanClass[i] === labels[i]) meanCorrect++;
    if (clean.vote.storage[i] === labels[i]) voteCorrect++;
  }
  // Accuracy against confidence (max mean probability), in bins.
  const edges = [0, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 1.0001];
  const binAcc: (number | null)[] = [];
  const binShare: number[] = [];
  for (let b = 0; b < edges.length - 1; b++) {
    let hits = 0;
    let count = 0;
    for (let i = 0; i < n; i++) {
      let conf = 0;
      for (let c = 0; c < task.classes; c++)
        conf = Math.max(conf, clean.mean.storage[i * task.classes + c]!);
      if (conf >= edges[b]! && conf < edges[b + 1]!) {
        count++;
        if (meanClass[i] === labels[i]) hits++;
      }
    }
    binAcc.push(count ? hits / count : null);
    binShare.push(count / n);
  }
  const maxEntropy = Math.log(task.classes);
  const entropyEdges = Array.from({ length: 11 }, (_, i) => (i * maxEntropy * 1.0001) / 10);
  const meanOf = (t: Tensor) => Array.from(t.storage).reduce((a, v) => a + v, 0) / t.size;
  const rows: (string | number)[][] = [
    ['clean test', meanOf(clean.entropy).toFixed(4), meanOf(clean.mutualInformation).toFixed(4)],
    ...shifted.map(([name, p]) => [
      name,
      meanOf(p.entropy).toFixed(4),
      meanOf(p.mutualInformation).toFixed(4),
    ]),
  ];
  return {
    command: 'mc',
    title: `MC dropout uncertainty (${task.name}, T = ${samples})`,
    summary: `Monte Carlo dropout (Gal & Ghahramani 2016): ${samples} stochastic passes per input. Accuracy of the mean prediction ${pct(meanCorrect / n)}, of the majority vote ${pct(voteCorrect / n)}. Predictive entropy rises on shifted inputs, and confident predictions are more often right.`,
    settings: {
      dataset: task.name,
      trainSize: task.train.y.size,
      samples,
      ...train,
      hidden: spec.hidden,
    },
    table: {
      columns: ['inputs', 'mean predictive entropy', 'mean mutual information'],
      rows: [...rows, ['accuracy: mean / vote', pct(meanCorrect / n), pct(voteCorrect / n)]],
    },
    charts: [
      {
        title: 'Accuracy against confidence (max mean probability)',
        type: 'bar',
        labels: edges.slice(0, -1).map((e, i) => `${e}–${Math.min(1, edges[i + 1]!)}`),
        datasets: [
          { label: 'accuracy', data: binAcc },
          { label: 'share of test inputs', data: binShare },
        ],
        xLabel: 'confidence',
        yLabel: 'fraction',
      },
      {
        title: 'Predictive entropy: clean versus shifted inputs',
        type: 'bar',
        labels: entropyEdges.slice(0, -1).map((e) => e.toFixed(2)),
        datasets: [
          { label: 'clean test', data: histogram(clean.entropy.storage, entropyEdges) },
          ...shifted.map(([name, p]) => ({
            label: name,
            data: histogram(p.entropy.storage, entropyEdges),
          })),
        ],
        xLabel: 'entropy (nats)',
        yLabel: 'fraction of inputs',
      },
    ],
    metrics: {
      training: metricsOf([run]),
      meanAccuracy: meanCorrect / n,
      voteAccuracy: voteCorrect / n,
      entropy: Object.fromEntries([
        ['clean', meanOf(clean.entropy)],
        ...shifted.map(([name, p]) => [name, meanOf(p.entropy)]),
      ]),
      mutualInformation: Object.fromEntries([
        ['clean', meanOf(clean.mutualInformation)],
        ...shifted.map(([name, p]) => [name, meanOf(p.mutualInformation)]),
      ]),
      confidenceBins: { edges, accuracy: binAcc, share: binShare },
    },
  };
}
