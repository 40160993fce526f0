import { compareSamples, formatPercent } from '../claims.js';
import type { DemoCommand } from '../command.js';
import { defaults, metricsOf, reportSettings } from '../common.js';
import { spreadOf } from '../stats.js';
import { type ConfigResult, trainConfiguration } from '../train.js';

const accuracies = (c: ConfigResult) => c.runs.map((r) => r.final.testAccuracy);

/** The seed article's Keras experiment: the hidden dropout rate from 0.0 to 0.9 in steps of 0.1. */
export const sweep: DemoCommand = {
  name: 'sweep',
  description: 'dropout rate from 0.0 to 0.9: final test accuracy and loss per rate',
  async run(task, o) {
    const { spec, train } = defaults(task, o);
    const rates = Array.from({ length: 10 }, (_, i) => i / 10);
    const configs: ConfigResult[] = [];
    for (const p of rates)
      configs.push(
        await trainConfiguration(
          `p = ${p.toFixed(1)}`,
          { ...spec, variant: p === 0 ? 'none' : 'dropout', inputP: 0, hiddenP: p },
          task,
          train,
          o.seeds,
        ),
      );
    const mean = (c: ConfigResult) => spreadOf(accuracies(c)).mean;
    const losses = (c: ConfigResult) => c.runs.map((r) => r.final.testLoss);
    const meanLoss = (c: ConfigResult) => spreadOf(losses(c)).mean;
    const best = configs.reduce((a, c) => (mean(c) > mean(a) ? c : a));
    // The best dropout rate, p > 0, is what is compared with no dropout (p = 0.0 may be best).
    const dropped = configs.slice(1);
    const bestRate = dropped.reduce((a, c) => (mean(c) > mean(a) ? c : a));
    const lowestLoss = dropped.reduce((a, c) => (meanLoss(c) < meanLoss(a) ? c : a));
    const samples = (c: ConfigResult, f: (c: ConfigResult) => number[]) => ({
      name: c.name,
      values: f(c),
    });
    const findings = [
      `Best mean test accuracy ${formatPercent(mean(best))} at ${best.name}; the lowest test loss with dropout, ${meanLoss(lowestLoss).toFixed(4)}, at ${lowestLoss.name}.`,
      compareSamples(
        { name: 'test accuracy', unit: 'percent', better: 'higher' },
        samples(configs[0]!, accuracies),
        samples(bestRate, accuracies),
      ).sentence,
      compareSamples(
        { name: 'test loss', unit: 'number', better: 'lower' },
        samples(configs[0]!, losses),
        samples(lowestLoss, losses),
      ).sentence,
    ];
    if (bestRate !== configs[9])
      findings.push(
        compareSamples(
          { name: 'test accuracy', unit: 'percent', better: 'higher' },
          samples(bestRate, accuracies),
          samples(configs[9]!, accuracies),
        ).sentence,
      );
    findings.push(
      'The best rate and the lowest-loss rate are the best of nine, picked on the test set: a difference that only just clears the seed spread is weaker evidence than it reads.',
    );
    const final = (f: (r: ConfigResult['runs'][0]) => number) =>
      configs.map((c) => spreadOf(c.runs.map(f)).mean);
    return {
      command: 'sweep',
      title: `Dropout rate sweep (${task.name})`,
      findings,
      quick: o.quick,
      settings: reportSettings(task, o, { inputP: 0 }),
      table: {
        columns: ['dropout rate', 'train accuracy', 'test accuracy', 'test loss'],
        rows: configs.map((c, i) => [
          rates[i]!.toFixed(1),
          formatPercent(spreadOf(c.runs.map((r) => r.final.trainAccuracy)).mean),
          formatPercent(mean(c)),
          spreadOf(c.runs.map((r) => r.final.testLoss)).mean.toFixed(4),
        ]),
      },
      charts: [
        {
          title: 'Final accuracy against the dropout rate (train solid, test dashed)',
          type: 'line',
          labels: rates,
          datasets: [
            { config: 'MLP', split: 'train', data: final((r) => r.final.trainAccuracy) },
            { config: 'MLP', split: 'test', data: final((r) => r.final.testAccuracy) },
          ],
          xLabel: 'dropout rate p',
          yLabel: 'accuracy',
          yUnit: 'percent',
        },
        {
          title: 'Final test loss against the dropout rate',
          type: 'line',
          labels: rates,
          datasets: [{ config: 'MLP', split: 'test', data: final((r) => r.final.testLoss) }],
          xLabel: 'dropout rate p',
          yLabel: 'cross-entropy',
          yUnit: 'number',
        },
      ],
      metrics: { configurations: metricsOf(configs) },
    };
  },
};
