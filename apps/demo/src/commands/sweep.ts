import { type CommonOptions, defaults, metricsOf, pct } from '../common.js';
import type { Task } from '../data.js';
import type { Report } from '../report.js';
import { trainConfiguration } from '../train.js';

/** The seed article's Keras experiment: the hidden dropout rate from 0.0 to 0.9 in steps of 0.1. */
export async function sweep(task: Task, o: CommonOptions): Promise<Report> {
  const { spec, train } = defaults(task, o);
  const rates = Array.from({ length: 10 }, (_, i) => i / 10);
  const runs = [];
  for (const p of rates)
    runs.push(
      await trainConfiguration(
        `p = ${p.toFixed(1)}`,
        { ...spec, variant: p === 0 ? 'none' : 'dropout', inputP: 0, hiddenP: p },
        task,
        train,
      ),
    );
  const best = runs.reduce((a, r) => (r.final.testAccuracy > a.final.testAccuracy ? r : a));
  return {
    command: 'sweep',
    title: `Dropout rate sweep (${task.name})`,
    summary: `Hidden-layer dropout from 0.0 to 0.9. Best test accuracy ${pct(best.final.testAccuracy)} at ${best.name}; very high rates under-fit.`,
    settings: { dataset: task.name, trainSize: task.train.y.size, ...train, hidden: spec.hidden },
    table: {
      columns: ['dropout rate', 'train accuracy', 'test accuracy', 'test loss'],
      rows: runs.map((r, i) => [
        rates[i]!.toFixed(1),
        pct(r.final.trainAccuracy),
        pct(r.final.testAccuracy),
        r.final.testLoss.toFixed(4),
      ]),
    },
    charts: [
      {
        title: 'Final accuracy against dropout rate',
        type: 'line',
        labels: rates,
        datasets: [
          { label: 'train', data: runs.map((r) => r.final.trainAccuracy) },
          { label: 'test', data: runs.map((r) => r.final.testAccuracy) },
        ],
        xLabel: 'dropout rate p',
        yLabel: 'accuracy',
      },
      {
        title: 'Final test loss against dropout rate',
        type: 'line',
        labels: rates,
        datasets: [{ label: 'test loss', data: runs.map((r) => r.final.testLoss) }],
        xLabel: 'dropout rate p',
        yLabel: 'cross-entropy',
      },
    ],
    metrics: metricsOf(runs),
  };
}
