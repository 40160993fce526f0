import { type CommonOptions, curveCharts, defaults, metricsOf, summaryTable } from '../common.js';
import type { Task } from '../data.js';
import type { Report } from '../report.js';
import { trainConfiguration } from '../train.js';

/** Classic (scale by 1-p at inference) and inverted (scale by 1/(1-p) in training) dropout. */
export async function scaling(task: Task, o: CommonOptions): Promise<Report> {
  const { spec, train } = defaults(task, o);
  const runs = [
    await trainConfiguration(
      'inverted',
      { ...spec, variant: 'dropout', inputP: o.inputP, hiddenP: o.hiddenP, scaling: 'inverted' },
      task,
      train,
    ),
    await trainConfiguration(
      'classic',
      { ...spec, variant: 'dropout', inputP: o.inputP, hiddenP: o.hiddenP, scaling: 'classic' },
      task,
      train,
    ),
  ];
  const diff = Math.abs(runs[0]!.final.testAccuracy - runs[1]!.final.testAccuracy);
  return {
    command: 'scaling',
    title: `Classic versus inverted dropout scaling (${task.name})`,
    summary: `Both keep the expected activation equal between training and inference, so they reach the same accuracy up to noise: the test accuracies differ by ${(100 * diff).toFixed(2)} points.`,
    settings: { dataset: task.name, trainSize: task.train.y.size, ...train, hidden: spec.hidden },
    table: summaryTable(runs),
    charts: curveCharts(runs),
    metrics: metricsOf(runs),
  };
}
