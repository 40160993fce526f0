import { compareSamples, formatPercent, formatPoints, type Quantity } from '../claims.js';
import type { DemoCommand } from '../command.js';
import {
  type CommonOptions,
  curveCharts,
  defaults,
  metricsOf,
  reportSettings,
  wrap,
} from '../common.js';
import { type ConvTask, chooseConvData, loadConvTask, probeConvData } from '../conv-data.js';
import { buildConvNet, type ConvSpec, describeConvNet } from '../conv-model.js';
import type { Task } from '../data.js';
import { LINE_WIDTH } from '../progress.js';
import type { Report, Series } from '../report/types.js';
import { spreadOf } from '../stats.js';
import { type ConfigResult, type RunResult, trainConfiguration } from '../train.js';

/** The dense dropout rates of the sweep: 0.0 to 0.9 in steps of 0.1, as in the Keras article. */
export const CONV_RATES = Array.from({ length: 10 }, (_, i) => i / 10);
/** Dropout after each conv block in the spatial comparison (the second article: 0.2 to 0.3). */
export const CONV_BLOCK_P = 0.2;
/**
 * Conv nets evaluate much faster in small batches here: one 2,000-image batch builds a huge
 * im2col buffer (measured: 2,000 MNIST images in 4 s at 2,000 a batch, 0.4 s at 100).
 */
const EVAL_BATCH = 100;

const DATA_LABEL: Record<string, string> = {
  'cifar-10': 'CIFAR-10',
  'fashion-mnist': 'Fashion-MNIST',
  mnist: 'MNIST',
};

const mean = (c: ConfigResult, f: (r: RunResult) => number) => spreadOf(c.runs.map(f)).mean;
const trainAcc = (r: RunResult) => r.final.trainAccuracy;
const testAcc = (r: RunResult) => r.final.testAccuracy;
const samples = (c: ConfigResult, f: (r: RunResult) => number) => ({
  name: c.name,
  values: c.runs.map(f),
});

/** The network for a task: two conv blocks (8 and 16 channels; 4 and 8 in quick runs). */
export function convSpec(
  task: Task,
  o: CommonOptions,
): Omit<ConvSpec, 'denseP' | 'convP' | 'convDrop'> {
  const [, channels, side] = task.train.x.shape;
  return {
    channels: channels!,
    side: side!,
    blocks: o.quick ? [4, 8] : [8, 16],
    dense: o.hidden,
    classes: task.classes,
  };
}

/** Whether every seed of `a` scores below every seed of `b`. */
const allBelow = (a: ConfigResult, b: ConfigResult, f: (r: RunResult) => number) =>
  Math.max(...a.runs.map(f)) < Math.min(...b.runs.map(f));

const names = (cs: ConfigResult[]) => (cs.length ? cs.map((c) => c.name).join(', ') : 'no rate');
const pointsText = (d: number) => formatPoints(d).replace('pts', 'points');

/**
 * The findings, each generated from the numbers: the data used; the best rate against none (test
 * accuracy and test loss); at which rates dense dropout helps or hurts outside the seed spread;
 * whether the highest rate under-fits; Dropout2d against Dropout after the conv blocks, and each
 * against no dropout.
 */
export function convFindings(
  data: { label: string; why: string },
  sweep: ConfigResult[],
  dropout: ConfigResult,
  dropout2d: ConfigResult,
): string[] {
  const none = sweep[0]!;
  const rates = sweep.slice(1);
  const top = sweep[sweep.length - 1]!;
  const testLoss = (r: RunResult) => r.final.testLoss;
  const best = sweep.reduce((a, c) => (mean(c, testAcc) > mean(a, testAcc) ? c : a));
  const lowest = sweep.reduce((a, c) => (mean(c, testLoss) < mean(a, testLoss) ? c : a));
  const test: Quantity = { name: 'test accuracy', unit: 'percent', better: 'higher' };
  const loss: Quantity = { name: 'test loss', unit: 'number', better: 'lower' };
  const versus = (c: ConfigResult) =>
    compareSamples(test, samples(none, testAcc), samples(c, testAcc));
  const seeds = Math.min(...sweep.map((c) => c.runs.length));
  const helped = rates.filter((c) => versus(c).verdict === 'effect');
  const hurt = rates.filter((c) => versus(c).verdict === 'reversed');
  const underfits = allBelow(top, none, trainAcc) && allBelow(top, best, testAcc);
  const beforeTop = sweep[sweep.length - 2]!;
  return [
    `Trained on ${data.label}: ${data.why}.`,
    best === none
      ? `The best test accuracy, ${formatPercent(mean(none, testAcc))}, is without dropout: no rate of dense dropout beat it here.`
      : `The best test accuracy is ${formatPercent(mean(best, testAcc))} at dense ${best.name}, against ${formatPercent(mean(none, testAcc))} without dropout.`,
    ...(best === none ? [] : [versus(best).sentence]),
    ...(lowest === none
      ? [`The lowest test loss, ${mean(none, testLoss).toFixed(4)}, is without dropout.`]
      : [compareSamples(loss, samples(none, testLoss), samples(lowest, testLoss)).sentence]),
    seeds > 1
      ? `Outside the seed spread, dense dropout raises test accuracy at ${names(helped)} and lowers it at ${names(hurt)}; elsewhere the difference is inside the spread.`
      : 'One seed per rate, so the spread is unmeasured: run with --seeds 2 or more before reading a trend into single points.',
    `Training accuracy is ${formatPercent(mean(none, trainAcc))} without dropout, ${formatPercent(mean(beforeTop, trainAcc))} at ${beforeTop.name} and ${formatPercent(mean(top, trainAcc))} at ${top.name}; test accuracy at ${top.name} is ${formatPercent(mean(top, testAcc))} (${pointsText(mean(top, testAcc) - mean(best, testAcc))} from the best rate).`,
    underfits
      ? `At ${top.name} ${seeds > 1 ? 'every seed' : 'the network (one seed)'} fits the training set worse than ${seeds > 1 ? 'every seed' : 'the one'} without dropout and the test set worse than at the best rate: the highest rate under-fits.`
      : `These numbers do not show under-fitting at ${top.name}: its ${seeds > 1 ? 'seeds do not all' : 'network does not'} score below no dropout on the training set and below the best rate on the test set.`,
    compareSamples(test, samples(dropout, testAcc), samples(dropout2d, testAcc)).sentence,
    versus(dropout).sentence,
    versus(dropout2d).sentence,
  ];
}

/**
 * The Keras article's experiment, scaled to a CPU: a small convolutional network (two conv blocks,
 * then two dense layers) with the dense dropout rate swept from 0.0 to 0.9, and the second
 * article's claim that spatial dropout (Dropout2d, whole channels) suits conv layers better than
 * element-wise Dropout at the same rate after the conv blocks.
 */
export const conv: DemoCommand = {
  name: 'conv',
  description: 'a conv net: dense dropout rate 0.0 to 0.9, and Dropout2d against Dropout',
  datasets: ['mnist', 'fashion-mnist'],
  defaults: (_dataset, quick) =>
    quick
      ? { trainSize: 200, testSize: 300, epochs: 2, evalEvery: 1, hidden: [32, 32] }
      : {
          // Small enough that the plain network (nearly) memorises its training set within the
          // epochs (99.9 % and 97.8 % train accuracy at epoch 12 here), and the 12 networks at 2
          // seeds train in about 3 minutes (174 s of CPU here; 1000 images took 250 s).
          trainSize: 800,
          testSize: 2000,
          epochs: 12,
          evalEvery: 3,
          // Two seeds: every comparison states its seed spread.
          seeds: 2,
          hidden: [256, 256],
          batchSize: 32,
          optimizer: 'adam',
          lr: { sgd: 0.05, adam: 0.002 },
        },
  async loadTask(o) {
    const choice = chooseConvData(await probeConvData(o));
    return loadConvTask(choice, o.trainSize, o.seed, o.testSize);
  },
  async run(task, o): Promise<Report> {
    const why = (task as ConvTask).why ?? 'as given';
    const label = DATA_LABEL[task.name] ?? task.name;
    console.log(`${wrap(`Trained on ${label}: ${why}.`, LINE_WIDTH)}\n`);
    const { train } = defaults(task, o);
    const net = convSpec(task, o);
    // The sweep reads only final numbers: evaluate once, after the last epoch. The networks whose
    // curves are drawn (no dropout, Dropout and Dropout2d after the conv blocks) every evalEvery.
    const final = { ...train, evalEvery: o.epochs, evalBatch: EVAL_BATCH };
    const curves = { ...train, evalBatch: EVAL_BATCH };
    const spec =
      (denseP: number, convDrop: ConvSpec['convDrop']) => (g: Parameters<typeof buildConvNet>[1]) =>
        buildConvNet(
          { ...net, denseP, convP: convDrop === 'none' ? 0 : CONV_BLOCK_P, convDrop },
          g,
        );
    const sweep: ConfigResult[] = [];
    for (const p of CONV_RATES)
      sweep.push(
        await trainConfiguration(
          p === 0 ? 'no dropout' : `p = ${p.toFixed(1)}`,
          spec(p, 'none'),
          task,
          p === 0 ? curves : final,
          o.seeds,
        ),
      );
    const dropout = await trainConfiguration(
      'Dropout (conv)',
      spec(0, 'dropout'),
      task,
      curves,
      o.seeds,
    );
    const dropout2d = await trainConfiguration(
      'Dropout2d (conv)',
      spec(0, 'dropout2d'),
      task,
      curves,
      o.seeds,
    );
    /** A rate-axis series: the mean over seeds, with the min–max band when there are several. */
    const finals = (split: Series['split'], f: (r: RunResult) => number): Series => {
      const spreads = sweep.map((c) => spreadOf(c.runs.map(f)));
      const data = spreads.map((s) => s.mean);
      return o.seeds > 1
        ? {
            config: 'conv net',
            split,
            data,
            low: spreads.map((s) => s.min),
            high: spreads.map((s) => s.max),
          }
        : { config: 'conv net', split, data };
    };
    const band = o.seeds > 1 ? `; mean of ${o.seeds} seeds, band: min–max` : '';
    const row = (name: string, c: ConfigResult) => [
      name,
      formatPercent(mean(c, trainAcc)),
      formatPercent(mean(c, testAcc)),
      mean(c, (r) => r.final.testLoss).toFixed(4),
    ];
    const none = sweep[0]!;
    return {
      command: 'conv',
      title: `Dropout in a convolutional network (${label}, ${task.train.y.size} training images)`,
      findings: convFindings({ label, why }, sweep, dropout, dropout2d),
      quick: o.quick,
      settings: reportSettings(task, o, {
        dataset: label,
        network: describeConvNet({ ...net, denseP: 0, convP: 0, convDrop: 'none' }),
        rates: `dense dropout ${CONV_RATES[0]!.toFixed(1)} to ${CONV_RATES.at(-1)!.toFixed(1)}, step 0.1`,
        convBlockP: CONV_BLOCK_P,
        evalEvery: `${o.epochs} (the rate sweep: last epoch only); ${o.evalEvery} (no dropout, Dropout, Dropout2d)`,
      }),
      table: {
        columns: ['configuration', 'train accuracy', 'test accuracy', 'test loss'],
        rows: [
          ...sweep.map((c, i) => row(`dense p = ${CONV_RATES[i]!.toFixed(1)}`, c)),
          row(`Dropout ${CONV_BLOCK_P} (conv)`, dropout),
          row(`Dropout2d ${CONV_BLOCK_P} (conv)`, dropout2d),
        ],
      },
      charts: [
        {
          title: `Final accuracy against the dense dropout rate (train solid, test dashed${band})`,
          type: 'line',
          labels: CONV_RATES,
          datasets: [finals('train', trainAcc), finals('test', testAcc)],
          xLabel: 'dense dropout rate p',
          yLabel: 'accuracy',
          yUnit: 'percent',
        },
        {
          title: `Final test loss against the dense dropout rate${band ? ` (${band.slice(2)})` : ''}`,
          type: 'line',
          labels: CONV_RATES,
          datasets: [finals('test', (r) => r.final.testLoss)],
          xLabel: 'dense dropout rate p',
          yLabel: 'cross-entropy',
          yUnit: 'number',
        },
        ...curveCharts([none, dropout, dropout2d]).map((c) => ({
          ...c,
          title: `${c.title} (dropout ${CONV_BLOCK_P} after each conv block)`,
        })),
      ],
      metrics: {
        dataset: task.name,
        data: why,
        network: describeConvNet({ ...net, denseP: 0, convP: 0, convDrop: 'none' }),
        rates: CONV_RATES,
        convBlockP: CONV_BLOCK_P,
        sweep: metricsOf(sweep),
        spatial: metricsOf([dropout, dropout2d]),
      },
    };
  },
};
