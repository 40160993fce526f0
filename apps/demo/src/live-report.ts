import { formatPercent } from './claims.js';
import type { ChartSpec, Report, Series } from './report/types.js';
import type { EvalPoint } from './train.js';

/** One run (a configuration at one seed) as far as it has trained. */
export interface LiveRun {
  config: string;
  seed: number;
  /** Its evaluations so far, in epoch order. */
  points: EvalPoint[];
}

/** What the live page shows while a command trains. */
export interface LiveState {
  command: string;
  quick: boolean;
  /** Runs in the order they started. */
  runs: LiveRun[];
}

const percent = (v: number | null) => (v === null ? '–' : formatPercent(v));

/**
 * The report the live page draws while a command trains: the loss and accuracy curves of every
 * run so far (train solid, test dashed, one colour per configuration, as the final report's
 * `curveCharts`) and a table of each run's latest evaluation. Its one finding says that the
 * findings come with the final report: nothing is claimed from a run that has not finished.
 *
 * @param state - The runs so far.
 * @returns A report for `renderHtml(…, {live: true})` and the `report` event.
 */
export function liveReport(state: LiveState): Report {
  const { runs } = state;
  const epochs = [...new Set(runs.flatMap((r) => r.points.map((p) => p.epoch)))].sort(
    (a, b) => a - b,
  );
  // Several seeds of one configuration share its colour; the legend tells them apart.
  const seeded = new Set(runs.map((r) => r.config)).size < runs.length;
  const series = (value: (p: EvalPoint, split: 'train' | 'test') => number | null): Series[] =>
    runs.flatMap((r) => {
      const at = new Map(r.points.map((p) => [p.epoch, p]));
      return (['train', 'test'] as const).map((split) => ({
        config: r.config,
        split,
        label: `${r.config}${seeded ? ` s${r.seed}` : ''} (${split})`,
        data: epochs.map((e) => {
          const p = at.get(e);
          return p ? value(p, split) : null;
        }),
      }));
    });
  const charts: ChartSpec[] = [
    {
      title: 'Cross-entropy so far: train solid, test dashed',
      type: 'line',
      labels: epochs,
      datasets: series((p, split) => p[split].loss),
      xLabel: 'epoch',
      yLabel: 'cross-entropy',
      yUnit: 'number',
      yLog: true,
    },
    {
      title: 'Accuracy so far: train solid, test dashed',
      type: 'line',
      labels: epochs,
      datasets: series((p, split) => p[split].accuracy),
      xLabel: 'epoch',
      yLabel: 'accuracy',
      yUnit: 'percent',
    },
  ];
  const points = runs.reduce((n, r) => n + r.points.length, 0);
  return {
    command: state.command,
    title: `${state.command}: training (live)`,
    findings: [
      runs.length === 0
        ? 'Training has not started yet: the data is loading.'
        : `${runs.length} run${runs.length > 1 ? 's' : ''} started, ${points} evaluation${points === 1 ? '' : 's'} so far. The findings come with the final report, once every run has finished.`,
    ],
    quick: state.quick,
    settings: {},
    table: {
      columns: ['configuration', 'seed', 'epoch', 'train accuracy', 'test accuracy', 'test loss'],
      rows: runs.map((r) => {
        const last = r.points[r.points.length - 1];
        return last
          ? [
              r.config,
              r.seed,
              last.epoch,
              percent(last.train.accuracy),
              percent(last.test.accuracy),
              last.test.loss.toFixed(4),
            ]
          : [r.config, r.seed, '–', '–', '–', '–'];
      }),
    },
    charts,
    metrics: undefined,
  };
}
