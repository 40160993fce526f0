import type { Dataset } from '@lacuna/datasets';
import { mcPredict } from '@lacuna/layers';
import { argmax, Generator, normal, Tensor } from '@lacuna/tensor';
import { formatPercent as pct } from '../claims.js';
import type { DemoCommand } from '../command.js';
import { defaults, metricsOf, reportSettings } from '../common.js';
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
export const mc: DemoCommand = {
  name: 'mc',
  description:
    'MC dropout: confidence against accuracy, entropy on clean versus shifted inputs, vote versus mean',
  async run(task, o) {
    const { spec, train } = defaults(task, o);
    const config = await trainConfiguration(
      'dropout',
      { ...spec, variant: 'dropout', inputP: o.inputP, hiddenP: o.hiddenP },
      task,
      train,
    );
    const run = config.runs[0]!;
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
    const entropyOf = Object.fromEntries([
      ['clean', meanOf(clean.entropy)],
      ...shifted.map(([name, p]) => [name, meanOf(p.entropy)]),
    ]) as Record<string, number>;
    const findings = [
      `Monte Carlo dropout (Gal & Ghahramani 2016), ${samples} stochastic passes per input: the mean prediction is right on ${pct(meanCorrect / n)} of the test inputs, the majority vote on ${pct(voteCorrect / n)}.`,
      ...shifted.map(([name]) => {
        const ratio = entropyOf[name]! / entropyOf.clean!;
        return `Mean predictive entropy on ${name} inputs is ${entropyOf[name]!.toFixed(3)} nats against ${entropyOf.clean!.toFixed(3)} on clean ones (${ratio >= 1 ? `${ratio.toFixed(1)}× higher: the network knows less there` : 'lower: no sign of extra uncertainty'}).`;
      }),
    ];
    const confident = binAcc.filter((v): v is number => v !== null);
    if (confident.length >= 2)
      findings.push(
        confident[confident.length - 1]! > confident[0]!
          ? `Confident predictions are more often right: ${pct(confident[confident.length - 1]!)} accuracy in the most confident bin against ${pct(confident[0]!)} in the least.`
          : 'Accuracy does not rise with confidence in this run.',
      );
    return {
      command: 'mc',
      title: `MC dropout uncertainty (${task.name}, T = ${samples})`,
      findings,
      quick: o.quick,
      settings: reportSettings(task, o, { samples, inputP: o.inputP, hiddenP: o.hiddenP }),
      table: {
        columns: ['inputs', 'mean predictive entropy (nats)', 'mean mutual information (nats)'],
        rows,
      },
      charts: [
        {
          title: 'Accuracy against confidence (max mean probability)',
          type: 'bar',
          labels: edges.slice(0, -1).map((e, i) => `${e}–${Math.min(1, edges[i + 1]!)}`),
          datasets: [{ config: 'accuracy in the bin', split: 'none', data: binAcc }],
          xLabel: 'confidence',
          yLabel: 'accuracy',
          yUnit: 'percent',
        },
        {
          title: 'Share of test inputs per confidence bin',
          type: 'bar',
          labels: edges.slice(0, -1).map((e, i) => `${e}–${Math.min(1, edges[i + 1]!)}`),
          datasets: [{ config: 'share of test inputs', split: 'none', data: binShare }],
          xLabel: 'confidence',
          yLabel: 'share',
          yUnit: 'percent',
        },
        {
          title: 'Predictive entropy: clean versus shifted inputs',
          type: 'bar',
          labels: entropyEdges.slice(0, -1).map((e) => e.toFixed(2)),
          datasets: [
            {
              config: 'clean test',
              split: 'none',
              data: histogram(clean.entropy.storage, entropyEdges),
            },
            ...shifted.map(([name, p]) => ({
              config: name,
              split: 'none' as const,
              data: histogram(p.entropy.storage, entropyEdges),
            })),
          ],
          xLabel: 'entropy (nats)',
          yLabel: 'share of inputs',
          yUnit: 'percent',
        },
      ],
      metrics: {
        training: metricsOf([config]),
        meanAccuracy: meanCorrect / n,
        voteAccuracy: voteCorrect / n,
        entropy: entropyOf,
        mutualInformation: Object.fromEntries([
          ['clean', meanOf(clean.mutualInformation)],
          ...shifted.map(([name, p]) => [name, meanOf(p.mutualInformation)]),
        ]),
        confidenceBins: { edges, accuracy: binAcc, share: binShare },
      },
    };
  },
};
