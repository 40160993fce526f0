import type { Task } from './data.js';
import type { MlpSpec } from './models.js';
import type { ChartSpec } from './report.js';
import type { RunResult, TrainSettings } from './train.js';

/** The options every command takes, after validation. */
export interface CommonOptions {
  dataset: string;
  trainSize: number;
  epochs: number;
  seed: number;
  out: string;
  quick: boolean;
  inputP: number;
  hiddenP: number;
  /** SGD learning rate. */
  lr: number;
  /** The optimizer. */
  optimizer: 'sgd' | 'adam';
}

/** Network and training settings for a task (smaller in quick mode). */
export function defaults(
  task: Task,
  o: CommonOptions,
): { spec: Omit<MlpSpec, 'variant' | 'inputP' | 'hiddenP'>; train: TrainSettings } {
  const hidden = o.quick ? [64, 64] : task.name === 'moons' ? [256, 256] : [1024, 1024];
  return {
    spec: { inputs: task.inputs, hidden, outputs: task.classes },
    train: {
      epochs: o.epochs,
      seed: o.seed,
      batchSize: task.name === 'moons' ? 16 : 32,
      lr: o.lr,
      optimizer: o.optimizer,
      momentum: 0.9,
    },
  };
}

export const pct = (v: number) => `${(100 * v).toFixed(2)} %`;

/** Train/test accuracy and loss curves, and the generalisation gap, for a set of runs. */
export function curveCharts(runs: RunResult[]): ChartSpec[] {
  const epochs = runs[0]!.history.map((h) => h.epoch);
  const series = (
    label: (r: RunResult) => string,
    value: (h: RunResult['history'][number]) => number | null,
    dashed = false,
  ) => runs.map((r) => ({ label: label(r), data: r.history.map(value), dashed }));
  return [
    {
      title: 'Loss per epoch (train solid, test dashed)',
      type: 'line',
      labels: epochs,
      datasets: [
        ...series(
          (r) => `${r.name} train`,
          (h) => h.train.loss,
        ),
        ...series(
          (r) => `${r.name} test`,
          (h) => h.validation?.loss ?? null,
          true,
        ),
      ],
      xLabel: 'epoch',
      yLabel: 'cross-entropy',
    },
    {
      title: 'Accuracy per epoch',
      type: 'line',
      labels: epochs,
      datasets: [
        ...series(
          (r) => `${r.name} train`,
          (h) => h.train.accuracy,
        ),
        ...series(
          (r) => `${r.name} test`,
          (h) => h.validation?.accuracy ?? null,
          true,
        ),
      ],
      xLabel: 'epoch',
      yLabel: 'accuracy',
    },
    {
      title: 'Generalisation gap (train accuracy − test accuracy)',
      type: 'line',
      labels: epochs,
      datasets: series(
        (r) => r.name,
        (h) => (h.train.accuracy ?? 0) - (h.validation?.accuracy ?? 0),
      ),
      xLabel: 'epoch',
      yLabel: 'gap',
    },
  ];
}

/** The per-configuration summary table. */
export function summaryTable(runs: RunResult[]): {
  columns: string[];
  rows: (string | number)[][];
} {
  return {
    columns: [
      'configuration',
      'train accuracy',
      'test accuracy',
      'gap (train − test)',
      'test loss',
    ],
    rows: runs.map((r) => [
      r.name,
      pct(r.final.trainAccuracy),
      pct(r.final.testAccuracy),
      pct(r.final.gap),
      r.final.testLoss.toFixed(4),
    ]),
  };
}

/** The summary table as text for the terminal. */
export function printTable(table: { columns: string[]; rows: (string | number)[][] }): string {
  const widths = table.columns.map((c, i) =>
    Math.max(c.length, ...table.rows.map((r) => String(r[i]).length)),
  );
  const line = (cells: (string | number)[]) =>
    cells
      .map((c, i) => (i === 0 ? String(c).padEnd(widths[i]!) : String(c).padStart(widths[i]!)))
      .join('   ');
  return [
    line(table.columns),
    line(widths.map((w) => '─'.repeat(w))),
    ...table.rows.map(line),
  ].join('\n');
}

/** Strips models from results for the JSON metrics. */
export function metricsOf(runs: RunResult[]) {
  // Wall-clock times are left out: the same seed must give the same report, number for number.
  return runs.map(({ model: _model, history, ...rest }) => ({
    ...rest,
    history: history.map(({ seconds: _s, ...h }) => h),
  }));
}
