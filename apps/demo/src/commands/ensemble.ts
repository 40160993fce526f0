import { type Module, mcPredict } from '@lacuna/layers';
import { Generator, type Tensor } from '@lacuna/tensor';
import { formatPercent, formatPoints } from '../claims.js';
import { type DemoCommand, SGD_RECIPE } from '../command.js';
import { defaults, metricsOf, reportSettings } from '../common.js';
import { prefixAverageErrors } from '../prefix-average.js';
import { progress } from '../progress.js';
import { type Spread, spreadOf } from '../stats.js';
import { trainConfiguration } from '../train.js';

/** The numbers of sampled sub-networks averaged (Srivastava et al. 2014, Figure 11). */
export const ENSEMBLE_KS = [1, 2, 5, 10, 20, 50, 100] as const;

/**
 * How the Monte Carlo average over k sub-networks compares with weight scaling, from the paired
 * differences (MC error − weight-scaled error of the same network) over every repeat:
 * 'worse' when every repeat is worse, 'better' when every repeat is better, 'matches' otherwise
 * (weight scaling lies inside the spread of the repeats).
 */
export type EnsembleVerdict = 'worse' | 'matches' | 'better';

/** The verdict for one k from its paired differences (at least one). */
export function ensembleVerdict(differences: readonly number[]): EnsembleVerdict {
  const s = spreadOf(differences);
  return s.min > 0 ? 'worse' : s.max < 0 ? 'better' : 'matches';
}

/**
 * `k` stochastic passes (dropout on, everything else in inference mode) of `model` on `x`, each
 * as softmax probabilities, drawn lazily from `generator` so only one pass is held at a time.
 */
function* dropoutPasses(
  model: Module,
  x: Tensor,
  passes: number,
  generator: Generator,
  onPass: (done: number) => void,
): IterableIterator<Float32Array> {
  for (let t = 1; t <= passes; t++) {
    // One-sample mcPredict: its mean is the pass's softmax; each call forks fresh layer streams.
    const pass = mcPredict(model, x, { samples: 1, generator }).mean.storage as Float32Array;
    onPass(t);
    yield pass;
  }
}

const points = (d: number) => formatPoints(d).replace('pts', 'points');
/** 'min–max %' ('8.50–9.20 %'): one unit sign keeps table cells narrow. */
const range = (s: Spread) => `${(100 * s.min).toFixed(2)}–${formatPercent(s.max)}`;
const pointsRange = (s: Spread) => `${points(s.min)} to ${points(s.max)}`;

/**
 * Srivastava et al. 2014, section 7.5 and Figure 11: dropout trains an ensemble of exponentially
 * many thinned networks that share weights, and one pass of the weight-scaled network (inverted
 * dropout: the trained net in inference mode) approximates averaging them. The Monte Carlo
 * alternative averages the softmax outputs of k sampled thinned networks; each repeat draws one
 * pool of 100 passes with its own generator and reads every k off its prefix averages.
 */
export const ensemble: DemoCommand = {
  name: 'ensemble',
  description:
    'weight scaling against Monte Carlo averages of k = 1…100 thinned networks (Srivastava et al. Figure 11)',
  defaults: (dataset, quick) =>
    // Only the final network matters here: evaluate once, after the last epoch.
    quick
      ? { evalEvery: 10, testSize: 500 }
      : dataset === 'moons'
        ? { evalEvery: 150 }
        : {
            trainSize: 2000,
            // Each repeat costs 100 forward passes over the test images: a 2000-image subset keeps
            // 5 repeats to about a minute.
            testSize: 2000,
            epochs: 30,
            evalEvery: 30,
            ...SGD_RECIPE,
          },
  async run(task, o) {
    const { spec, train } = defaults(task, o);
    const repeats = o.quick ? 3 : 5;
    const ks = [...ENSEMBLE_KS];
    const passes = ks[ks.length - 1]!;
    const config = await trainConfiguration(
      'dropout',
      { ...spec, variant: 'dropout', inputP: o.inputP, hiddenP: o.hiddenP },
      task,
      train,
      o.seeds,
    );
    const labels = task.test.y.storage;
    // errors[seed][repeat][k]; weight scaling is one deterministic pass per network.
    const weightScaled = config.runs.map((r) => 1 - r.final.testAccuracy);
    const errors: number[][][] = [];
    for (const run of config.runs) {
      const perRepeat: number[][] = [];
      for (let r = 0; r < repeats; r++) {
        const name = `MC ${r + 1}/${repeats}${config.runs.length > 1 ? ` s${run.seed}` : ''}`;
        const bar = progress(name, false);
        const generator = new Generator(`ensemble:${run.seed}:${r}`);
        const row = prefixAverageErrors(
          dropoutPasses(run.model, task.test.x, passes, generator, (t) =>
            bar.evaluating('passes', t, passes),
          ),
          labels,
          task.classes,
          ks,
        );
        bar.epochDone(0, 0, 0, null);
        console.log(
          `${name.padEnd(16)} test error k=1 ${formatPercent(row[0]!)}, k=${passes} ${formatPercent(row[row.length - 1]!)}`,
        );
        perRepeat.push(row);
      }
      errors.push(perRepeat);
    }
    // Per k: every (network, repeat) error, and its difference from that network's weight scaling.
    const at = (i: number) => errors.flatMap((seed) => seed.map((row) => row[i]!));
    const diffs = (i: number) =>
      errors.flatMap((seed, s) => seed.map((row) => row[i]! - weightScaled[s]!));
    const errorSpread = ks.map((_, i) => spreadOf(at(i)));
    const diffSpread = ks.map((_, i) => spreadOf(diffs(i)));
    const verdicts = ks.map((_, i) => ensembleVerdict(diffs(i)));
    const ws = spreadOf(weightScaled);
    const matchIndex = verdicts.findIndex((v) => v !== 'worse');
    const samples = errors.length * repeats;
    const last = ks.length - 1;

    const where = `the ${task.test.y.size} test ${task.name === 'moons' ? 'points' : 'images'}`;
    const findings = [
      `Weight scaling (one pass of the trained network in inference mode) makes ${formatPercent(ws.mean)} test error on ${where}; one sampled thinned network (k = 1) makes ${formatPercent(errorSpread[0]!.mean)} (${range(errorSpread[0]!)} over ${samples} repeats, ${points(diffSpread[0]!.mean)}).`,
      matchIndex < 0
        ? `Even at k = ${passes} every repeat's Monte Carlo average is worse than weight scaling (by ${pointsRange(diffSpread[last]!)}): here one weight-scaled pass is the better approximation of the ensemble.`
        : verdicts[matchIndex] === 'better'
          ? `At k = ${ks[matchIndex]} the Monte Carlo average already beats weight scaling in every repeat (${pointsRange(diffSpread[matchIndex]!)}); weight scaling is worse by that much but costs one pass instead of ${ks[matchIndex]}.`
          : `The Monte Carlo average first matches weight scaling at k = ${ks[matchIndex]}: over ${samples} repeats its error minus the weight-scaled error ranges from ${pointsRange(diffSpread[matchIndex]!)}, which includes zero; weight scaling gets there with one pass instead of ${ks[matchIndex]}.`,

      `Srivastava et al. (2014, Figure 11) needed about k = 50 sampled networks to match weight scaling on MNIST; ${matchIndex < 0 ? `here no k up to ${passes} did` : `here k = ${ks[matchIndex]} did`} (${where}, ${samples} repeats of ${passes} passes).`,
    ];
    // When the first match is below the largest k, say separately what the largest k does.
    if (matchIndex >= 0 && matchIndex < last)
      findings.splice(
        2,
        0,
        {
          better: `At k = ${passes} the Monte Carlo average beats weight scaling in every repeat (mean ${points(diffSpread[last]!.mean)}, ${pointsRange(diffSpread[last]!)}): averaging many sampled networks is better, at ${passes} times the cost.`,
          matches: `At k = ${passes} the Monte Carlo average is within the repeat spread of weight scaling (mean ${points(diffSpread[last]!.mean)}, ${pointsRange(diffSpread[last]!)}): it does not beat the single weight-scaled pass here.`,
          worse: `At k = ${passes} the Monte Carlo average is still worse than weight scaling in every repeat (mean ${points(diffSpread[last]!.mean)}).`,
        }[verdicts[last]!],
      );

    // Any other k at which every repeat beats weight scaling.
    const alsoBetter = ks
      .map((k, i) => ({ k, i }))
      .filter(({ i }) => verdicts[i] === 'better' && i !== matchIndex && i !== last);
    if (alsoBetter.length)
      findings.splice(
        findings.length - 1,
        0,
        `Every repeat beats weight scaling at ${alsoBetter.map(({ k, i }) => `k = ${k} (${pointsRange(diffSpread[i]!)})`).join(', ')}.`,
      );

    return {
      command: 'ensemble',
      title: `Weight scaling against MC averages of k thinned nets (${task.name}, ${task.train.y.size} examples)`,
      findings,
      quick: o.quick,
      settings: reportSettings(task, o, {
        inputP: o.inputP,
        hiddenP: o.hiddenP,
        ks,
        repeats,
        passesPerRepeat: passes,
      }),
      table: {
        columns: ['k', 'MC test error', 'range', 'MC − weight scaling'],
        rows: [
          ['weight scaling', formatPercent(ws.mean), ws.n > 1 ? range(ws) : '–', '–'],
          ...ks.map((k, i) => [
            k,
            formatPercent(errorSpread[i]!.mean),
            range(errorSpread[i]!),
            formatPoints(diffSpread[i]!.mean),
          ]),
        ],
      },
      charts: [
        {
          title: `Test error against the number of sampled networks averaged (mean of ${samples} repeats, band: min–max)`,
          type: 'line',
          labels: ks.map(String),
          datasets: [
            {
              config: 'Monte Carlo average',
              split: 'test',
              data: errorSpread.map((s) => s.mean),
              low: errorSpread.map((s) => s.min),
              high: errorSpread.map((s) => s.max),
            },
            {
              config: 'weight scaling',
              split: 'test',
              data: ks.map(() => ws.mean),
            },
          ],
          xLabel: 'sampled networks averaged (k)',
          yLabel: 'test error',
          yUnit: 'percent',
        },
        {
          title: 'Monte Carlo error minus weight-scaled error (below zero: the average is better)',
          type: 'line',
          labels: ks.map(String),
          datasets: [
            {
              config: 'Monte Carlo average',
              split: 'test',
              data: diffSpread.map((s) => s.mean),
              low: diffSpread.map((s) => s.min),
              high: diffSpread.map((s) => s.max),
            },
            { config: 'weight scaling', split: 'none', data: ks.map(() => 0) },
          ],
          xLabel: 'sampled networks averaged (k)',
          yLabel: 'difference',
          yUnit: 'points',
        },
      ],
      metrics: {
        ks,
        repeats,
        testExamples: task.test.y.size,
        weightScaledError: weightScaled,
        // mcError[seed][repeat][i]: the error after averaging ks[i] passes.
        mcError: errors,
        verdicts: Object.fromEntries(ks.map((k, i) => [k, verdicts[i]])),
        matchK: matchIndex < 0 ? null : ks[matchIndex],
        training: metricsOf([config]),
      },
    };
  },
};
