import { type Comparison, compareSamples, formatPercent, formatPoints } from '../claims.js';
import type { DemoCommand } from '../command.js';
import { defaults, metricsOf, reportSettings } from '../common.js';
import { loadTask } from '../data.js';
import { spreadOf } from '../stats.js';
import { type ConfigResult, trainConfiguration } from '../train.js';

/** Srivastava et al. Figure 10: the effect of dropout against the training-set size. */
export const size: DemoCommand = {
  name: 'size',
  description: 'effect of the training-set size (Srivastava et al. Figure 10)',
  async run(task, o) {
    const sizes = o.quick
      ? [100, 200, 400]
      : task.name === 'moons'
        ? [32, 64, 128, 256, 512]
        : [250, 500, 1000, 2000, 4000];
    const configs: ConfigResult[] = [];
    const comparisons: Comparison[] = [];
    for (const n of sizes) {
      const subset = await loadTask(task.name, n, o.seed, task.test.y.size);
      const { spec, train } = defaults(subset, o);
      const a = await trainConfiguration(
        `no dropout, n = ${n}`,
        { ...spec, variant: 'none', inputP: 0, hiddenP: 0 },
        subset,
        train,
        o.seeds,
      );
      const b = await trainConfiguration(
        `dropout, n = ${n}`,
        { ...spec, variant: 'dropout', inputP: o.inputP, hiddenP: o.hiddenP },
        subset,
        train,
        o.seeds,
      );
      configs.push(a, b);
      comparisons.push(
        compareSamples(
          { name: `test accuracy at n = ${n}`, unit: 'percent', better: 'higher' },
          { name: 'no dropout', values: a.runs.map((r) => r.final.testAccuracy) },
          { name: 'dropout', values: b.runs.map((r) => r.final.testAccuracy) },
        ),
      );
    }
    const largest = comparisons.reduce(
      (m, c, i) => (c.difference > comparisons[m]!.difference ? i : m),
      0,
    );
    const helped = sizes.filter((_, i) => comparisons[i]!.verdict === 'effect');
    const hurt = sizes.filter((_, i) => comparisons[i]!.verdict === 'reversed');
    const findings = [
      comparisons[largest]!.difference > 0
        ? `The largest difference in dropout's favour is at n = ${sizes[largest]} (${formatPoints(comparisons[largest]!.difference).replace('pts', 'points')}, ${comparisons[largest]!.verdict === 'effect' ? 'outside the seed spread' : comparisons[largest]!.verdict === 'single-seed' ? 'one seed' : 'inside the seed spread'}).`
        : 'Dropout is not ahead at any training-set size in this run.',
      o.seeds > 1
        ? `Outside the seed spread, dropout helps at ${helped.length ? helped.map((n) => `n = ${n}`).join(', ') : 'no size'} and hurts at ${hurt.length ? hurt.map((n) => `n = ${n}`).join(', ') : 'no size'}; elsewhere the difference is inside the spread.`
        : 'One seed per size, so the spread is unmeasured: run with --seeds 3 before reading a trend into single points.',
      ...comparisons.map((c) => c.sentence),
    ];
    const mean = (c: ConfigResult) => spreadOf(c.runs.map((r) => r.final.testAccuracy)).mean;
    return {
      command: 'size',
      title: `Dropout against training-set size (${task.name})`,
      findings,
      quick: o.quick,
      settings: reportSettings(task, o, { sizes, inputP: o.inputP, hiddenP: o.hiddenP }),
      table: {
        columns: ['training examples', 'no dropout', 'dropout', 'difference'],
        rows: sizes.map((n, i) => [
          n,
          formatPercent(mean(configs[2 * i]!)),
          formatPercent(mean(configs[2 * i + 1]!)),
          formatPoints(comparisons[i]!.difference),
        ]),
      },
      charts: [
        {
          title: 'Test accuracy against training-set size',
          type: 'line',
          labels: sizes,
          datasets: [
            {
              config: 'no dropout',
              split: 'test',
              data: sizes.map((_, i) => mean(configs[2 * i]!)),
            },
            {
              config: 'dropout',
              split: 'test',
              data: sizes.map((_, i) => mean(configs[2 * i + 1]!)),
            },
          ],
          xLabel: 'training examples',
          yLabel: 'test accuracy',
          yUnit: 'percent',
        },
      ],
      metrics: { configurations: metricsOf(configs) },
    };
  },
};
