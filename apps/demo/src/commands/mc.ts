import { noGrad } from '@lacuna/autograd';
import type { Dataset } from '@lacuna/datasets';
import { mcPredict } from '@lacuna/layers';
import { argmax, Generator, normal, softmax, Tensor } from '@lacuna/tensor';
import { calibration, calibrationFindings, extremes, predictions } from '../calibration.js';
import { formatPercent as pct } from '../claims.js';
import type { DemoCommand } from '../command.js';
import { defaults, metricsOf, reportSettings } from '../common.js';
import type { ImagePanel } from '../report/types.js';
import { histogramShares } from '../sparsity.js';
import { trainConfiguration } from '../train.js';

/** Equal-width confidence bins of the reliability diagram. */
const BINS = 10;
/** How many most and least certain test digits the report shows. */
const SHOWN = 10;

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

/** MC dropout: uncertainty on clean inputs against shifted ones, confidence against accuracy, vote against mean. */
export const mc: DemoCommand = {
  name: 'mc',
  description:
    'MC dropout: calibration (reliability diagram, ECE), entropy on clean versus shifted inputs, vote versus mean, the most and least certain digits',
  // The report draws no training curves: evaluating only after the last epoch saves a tenth of
  // the run (evaluation draws no random numbers, so the trained network is the same).
  defaults: (dataset, quick) => (quick || dataset === 'moons' ? {} : { evalEvery: 12 }),
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
    // Reliability of the confidence (Guo et al. 2017): the MC mean against the weight-scaled net.
    const mcPred = predictions(clean.mean.storage, task.classes);
    const scaledProbs = noGrad(() =>
      softmax(run.model.call(task.test.x, { training: false }), 1),
    ).storage;
    const scaledPred = predictions(scaledProbs, task.classes);
    const reliability = {
      mc: calibration(
        mcPred.confidence,
        mcPred.predicted.map((c, i) => c === labels[i]),
        BINS,
      ),
      weightScaled: calibration(
        scaledPred.confidence,
        scaledPred.predicted.map((c, i) => c === labels[i]),
        BINS,
      ),
    };
    const binLabels = reliability.mc.edges
      .slice(0, -1)
      .map((e, k) => `${e.toFixed(1)}–${reliability.mc.edges[k + 1]!.toFixed(1)}`);
    const mcName = `MC dropout mean (T = ${samples})`;
    const scaledName = 'weight scaling';
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
        return `Mean predictive entropy on ${name} inputs is ${entropyOf[name]!.toFixed(3)} nats against ${entropyOf.clean!.toFixed(3)} on clean ones (${ratio >= 1.2 ? `${ratio.toFixed(1)}× higher: the network knows less there` : ratio > 1 / 1.2 ? 'within 20 % of it: no clear sign of extra uncertainty' : 'lower: no sign of extra uncertainty'}).`;
      }),
    ];
    findings.push(...calibrationFindings(reliability.mc, reliability.weightScaled, mcName));

    // The most and least certain test digits by predictive entropy of the MC mean.
    const entropy = clean.entropy.storage;
    const { lowest, highest } = extremes(entropy, SHOWN);
    const digit = (i: number) => ({
      index: i,
      label: labels[i]!,
      predicted: mcPred.predicted[i]!,
      confidence: mcPred.confidence[i]!,
      entropy: entropy[i]!,
    });
    const certain = { most: lowest.map(digit), least: highest.map(digit) };
    const rightOf = (list: ReturnType<typeof digit>[]) =>
      list.filter((d) => d.label === d.predicted).length;
    findings.push(
      `The ${SHOWN} most certain test inputs (entropy ${certain.most[SHOWN - 1]!.entropy < 0.0005 ? 'below 0.001' : `up to ${certain.most[SHOWN - 1]!.entropy.toFixed(3)}`} nats) are right ${rightOf(certain.most)} of ${SHOWN} times; the ${SHOWN} least certain (entropy from ${certain.least[SHOWN - 1]!.entropy.toFixed(3)} nats) ${rightOf(certain.least)} of ${SHOWN} times.`,
    );
    const panel = (title: string, list: ReturnType<typeof digit>[], what: string): ImagePanel => ({
      title,
      caption: `${what} Each label: true class → predicted class (mean of ${samples} passes), the probability of the predicted class, and the predictive entropy H in nats.`,
      width: 28,
      height: 28,
      scale: 'gray',
      images: list.map((d) => ({
        // Non-breaking spaces keep '97.3 %' and 'H 0.12' whole when the 84 px caption wraps.
        label: `${d.label} → ${d.predicted} ${(100 * d.confidence).toFixed(1)}\u00a0% H\u00a0${d.entropy.toFixed(2)}`,
        pixels: Array.from(task.test.x.storage.subarray(d.index * 784, (d.index + 1) * 784), (v) =>
          Number(v.toFixed(3)),
        ),
      })),
    });
    const images =
      task.inputs === 784
        ? [
            panel(
              `The ${SHOWN} most certain test digits`,
              certain.most,
              'The lowest predictive entropy on the clean test set.',
            ),
            panel(
              `The ${SHOWN} least certain test digits`,
              certain.least,
              'The highest predictive entropy on the clean test set: ambiguous or unusual writing.',
            ),
          ]
        : [];
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
      images,
      charts: [
        {
          title: `Reliability diagram: accuracy against confidence (${BINS} bins); perfect calibration is the diagonal`,
          type: 'line',
          labels: binLabels,
          datasets: [
            { config: mcName, split: 'test', data: reliability.mc.accuracy },
            { config: scaledName, split: 'test', data: reliability.weightScaled.accuracy },
            {
              config: 'diagonal (accuracy = confidence)',
              split: 'none',
              data: reliability.mc.edges.slice(0, -1).map((e) => e + 0.5 / BINS),
            },
          ],
          xLabel: 'confidence (probability of the predicted class)',
          yLabel: 'accuracy in the bin',
          yUnit: 'percent',
        },
        {
          title: 'Share of test inputs per confidence bin',
          type: 'bar',
          labels: binLabels,
          datasets: [
            { config: mcName, split: 'test', data: reliability.mc.share },
            { config: scaledName, split: 'test', data: reliability.weightScaled.share },
          ],
          xLabel: 'confidence',
          yLabel: 'share of test inputs',
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
              data: histogramShares(clean.entropy.storage, entropyEdges),
            },
            ...shifted.map(([name, p]) => ({
              config: name,
              split: 'none' as const,
              data: histogramShares(p.entropy.storage, entropyEdges),
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
        calibration: reliability,
        certain,
      },
    };
  },
};
