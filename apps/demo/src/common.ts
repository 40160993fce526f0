import { formatSpread } from './claims.js';
import type { Task } from './data.js';
import type { MlpSpec } from './models.js';
import type { ChartSpec, Series, Table } from './report/types.js';
import { seriesSpread, spreadOf } from './stats.js';
import type { ConfigResult, EvalPoint, Observer, TrainSettings } from './train.js';

/** The options every command takes, after validation and defaults. */
export interface CommonOptions {
  dataset: string;
  trainSize: number;
  /** Test examples (undefined: the whole test set). */
  testSize?: number;
  epochs: number;
  seed: number;
  /** How many seeds each configuration is trained with (seed, seed + 1, …). */
  seeds: number;
  /** Evaluate every this many epochs (and after the last). */
  evalEvery: number;
  /** Root folder: each command writes `<out>/<command>/`, and `<out>/index.html` lists them. */
  out: string;
  quick: boolean;
  inputP: number;
  hiddenP: number;
  lr: number;
  optimizer: 'sgd' | 'adam';
  momentum: number;
  schedule: 'constant' | 'cosine';
  batchSize: number;
  /** Hidden layer widths of the MLPs. */
  hidden: number[];
  /** Max-norm bound on incoming weights, or undefined for none. */
  maxNorm?: number;
  /** Told about every evaluation (the `--live` server). */
  observer?: Observer;
  /** `--data-dir`: a folder of CIFAR-10 binary batches (used by `conv`). */
  dataDir?: string;
}

/** Network and training settings for a task. */
export function defaults(
  task: Task,
  o: CommonOptions,
): { spec: Omit<MlpSpec, 'variant' | 'inputP' | 'hiddenP'>; train: TrainSettings } {
  return {
    spec: { inputs: task.inputs, hidden: o.hidden, outputs: task.classes },
    train: {
      epochs: o.epochs,
      seed: o.seed,
      batchSize: o.batchSize,
      lr: o.lr,
      optimizer: o.optimizer,
      momentum: o.momentum,
      schedule: o.schedule,
      evalEvery: o.evalEvery,
      maxNorm: o.maxNorm,
      observer: o.observer,
    },
  };
}

/** The settings a report lists: only those that apply (no momentum for Adam). */
export function reportSettings(
  task: Task,
  o: CommonOptions,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    dataset: task.name,
    trainSize: task.train.y.size,
    testSize: task.test.y.size,
    network: [task.inputs, ...o.hidden, task.classes].join('-'),
    optimizer: o.optimizer,
    lr: o.lr,
    ...(o.optimizer === 'sgd' ? { momentum: o.momentum } : {}),
    schedule: o.schedule,
    batchSize: o.batchSize,
    epochs: o.epochs,
    evalEvery: o.evalEvery,
    ...(o.maxNorm ? { maxNorm: o.maxNorm } : {}),
    seeds: Array.from({ length: o.seeds }, (_, k) => o.seed + k),
    ...extra,
  };
}

/** Epochs at which a configuration's first run was evaluated. */
export const evaluatedEpochs = (config: ConfigResult) =>
  config.runs[0]!.history.map((h) => h.epoch);

/** One series per configuration: the mean over seeds, with the min–max band when several. */
export function meanSeries(
  config: ConfigResult,
  split: Series['split'],
  value: (h: EvalPoint) => number | null,
): Series {
  const s = seriesSpread(config.runs.map((r) => r.history.map(value)));
  return config.runs.length > 1
    ? { config: config.name, split, data: s.mean, low: s.low, high: s.high }
    : { config: config.name, split, data: s.mean };
}

/** Train and test loss and accuracy per evaluated epoch, and the generalisation gap. */
export function curveCharts(configs: ConfigResult[]): ChartSpec[] {
  const labels = evaluatedEpochs(configs[0]!);
  const both = (value: (split: 'train' | 'test') => (h: EvalPoint) => number | null) =>
    configs.flatMap((c) => [
      meanSeries(c, 'train', value('train')),
      meanSeries(c, 'test', value('test')),
    ]);
  const seeds = configs[0]!.runs.length;
  const band = seeds > 1 ? ` (mean of ${seeds} seeds, band: min–max)` : '';
  return [
    {
      title: `Cross-entropy: train solid, test dashed${band}`,
      type: 'line',
      labels,
      datasets: both((split) => (h) => h[split].loss),
      xLabel: 'epoch',
      yLabel: 'cross-entropy',
      yUnit: 'number',
      yLog: true,
    },
    {
      title: `Accuracy: train solid, test dashed${band}`,
      type: 'line',
      labels,
      datasets: both((split) => (h) => h[split].accuracy),
      xLabel: 'epoch',
      yLabel: 'accuracy',
      yUnit: 'percent',
    },
    {
      title: 'Generalisation gap: train accuracy − test accuracy',
      type: 'line',
      labels,
      datasets: configs.map((c) =>
        meanSeries(c, 'none', (h) => (h.train.accuracy ?? 0) - (h.test.accuracy ?? 0)),
      ),
      xLabel: 'epoch',
      yLabel: 'gap',
      yUnit: 'points',
    },
  ];
}

/** The per-configuration summary: means over seeds, ± the standard deviation when several. */
export function summaryTable(configs: ConfigResult[]): Table {
  const spread = (c: ConfigResult, f: (r: ConfigResult['runs'][number]) => number) =>
    spreadOf(c.runs.map(f));
  return {
    columns: ['configuration', 'train accuracy', 'test accuracy', 'gap', 'test loss'],
    rows: configs.map((c) => [
      c.name,
      formatSpread(
        spread(c, (r) => r.final.trainAccuracy),
        'percent',
      ),
      formatSpread(
        spread(c, (r) => r.final.testAccuracy),
        'percent',
      ),
      formatSpread(
        spread(c, (r) => r.final.gap),
        'percent',
      ).replace(' %', ' pts'),
      formatSpread(
        spread(c, (r) => r.final.testLoss),
        'number',
      ),
    ]),
  };
}

/** Wraps text at spaces to lines of at most `width` characters; later lines get `indent`. */
export function wrap(text: string, width: number, indent = ''): string {
  const lines: string[] = [];
  let line = '';
  // A number and its unit stay on one line ('93.06 %').
  for (const word of text.replace(/ %/g, '\u00a0%').split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = indent + word;
    } else line = line ? `${line} ${word}` : word;
  }
  lines.push(line);
  return lines.join('\n').replace(/\u00a0%/g, ' %');
}

/**
 * The summary table as text for an 80-column terminal: aligned columns when they fit, otherwise
 * one block per row with a line per column.
 */
export function printTable(table: Table, width = 79): string {
  const widths = table.columns.map((c, i) =>
    Math.max(c.length, ...table.rows.map((r) => String(r[i]).length)),
  );
  if (widths.reduce((a, w) => a + w + 2, -2) > width) {
    const label = Math.max(...table.columns.slice(1).map((c) => c.length));
    return table.rows
      .map((r) =>
        [
          String(r[0]),
          ...r.slice(1).map((v, i) => `  ${table.columns[i + 1]!.padEnd(label)}  ${v}`),
        ].join('\n'),
      )
      .join('\n');
  }
  const line = (cells: (string | number)[]) =>
    cells
      .map((c, i) => (i === 0 ? String(c).padEnd(widths[i]!) : String(c).padStart(widths[i]!)))
      .join('  ');
  return [
    line(table.columns),
    line(widths.map((w) => '─'.repeat(w))),
    ...table.rows.map(line),
  ].join('\n');
}

/** Configurations as JSON metrics: every run's history and final numbers, without models. */
export function metricsOf(configs: ConfigResult[]) {
  // Wall-clock times are left out: the same seed must give the same report, number for number.
  return configs.map((c) => ({
    name: c.name,
    runs: c.runs.map(({ model: _model, seconds: _seconds, ...rest }) => rest),
  }));
}
