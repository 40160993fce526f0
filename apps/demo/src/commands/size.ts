import { type CommonOptions, defaults, metricsOf, pct } from '../common.js';
import { loadTask, type Task } from '../data.js';
import type { Report } from '../report.js';
import { trainConfiguration } from '../train.js';

/** Srivastava et al. Figure 10: the effect of dropout against the training-set size. */
export async function size(task: Task, o: CommonOptions): Promise<Report> {
  const sizes = o.quick
    ? [100, 200, 400]
    : task.name === 'moons'
      ? [32, 64, 128, 256, 512]
      : [250, 500, 1000, 2000, 4000];
  const rows: (string | number)[][] = [];
  const runs = [];
  const plain: number[] = [];
  const dropped: number[] = [];
  for (const n of sizes) {
    const subset = await loadTask(task.name, n, o.seed, task.test.y.size);
    const { spec, train } = defaults(subset, o);
    const a = await trainConfiguration(
      `no dropout, n = ${n}`,
      { ...spec, variant: 'none', inputP: 0, hiddenP: 0 },
      subset,
      train,
    );
    const b = await trainConfiguration(
      `dropout, n = ${n}`,
      { ...spec, variant: 'dropout', inputP: o.inputP, hiddenP: o.hiddenP },
      subset,
      train,
    );
    runs.push(a, b);
    plain.push(a.final.testAccuracy);
    dropped.push(b.final.testAccuracy);
    rows.push([
      n,
      pct(a.final.testAccuracy),
      pct(b.final.testAccuracy),
      `${(100 * (b.final.testAccuracy - a.final.testAccuracy)).toFixed(2)} pts`,
    ]);
  }
  return {
    command: 'size',
    title: `Dropout against training-set size (${task.name})`,
    summary:
      'Test accuracy with and without dropout as the training set grows (Srivastava et al. 2014, Figure 10): the benefit is largest on small sets, and on the very smallest dropout can hurt.',
    settings: { dataset: task.name, sizes, epochs: o.epochs, seed: o.seed },
    table: {
      columns: ['training examples', 'test acc, no dropout', 'test acc, dropout', 'difference'],
      rows,
    },
    charts: [
      {
        title: 'Test accuracy against training-set size',
        type: 'line',
        labels: sizes,
        datasets: [
          { label: 'no dropout', data: plain },
          { label: 'dropout', data: dropped },
        ],
        xLabel: 'training examples',
        yLabel: 'test accuracy',
      },
    ],
    metrics: metricsOf(runs),
  };
}
