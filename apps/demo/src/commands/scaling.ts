import { compareSamples } from '../claims.js';
import type { DemoCommand } from '../command.js';
import { curveCharts, defaults, metricsOf, reportSettings, summaryTable } from '../common.js';
import { trainConfiguration } from '../train.js';

/** Classic (scale by 1-p at inference) and inverted (scale by 1/(1-p) in training) dropout. */
export const scaling: DemoCommand = {
  name: 'scaling',
  description: 'classic versus inverted scaling reach the same test accuracy',
  async run(task, o) {
    const { spec, train } = defaults(task, o);
    const configs = [];
    for (const mode of ['inverted', 'classic'] as const)
      configs.push(
        await trainConfiguration(
          mode,
          { ...spec, variant: 'dropout', inputP: o.inputP, hiddenP: o.hiddenP, scaling: mode },
          task,
          train,
          o.seeds,
        ),
      );
    const [inverted, classic] = configs as [(typeof configs)[0], (typeof configs)[0]];
    const accuracy = compareSamples(
      { name: 'test accuracy', unit: 'percent', better: 'higher' },
      { name: 'inverted scaling', values: inverted.runs.map((r) => r.final.testAccuracy) },
      { name: 'classic scaling', values: classic.runs.map((r) => r.final.testAccuracy) },
    );
    return {
      command: 'scaling',
      title: `Classic versus inverted dropout scaling (${task.name})`,
      findings: [
        'Both keep the expected activation equal between training and inference (inverted scales by 1/(1 − p) while training, classic by 1 − p at inference), so they should reach the same accuracy up to noise.',
        accuracy.sentence,
      ],
      quick: o.quick,
      settings: reportSettings(task, o, { inputP: o.inputP, hiddenP: o.hiddenP }),
      table: summaryTable(configs),
      charts: curveCharts(configs),
      metrics: { configurations: metricsOf(configs), verdict: accuracy.verdict },
    };
  },
};
