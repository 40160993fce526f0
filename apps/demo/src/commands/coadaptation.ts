import { noGrad } from '@lacuna/autograd';
import {
  binaryCrossEntropyWithLogits,
  Dropout,
  Linear,
  type Module,
  ReLU,
  Sequential,
} from '@lacuna/layers';
import type { Generator, Tensor } from '@lacuna/tensor';
import { formatPercent as pct } from '../claims.js';
import type { DemoCommand } from '../command.js';
import { defaults, meanSeries, metricsOf, reportSettings } from '../common.js';
import type { Task } from '../data.js';
import type { ImagePanel } from '../report/types.js';
import {
  activationHistogram,
  activationStats,
  histogramShares,
  neighbourCorrelation,
  quantile,
} from '../sparsity.js';
import { type Spread, spreadOf } from '../stats.js';
import { type ConfigResult, trainConfiguration } from '../train.js';

/** What one trained autoencoder shows: sparsity of its hidden code and smoothness of its features. */
export interface CoadaptationStats {
  /** Share of hidden activations on the test set that are exactly 0. */
  zeroShare: number;
  meanActivation: number;
  /** Share of hidden units that are 0 on every test image. */
  deadShare: number;
  /** Median over units of each unit's mean activation. */
  medianUnitMean: number;
  /** Mean over units of the neighbouring-pixel correlation of the unit's weights. */
  smoothness: number;
  /** Reconstruction loss on the test set (binary cross-entropy per pixel). */
  testLoss: number;
}

/** The encoder half (Linear + ReLU), so its activations can be read; the whole autoencoder. */
interface Autoencoder {
  encoder: Module;
  model: Module;
}

/**
 * A 784-h-784 autoencoder: ReLU hidden units, dropout `hiddenP` on them (and `inputP` on the
 * inputs), a linear decoder whose logits go through a sigmoid inside the loss. Both linear layers
 * are drawn before any dropout generator, so the nets with and without dropout start from the
 * same weights.
 */
function autoencoder(inputs: number, hidden: number, inputP: number, hiddenP: number) {
  const made: Autoencoder[] = [];
  const build = (g: Generator): Module => {
    const encode = new Linear(inputs, hidden, { generator: g });
    const decode = new Linear(hidden, inputs, { generator: g });
    const encoder = new Sequential(encode, new ReLU());
    const layers: Module[] = [];
    if (inputP > 0) layers.push(new Dropout(inputP, { generator: g.fork() }));
    layers.push(encoder);
    if (hiddenP > 0) layers.push(new Dropout(hiddenP, { generator: g.fork() }));
    layers.push(decode);
    const model = new Sequential(...layers);
    made.push({ encoder, model });
    return model;
  };
  return { build, made };
}

/** Hidden activations of `x` [n, inputs] in inference mode, off the tape, as [n, hidden]. */
function hiddenActivations(encoder: Module, x: Tensor, hidden: number, chunk = 2000): Float32Array {
  const n = x.shape[0]!;
  const row = x.size / n;
  const out = new Float32Array(n * hidden);
  noGrad(() => {
    for (let start = 0; start < n; start += chunk) {
      const end = Math.min(n, start + chunk);
      const part = new (x.constructor as typeof Tensor)(
        x.storage.subarray(start * row, end * row),
        [end - start, row],
        x.dtype,
      );
      out.set(encoder.call(part, { training: false }).storage as Float32Array, start * hidden);
    }
  });
  return out;
}

/** The first layer's weights, one row of 784 per hidden unit. */
const encoderWeights = (encoder: Module): Tensor =>
  encoder.namedParameters().find(([key]) => key.endsWith('weight'))![1];

const round = (v: number) => Number(v.toPrecision(3));

/**
 * The findings, every one computed from the numbers: sparsity (share of zeros and mean
 * activation, with dead units), per-unit mean activation, feature smoothness, reconstruction.
 * With several seeds per configuration, a difference inside the seed spread is said to be so.
 */
export function coadaptationFindings(
  plain: readonly CoadaptationStats[],
  dropped: readonly CoadaptationStats[],
  units: number,
  testImages: number,
): string[] {
  const s = (stats: readonly CoadaptationStats[], key: keyof CoadaptationStats) =>
    spreadOf(stats.map((v) => v[key]));
  const zeros = [s(plain, 'zeroShare'), s(dropped, 'zeroShare')] as const;
  const mean = [s(plain, 'meanActivation'), s(dropped, 'meanActivation')] as const;
  const dead = [s(plain, 'deadShare'), s(dropped, 'deadShare')] as const;
  const median = [s(plain, 'medianUnitMean'), s(dropped, 'medianUnitMean')] as const;
  const smooth = [s(plain, 'smoothness'), s(dropped, 'smoothness')] as const;
  const loss = [s(plain, 'testLoss'), s(dropped, 'testLoss')] as const;
  const seeds = Math.min(plain.length, dropped.length);
  /** Outside the seed spread: ranges apart and the difference over twice the larger sd. */
  const apart = ([a, b]: readonly [Spread, Spread]) =>
    (b.min > a.max || a.min > b.max) && Math.abs(b.mean - a.mean) > 2 * Math.max(a.sd, b.sd);
  const seedNote =
    seeds < 2
      ? ' (one seed: run with --seeds 3 to measure the spread)'
      : ` (mean of ${seeds} seeds)`;
  const num = (v: number) => v.toFixed(3);

  const moreZeros = zeros[1].mean > zeros[0].mean;
  const lowerMean = mean[1].mean < mean[0].mean;
  const head = `With dropout, ${pct(zeros[1].mean)} of the hidden activations on the ${testImages} test images are exactly 0 against ${pct(zeros[0].mean)} without, and the mean activation is ${num(mean[1].mean)} against ${num(mean[0].mean)}${seedNote}`;
  let verdict: string;
  if (moreZeros && lowerMean)
    verdict =
      seeds >= 2 && !(apart(zeros) && apart(mean))
        ? ': sparser with dropout, but the difference is inside the seed spread, so no effect is shown.'
        : seeds < 2
          ? ': sparser with dropout, as in Srivastava et al. (2014, Figure 8); one seed, so the spread is unmeasured.'
          : ': dropout gives sparser activations, outside the seed spread, as in Srivastava et al. (2014, Figure 8).';
  else if (!moreZeros && !lowerMean)
    verdict = ': the activations are not sparser with dropout in this run, unlike Figure 8.';
  else
    verdict = `: the two measures disagree (${moreZeros ? 'more zeros but a higher mean' : 'fewer zeros but a lower mean'}), so no clear sparsity effect is shown.`;
  const findings = [head + verdict];

  const deadCount = (v: number) => Math.round(v * units);
  findings.push(
    `${deadCount(dead[1].mean)} of the ${units} hidden units never fire on the test set with dropout, ${deadCount(dead[0].mean)} without${
      dead[1].mean > dead[0].mean && moreZeros
        ? ': part of the extra zeros comes from units that are off for every image, not from selective ones.'
        : '.'
    }`,
  );
  findings.push(
    `The median unit's mean activation (Figure 8, left) is ${num(median[1].mean)} with dropout against ${num(median[0].mean)} without (${median[1].mean < median[0].mean ? 'lower' : 'not lower'} with dropout).`,
  );
  const ds = smooth[1].mean - smooth[0].mean;
  findings.push(
    `Neighbouring pixels' weights in the first-layer features correlate at r = ${smooth[1].mean.toFixed(2)} with dropout against r = ${smooth[0].mean.toFixed(2)} without (random weights: r ≈ 0)${
      Math.abs(ds) <= 0.05 || (seeds >= 2 && !apart(smooth))
        ? ': the numbers show no clear difference in how smooth the features are.'
        : ds > 0
          ? ': the features learned with dropout are smoother, more like strokes and blobs (Figure 7), those without dropout noisier.'
          : ': here the features without dropout are the smoother ones, unlike Figure 7.'
    }`,
  );
  findings.push(
    `Test reconstruction loss (binary cross-entropy per pixel): ${loss[1].mean.toFixed(4)} with dropout against ${loss[0].mean.toFixed(4)} without (${loss[1].mean > loss[0].mean ? 'dropout reconstructs less precisely' : 'dropout reconstructs at least as well'}).`,
  );
  return findings;
}

/**
 * What co-adaptation looks like (Srivastava et al. 2014, Section 7.1, Figures 7 and 8): an
 * autoencoder on MNIST with one hidden layer of 256 ReLU units, trained without and with dropout
 * (0.5 on the hidden units). It draws the first layer's features and the histograms of hidden
 * activations and of the units' mean activations, and measures their sparsity.
 */
export const coadaptation: DemoCommand = {
  name: 'coadaptation',
  description:
    "co-adaptation: an autoencoder's features and the sparsity of its hidden units, without and with dropout",
  datasets: ['mnist', 'fashion-mnist'],
  defaults: (_dataset, quick) =>
    quick
      ? { trainSize: 300, epochs: 3, evalEvery: 1, hidden: [256], batchSize: 50, inputP: 0 }
      : {
          // 10 epochs show the sparsity but not yet the noisy features of Figure 7a: the
          // co-adapted features of the plain net appear with longer training (30 measured here).
          trainSize: 10000,
          epochs: 30,
          evalEvery: 5,
          hidden: [256],
          batchSize: 100,
          optimizer: 'adam',
          lr: { sgd: 0.1, adam: 0.001 },
          inputP: 0,
          hiddenP: 0.5,
        },
  async run(task, o) {
    const units = o.hidden[0]!;
    const { train } = defaults(task, o);
    // The autoencoder's targets are its inputs.
    const ae: Task = {
      ...task,
      train: { x: task.train.x, y: task.train.x },
      test: { x: task.test.x, y: task.test.x },
    };
    const settings = { ...train, loss: binaryCrossEntropyWithLogits };
    const plainNets = autoencoder(task.inputs, units, 0, 0);
    const droppedNets = autoencoder(task.inputs, units, o.inputP, o.hiddenP);
    const configs: ConfigResult[] = [
      await trainConfiguration('no dropout', plainNets.build, ae, settings, o.seeds),
      await trainConfiguration('dropout', droppedNets.build, ae, settings, o.seeds),
    ];
    const testImages = task.test.y.size;

    const measure = (nets: Autoencoder[], config: ConfigResult) =>
      nets.map(({ encoder }, k) => {
        const h = hiddenActivations(encoder, task.test.x, units);
        const stats = activationStats(h, units);
        const w = encoderWeights(encoder).storage;
        let smooth = 0;
        for (let u = 0; u < units; u++)
          smooth += neighbourCorrelation(w.subarray(u * 784, (u + 1) * 784), 28, 28);
        return {
          h,
          unitMeans: stats.unitMeans,
          stats: {
            zeroShare: stats.zeroShare,
            meanActivation: stats.meanActivation,
            deadShare: stats.deadShare,
            medianUnitMean: quantile(stats.unitMeans, 0.5),
            smoothness: smooth / units,
            testLoss: config.runs[k]!.final.testLoss,
          } satisfies CoadaptationStats,
        };
      });
    const measured = [measure(plainNets.made, configs[0]!), measure(droppedNets.made, configs[1]!)];
    const first = measured.map((m) => m[0]!);

    // One scale for both networks: the larger 99th percentile of the non-zero activations.
    const top = Math.max(
      1e-6,
      ...first.map((m) =>
        quantile(
          m.h.filter((v) => v > 0),
          0.99,
        ),
      ),
    );
    const activation = first.map((m) => activationHistogram(m.h, top, 15));
    const unitTop = Math.max(1e-6, ...first.map((m) => Math.max(...m.unitMeans)));
    const unitEdges = Array.from({ length: 16 }, (_, k) => (k * unitTop) / 15);
    const unitShares = first.map((m) => histogramShares(m.unitMeans, unitEdges));
    const digits = unitTop >= 10 ? 1 : 2;

    const shown = Math.min(64, units);
    const panel = (name: string, encoder: Module, what: string): ImagePanel => {
      const w = encoderWeights(encoder).storage;
      return {
        title: `First-layer features ${name} (${shown} of ${units} units)`,
        caption: `The incoming weights of hidden units 0–${shown - 1} as 28×28 images, ${what}. Red positive, blue negative, white 0; each image scaled by its own largest |weight|. The same units start from the same weights in both networks.`,
        width: 28,
        height: 28,
        scale: 'signed',
        images: Array.from({ length: shown }, (_, u) => ({
          label: `unit ${u}`,
          pixels: Array.from(w.subarray(u * 784, (u + 1) * 784), round),
        })),
      };
    };
    const images = [
      panel('without dropout', plainNets.made[0]!.encoder, 'trained without dropout'),
      panel(
        'with dropout',
        droppedNets.made[0]!.encoder,
        `trained with dropout p = ${o.hiddenP} on the hidden units`,
      ),
    ];

    const statsOf = (m: (typeof measured)[number]) => m.map((r) => r.stats);
    const findings = coadaptationFindings(
      statsOf(measured[0]!),
      statsOf(measured[1]!),
      units,
      testImages,
    );
    const mean = (m: (typeof measured)[number], key: keyof CoadaptationStats) =>
      spreadOf(m.map((r) => r.stats[key])).mean;
    const labels = configs[0]!.runs[0]!.history.map((h) => h.epoch);
    const seedsNote = o.seeds > 1 ? ` (first of ${o.seeds} seeds)` : '';
    return {
      command: 'coadaptation',
      title: `Co-adaptation: autoencoder features and sparsity (${task.name}, 784-${units}-784)`,
      findings,
      quick: o.quick,
      settings: reportSettings(task, o, {
        network: `${task.inputs}-${units}-${task.inputs}`,
        loss: 'sigmoid + binary cross-entropy',
        inputP: o.inputP,
        hiddenP: o.hiddenP,
      }),
      table: {
        columns: [
          'configuration',
          'zero activations',
          'mean activation',
          'dead units',
          'test loss',
        ],
        rows: measured.map((m, i) => [
          configs[i]!.name,
          pct(mean(m, 'zeroShare')),
          mean(m, 'meanActivation').toFixed(3),
          `${Math.round(mean(m, 'deadShare') * units)} / ${units}`,
          mean(m, 'testLoss').toFixed(4),
        ]),
      },
      charts: [
        {
          title: `Hidden activations on the test set${seedsNote}: the first bar is exact zeros`,
          type: 'bar',
          labels: activation[0]!.labels,
          datasets: activation.map((a, i) => ({
            config: configs[i]!.name,
            split: 'test' as const,
            data: a.shares,
          })),
          xLabel: 'activation',
          yLabel: 'share of activations',
          yUnit: 'percent',
        },
        {
          title: `Mean activation of each hidden unit over the test set${seedsNote}`,
          type: 'bar',
          labels: unitEdges
            .slice(0, -1)
            .map((e, k) => `${e.toFixed(digits)}–${unitEdges[k + 1]!.toFixed(digits)}`),
          datasets: unitShares.map((shares, i) => ({
            config: configs[i]!.name,
            split: 'test' as const,
            data: shares,
          })),
          xLabel: 'mean activation of a unit',
          yLabel: 'share of units',
          yUnit: 'percent',
        },
        {
          title: 'Reconstruction loss (binary cross-entropy per pixel): train solid, test dashed',
          type: 'line',
          labels,
          datasets: configs.flatMap((c) => [
            meanSeries(c, 'train', (h) => h.train.loss),
            meanSeries(c, 'test', (h) => h.test.loss),
          ]),
          xLabel: 'epoch',
          yLabel: 'binary cross-entropy',
          yUnit: 'number',
        },
      ],
      images,
      metrics: {
        configurations: metricsOf(configs),
        sparsity: Object.fromEntries(
          measured.map((m, i) => [configs[i]!.name, m.map((r) => r.stats)]),
        ),
        histograms: {
          activation: {
            labels: activation[0]!.labels,
            ...Object.fromEntries(activation.map((a, i) => [configs[i]!.name, a.shares])),
          },
          unitMean: {
            edges: unitEdges,
            ...Object.fromEntries(unitShares.map((s, i) => [configs[i]!.name, s])),
          },
        },
      },
    };
  },
};
