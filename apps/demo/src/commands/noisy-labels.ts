import { Generator } from '@lacuna/tensor';
import { type Comparison, compareSamples, formatPercent, formatPoints } from '../claims.js';
import { type DemoCommand, SGD_RECIPE } from '../command.js';
import { defaults, evaluatedEpochs, meanSeries, metricsOf, reportSettings } from '../common.js';
import type { Task } from '../data.js';
import { corruptLabels, noisySplit } from '../noise.js';
import type { ChartSpec, Series } from '../report/types.js';
import { spreadOf } from '../stats.js';
import {
  type ConfigResult,
  type EvalPoint,
  type RunResult,
  type TrainSettings,
  trainConfiguration,
} from '../train.js';

/** The shares of training labels replaced by a wrong class. */
const LEVELS = [0, 0.2, 0.4];

/** Keys of the extra evaluations (short: they show in the progress bar). */
const NOISY = 'noisyLabel';
const TRUE = 'trueLabel';
const CLEAN = 'clean';

const percentName = (level: number) => `${Math.round(100 * level)} %`;
const configName = (dropout: boolean, level: number) =>
  `${dropout ? 'dropout' : 'no dropout'}, ${percentName(level)}`;

/** An extra evaluation's accuracy at one evaluated epoch (null where it was not evaluated). */
const extra = (key: string) => (h: EvalPoint) => h.extra?.[key]?.accuracy ?? null;
const finalExtra = (r: RunResult, key: string) => extra(key)(r.history[r.history.length - 1]!);
const bestTest = (r: RunResult) =>
  r.history.reduce((b, h) => ((h.test.accuracy ?? 0) > (b.test.accuracy ?? 0) ? h : b));

interface Level {
  level: number;
  corrupted: number;
  plain: ConfigResult;
  dropped: ConfigResult;
}

/**
 * "Robustness against noisy data": a share of the training labels is replaced by a wrong class
 * (uniform over the other classes), and networks without and with dropout are trained on them.
 * Tracked per evaluated epoch: clean test accuracy, the share of the corrupted rows predicted with
 * their noisy label (memorisation), the share predicted with their true label, and the accuracy on
 * the rows left clean.
 */
export const noisyLabels: DemoCommand = {
  name: 'noisy-labels',
  description: 'robustness to noisy labels: 0/20/40 % wrong, without and with dropout',
  defaults: (dataset, quick) =>
    dataset === 'moons' || quick
      ? {}
      : {
          trainSize: 2000,
          epochs: 40,
          evalEvery: 5,
          ...SGD_RECIPE,
        },
  async run(task, o) {
    const { spec, train } = defaults(task, o);
    const levels: Level[] = [];
    for (const level of LEVELS) {
      // One corruption per level and seed, shared by both networks: dropout is the only difference.
      const noise = corruptLabels(
        task.train.y,
        level,
        task.classes,
        new Generator(`labels:${o.seed}:${level}`),
      );
      const split = noisySplit(task.train, noise);
      const noisyTask: Task = { ...task, train: split.train };
      const settings: TrainSettings = {
        ...train,
        extraEval:
          noise.corrupted.length > 0
            ? { [NOISY]: split.noisy, [TRUE]: split.noisyTrue, [CLEAN]: split.clean }
            : { [CLEAN]: split.clean },
      };
      const plain = await trainConfiguration(
        configName(false, level),
        { ...spec, variant: 'none', inputP: 0, hiddenP: 0 },
        noisyTask,
        settings,
        o.seeds,
      );
      const dropped = await trainConfiguration(
        configName(true, level),
        { ...spec, variant: 'dropout', inputP: o.inputP, hiddenP: o.hiddenP },
        noisyTask,
        settings,
        o.seeds,
      );
      levels.push({ level, corrupted: noise.corrupted.length, plain, dropped });
    }
    const configs = levels.flatMap((l) => [l.plain, l.dropped]);
    const samples = (c: ConfigResult, f: (r: RunResult) => number) => ({
      name: c.name.split(',')[0]!,
      values: c.runs.map(f),
    });
    const noisy = levels.filter((l) => l.corrupted > 0);
    const memorised: Comparison[] = noisy.map((l) =>
      compareSamples(
        {
          name: `share of the ${l.corrupted} wrong labels memorised at ${percentName(l.level)} noise`,
          unit: 'percent',
          better: 'lower',
        },
        samples(l.plain, (r) => finalExtra(r, NOISY) ?? 0),
        samples(l.dropped, (r) => finalExtra(r, NOISY) ?? 0),
      ),
    );
    const accuracy: Comparison[] = levels.map((l) =>
      compareSamples(
        {
          name: `clean test accuracy at ${percentName(l.level)} noise`,
          unit: 'percent',
          better: 'higher',
        },
        samples(l.plain, (r) => r.final.testAccuracy),
        samples(l.dropped, (r) => r.final.testAccuracy),
      ),
    );
    const mean = (c: ConfigResult, f: (r: RunResult) => number) => spreadOf(c.runs.map(f)).mean;
    const test = (r: RunResult) => r.final.testAccuracy;
    const first = levels[0]!;
    const last = levels[levels.length - 1]!;
    const fall = (which: 'plain' | 'dropped') =>
      `${which === 'plain' ? 'without' : 'with'} dropout from ${formatPercent(mean(first[which], test))} to ${formatPercent(mean(last[which], test))} (${formatPoints(mean(last[which], test) - mean(first[which], test)).replace('pts', 'points')})`;
    const peak = (c: ConfigResult, dropout: boolean, level: number) => {
      const r = c.runs[0]!;
      const b = bestTest(r);
      const drop = r.final.testAccuracy - (b.test.accuracy ?? 0);
      const who = `${dropout ? 'With' : 'Without'} dropout at ${percentName(level)} noise${c.runs.length > 1 ? ' (first seed)' : ''}`;
      return drop < 0
        ? `${who}, clean test accuracy peaked at ${formatPercent(b.test.accuracy ?? 0)} (epoch ${b.epoch}) and ended at ${formatPercent(r.final.testAccuracy)} (${formatPoints(drop).replace('pts', 'points')}).`
        : `${who}, clean test accuracy ended at its best, ${formatPercent(r.final.testAccuracy)}.`;
    };
    const rescued =
      last.corrupted > 0
        ? compareSamples(
            {
              name: `share of the ${last.corrupted} wrongly labelled training rows classified as their true class at ${percentName(last.level)} noise`,
              unit: 'percent',
              better: 'higher',
            },
            samples(last.plain, (r) => finalExtra(r, TRUE) ?? 0),
            samples(last.dropped, (r) => finalExtra(r, TRUE) ?? 0),
          )
        : null;
    const findings = [
      ...memorised.map((c) => c.sentence),
      ...(rescued ? [rescued.sentence] : []),
      ...accuracy.map((c) => c.sentence),
      `From ${percentName(first.level)} to ${percentName(last.level)} noise, clean test accuracy falls ${fall('plain')} and ${fall('dropped')}.`,
      ...(last.corrupted > 0
        ? [peak(last.plain, false, last.level), peak(last.dropped, true, last.level)]
        : []),
    ];
    return {
      command: 'noisy-labels',
      title: `Robustness to noisy labels (${task.name}, ${task.train.y.size} training examples)`,
      findings,
      quick: o.quick,
      settings: reportSettings(task, o, {
        inputP: o.inputP,
        hiddenP: o.hiddenP,
        noiseLevels: LEVELS.map(percentName),
        noise: 'a replaced label is drawn uniformly from the other classes (never the true one)',
      }),
      table: {
        columns: [
          'configuration',
          'test accuracy',
          'best test',
          'memorised',
          'true class',
          'clean part',
        ],
        rows: configs.map((c) => [
          c.name,
          formatPercent(mean(c, test)),
          formatPercent(mean(c, (r) => bestTest(r).test.accuracy ?? 0)),
          ...[NOISY, TRUE].map((key) =>
            c.runs[0]!.history[0]!.extra?.[key]
              ? formatPercent(mean(c, (r) => finalExtra(r, key) ?? 0))
              : '–',
          ),
          formatPercent(mean(c, (r) => finalExtra(r, CLEAN) ?? 0)),
        ]),
      },
      charts: charts(configs, noisy),
      metrics: {
        noise: {
          levels: LEVELS,
          corrupted: levels.map((l) => l.corrupted),
          replacement: 'other classes',
        },
        configurations: metricsOf(configs),
        verdicts: {
          memorised: memorised.map((c) => c.verdict),
          trueClass: rescued?.verdict ?? null,
          testAccuracy: accuracy.map((c) => c.verdict),
        },
      },
    };
  },
};

function charts(configs: ConfigResult[], noisy: Level[]): ChartSpec[] {
  const labels = evaluatedEpochs(configs[0]!);
  const seeds = configs[0]!.runs.length;
  const band = seeds > 1 ? ` (mean of ${seeds} seeds, band: min–max)` : '';
  const onNoisy = (value: (h: EvalPoint) => number | null): Series[] =>
    noisy.flatMap((l) => [
      meanSeries(l.plain, 'train', value),
      meanSeries(l.dropped, 'train', value),
    ]);
  return [
    {
      title: `Clean test accuracy${band}`,
      type: 'line',
      labels,
      datasets: configs.map((c) => meanSeries(c, 'test', (h) => h.test.accuracy)),
      xLabel: 'epoch',
      yLabel: 'test accuracy',
      yUnit: 'percent',
    },
    {
      title: `Memorisation: share of the wrong training labels the network predicts${band}`,
      type: 'line',
      labels,
      datasets: onNoisy(extra(NOISY)),
      xLabel: 'epoch',
      yLabel: 'wrong labels predicted',
      yUnit: 'percent',
    },
    {
      title: `Wrongly labelled training rows classified as their TRUE class${band}`,
      type: 'line',
      labels,
      datasets: onNoisy(extra(TRUE)),
      xLabel: 'epoch',
      yLabel: 'true class predicted',
      yUnit: 'percent',
    },
    {
      title: `Training accuracy on the rows left clean${band}`,
      type: 'line',
      labels,
      datasets: configs.map((c) => meanSeries(c, 'train', extra(CLEAN))),
      xLabel: 'epoch',
      yLabel: 'accuracy',
      yUnit: 'percent',
    },
  ];
}
