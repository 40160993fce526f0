import { compareSamples } from '../claims.js';
import type { DemoCommand } from '../command.js';
import { curveCharts, defaults, metricsOf, reportSettings, summaryTable } from '../common.js';
import type { Variant } from '../models.js';
import { trainConfiguration } from '../train.js';

/** Dropout, Gaussian dropout, DropConnect, alpha dropout with SELU, and none, on the same task. */
export const variants: DemoCommand = {
  name: 'variants',
  description: 'Dropout, GaussianDropout, DropConnect, AlphaDropout with SELU, and none',
  async run(task, o) {
    const { spec, train } = defaults(task, o);
    const list: [string, Variant, number, number][] = [
      ['no dropout', 'none', 0, 0],
      ['Dropout', 'dropout', o.inputP, o.hiddenP],
      ['GaussianDropout', 'gaussian', o.inputP, o.hiddenP],
      ['DropConnect', 'dropconnect', 0, o.hiddenP],
      // Klambauer et al. recommend alpha dropout with SELU at a low rate.
      ['AlphaDropout + SELU', 'alpha', 0, 0.1],
    ];
    const configs = [];
    for (const [name, variant, inputP, hiddenP] of list)
      configs.push(
        await trainConfiguration(name, { ...spec, variant, inputP, hiddenP }, task, train, o.seeds),
      );
    const plain = configs[0]!;
    const findings = configs
      .slice(1)
      .map(
        (c) =>
          compareSamples(
            { name: 'test accuracy', unit: 'percent', better: 'higher' },
            { name: 'no dropout', values: plain.runs.map((r) => r.final.testAccuracy) },
            { name: c.name, values: c.runs.map((r) => r.final.testAccuracy) },
          ).sentence,
      );
    return {
      command: 'variants',
      title: `Dropout variants (${task.name})`,
      findings,
      quick: o.quick,
      settings: reportSettings(task, o, { inputP: o.inputP, hiddenP: o.hiddenP, alphaP: 0.1 }),
      table: summaryTable(configs),
      charts: curveCharts(configs),
      metrics: { configurations: metricsOf(configs) },
    };
  },
};
