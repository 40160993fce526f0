import { type CommonOptions, curveCharts, defaults, metricsOf, summaryTable } from '../common.js';
import type { Task } from '../data.js';
import type { Report } from '../report.js';
import { trainConfiguration } from '../train.js';

/** The main job: the same over-sized MLP without and with dropout (0.2 on inputs, 0.5 on hidden units). */
export async function compare(task: Task, o: CommonOptions): Promise<Report> {
  const { spec, train } = defaults(task, o);
  const runs = [
    await trainConfiguration(
      'no dropout',
      { ...spec, variant: 'none', inputP: 0, hiddenP: 0 },
      task,
      train,
    ),
    await trainConfiguration(
      `dropout ${o.inputP}/${o.hiddenP}`,
      { ...spec, variant: 'dropout', inputP: o.inputP, hiddenP: o.hiddenP },
      task,
      train,
    ),
  ];
  const [plain, dropped] = runs as [(typeof runs)[0], (typeof runs)[0]];
  return {
    command: 'compare',
    title: `Does dropout prevent over-fitting? (${task.name}, ${task.train.y.size} training examples)`,
    summary:
      `An MLP ${[spec.inputs, ...spec.hidden, spec.outputs].join('-')} trained on a class-balanced subset, once without dropout and once with ` +
      `dropout ${o.inputP} on the inputs and ${o.hiddenP} on the hidden units (Srivastava et al. 2014). Without dropout the gap between ` +
      `train and test accuracy is ${(100 * plain.final.gap).toFixed(1)} points; with dropout it is ${(100 * dropped.final.gap).toFixed(1)}, ` +
      `and test accuracy goes from ${(100 * plain.final.testAccuracy).toFixed(2)} % to ${(100 * dropped.final.testAccuracy).toFixed(2)} %.`,
    settings: {
      dataset: task.name,
      trainSize: task.train.y.size,
      testSize: task.test.y.size,
      ...train,
      hidden: spec.hidden,
    },
    table: summaryTable(runs),
    charts: curveCharts(runs),
    metrics: metricsOf(runs),
  };
}
