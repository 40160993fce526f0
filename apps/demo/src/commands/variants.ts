import { type CommonOptions, curveCharts, defaults, metricsOf, summaryTable } from '../common.js';
import type { Task } from '../data.js';
import type { Variant } from '../models.js';
import type { Report } from '../report.js';
import { trainConfiguration } from '../train.js';

/** Dropout, Gaussian dropout, DropConnect, alpha dropout with SELU, and none, on the same task. */
export async function variants(task: Task, o: CommonOptions): Promise<Report> {
  const { spec, train } = defaults(task, o);
  const configs: [string, Variant, number, number][] = [
    ['no dropout', 'none', 0, 0],
    ['Dropout', 'dropout', o.inputP, o.hiddenP],
    ['GaussianDropout', 'gaussian', o.inputP, o.hiddenP],
    ['DropConnect', 'dropconnect', 0, o.hiddenP],
    ['AlphaDropout + SELU', 'alpha', 0, 0.1],
  ];
  const runs = [];
  for (const [name, variant, inputP, hiddenP] of configs)
    runs.push(await trainConfiguration(name, { ...spec, variant, inputP, hiddenP }, task, train));
  return {
    command: 'variants',
    title: `Dropout variants (${task.name})`,
    summary:
      'The same MLP and data with each member of the dropout family (alpha dropout uses SELU units and p = 0.1, as Klambauer et al. recommend).',
    settings: { dataset: task.name, trainSize: task.train.y.size, ...train, hidden: spec.hidden },
    table: summaryTable(runs),
    charts: curveCharts(runs),
    metrics: metricsOf(runs),
  };
}
