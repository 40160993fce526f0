import { type Comparison, compareSamples, formatSpread, type Quantity } from '../claims.js';
import { type DemoCommand, SGD_RECIPE } from '../command.js';
import { curveCharts, defaults, meanSeries, metricsOf, reportSettings } from '../common.js';
import type { ChartSpec, Table } from '../report/types.js';
import { spreadOf } from '../stats.js';
import { type ConfigResult, type RunResult, trainConfiguration } from '../train.js';

/** Where a run's test loss was lowest among its evaluated epochs, and how far it rose after. */
export interface LossClimb {
  seed: number;
  /** The evaluated epoch with the lowest test loss. */
  lowestEpoch: number;
  lowest: number;
  final: number;
  /** final − lowest (≥ 0): how far the test loss climbed back from its lowest point. */
  rise: number;
}

/** The lowest test loss of a run over its evaluated epochs and its rise from there to the end. */
export function lossClimb(run: Pick<RunResult, 'seed' | 'history'>): LossClimb {
  let best = run.history[0]!;
  for (const h of run.history) if (h.test.loss < best.test.loss) best = h;
  const final = run.history[run.history.length - 1]!.test.loss;
  return {
    seed: run.seed,
    lowestEpoch: best.epoch,
    lowest: best.test.loss,
    final,
    rise: final - best.test.loss,
  };
}

/** A run counts as having memorised its training set at this train accuracy (inference mode). */
const MEMORISED = 0.999;
/** A climb counts when the final test loss is this much (relative) above the lowest. */
const CLIMB = 0.02;

const mean = (values: number[]) => spreadOf(values).mean;
const seedsText = (k: number, n: number) =>
  n === 1 ? 'one seed' : k === n ? `every one of ${n} seeds` : `${k} of ${n} seeds`;

/**
 * The plain network's over-fitting in one sentence from the numbers: whether it memorised its
 * training set, and whether its test loss climbed from its lowest point (and by how much).
 */
export function overfittingSentence(plain: ConfigResult): string {
  const runs = plain.runs;
  const n = runs.length;
  const train = runs.map((r) => r.final.trainAccuracy);
  const memorised = train.filter((a) => a >= MEMORISED).length;
  const climbs = runs.map(lossClimb);
  const climbed = climbs.filter((c) => c.final > c.lowest * (1 + CLIMB)).length;
  const lowest = mean(climbs.map((c) => c.lowest));
  const final = mean(climbs.map((c) => c.final));
  const at = [...new Set(climbs.map((c) => c.lowestEpoch))];
  const epochs = `epoch${at.length > 1 ? 's' : ''} ${at.join(', ')}`;
  const trainText = `${(100 * mean(train)).toFixed(2)} %`;
  const memo =
    memorised === n
      ? `Without dropout the network memorises its training set (train accuracy ${trainText}, ${seedsText(n, n)})`
      : memorised === 0
        ? `Without dropout the network does not memorise its training set (train accuracy ${trainText}; train longer to see it)`
        : `Without dropout the network memorises its training set at ${seedsText(memorised, n)} (train accuracy ${trainText})`;
  const climb =
    climbed === 0
      ? `its test loss does not climb more than ${100 * CLIMB} % from its lowest evaluated point (${lowest.toFixed(4)} at ${epochs}, ${final.toFixed(4)} at the end), so no over-fitting shows in the loss.`
      : `its test loss climbs from its lowest evaluated point, ${lowest.toFixed(4)} at ${epochs}, to ${final.toFixed(4)} at the end (+${((100 * (final - lowest)) / lowest).toFixed(0)} %, ${seedsText(climbed, n)}): it over-fits.`;
  return `${memo}, and ${climb}`;
}

const ACCURACY: Quantity = { name: 'test accuracy', unit: 'percent', better: 'higher' };
const LOSS: Quantity = { name: 'test loss', unit: 'number', better: 'lower' };
const GAP: Quantity = {
  name: 'generalisation gap (train − test accuracy)',
  unit: 'points',
  better: 'lower',
};
const RISE: Quantity = {
  name: 'rise of the test loss from its lowest evaluated point to the end',
  unit: 'number',
  better: 'lower',
};

/** The four comparisons of the report, dropout against no dropout, over seeds. */
export function compareConfigurations(
  plain: ConfigResult,
  dropped: ConfigResult,
): Record<'testAccuracy' | 'testLoss' | 'gap' | 'lossRise', Comparison> {
  const samples = (c: ConfigResult, f: (r: RunResult) => number) => ({
    name: c.name,
    values: c.runs.map(f),
  });
  const both = (q: Quantity, f: (r: RunResult) => number) =>
    compareSamples(q, samples(plain, f), samples(dropped, f));
  return {
    testAccuracy: both(ACCURACY, (r) => r.final.testAccuracy),
    testLoss: both(LOSS, (r) => r.final.testLoss),
    gap: both(GAP, (r) => r.final.gap),
    lossRise: both(RISE, (r) => lossClimb(r).rise),
  };
}

/**
 * One row per quantity, one column per configuration (mean ± sd over seeds): three narrow
 * columns fit an 80-column terminal and a 390-pixel screen.
 */
export function compareTable(configs: ConfigResult[]): Table {
  const seeds = configs[0]!.runs.length;
  const cell = (c: ConfigResult, f: (r: RunResult) => number, unit: 'percent' | 'number') =>
    formatSpread(spreadOf(c.runs.map(f)), unit);
  const row = (name: string, f: (r: RunResult) => number, unit: 'percent' | 'number') => [
    name,
    ...configs.map((c) => cell(c, f, unit)),
  ];
  return {
    columns: [seeds > 1 ? `${seeds} seeds: mean ± sd` : 'one seed', ...configs.map((c) => c.name)],
    rows: [
      row('train accuracy', (r) => r.final.trainAccuracy, 'percent'),
      row('test accuracy', (r) => r.final.testAccuracy, 'percent'),
      row('gap', (r) => r.final.gap, 'percent').map((v, i) => (i ? v.replace(' %', ' pts') : v)),
      row('test loss', (r) => r.final.testLoss, 'number'),
      row('test-loss rise', (r) => lossClimb(r).rise, 'number'),
    ],
  };
}

/** The test loss alone on a linear axis, where a climb of a few hundredths is visible. */
function testLossChart(configs: ConfigResult[], labels: number[]): ChartSpec {
  const seeds = configs[0]!.runs.length;
  return {
    title: `Test cross-entropy, linear axis${seeds > 1 ? ` (mean of ${seeds} seeds, band: min–max)` : ''}`,
    type: 'line',
    labels,
    datasets: configs.map((c) => meanSeries(c, 'test', (h) => h.test.loss)),
    xLabel: 'epoch',
    yLabel: 'test cross-entropy',
    yUnit: 'number',
  };
}

/**
 * The articles' central claim: the same over-sized MLP without and with dropout (0.2 on the
 * inputs, 0.5 on hidden units), trained with Srivastava et al.'s recipe (SGD with momentum) long
 * enough that the plain network memorises its training set and its test loss climbs.
 */
export const compare: DemoCommand = {
  name: 'compare',
  description: 'does dropout prevent over-fitting? the same MLP without and with dropout (default)',
  // Srivastava et al.'s recipe, sized for about 3 minutes on 2 cores: 1000 training digits, so
  // that the 784-512-512-10 net memorises them within a few epochs and its test loss then climbs;
  // SGD with momentum 0.9, a cosine schedule, and max-norm 3 on every unit's incoming weights
  // (Section 5.1), for both networks: dropout is the only difference. lr 0.1 rather than 0.05:
  // of the two, it is the better one for the network without dropout (README, compare).
  defaults: (dataset, quick) =>
    dataset === 'moons' || quick
      ? {}
      : {
          trainSize: 1000,
          epochs: 100,
          evalEvery: 10,
          seeds: 3,
          ...SGD_RECIPE,
          maxNorm: 3,
        },
  async run(task, o) {
    const { spec, train } = defaults(task, o);
    const configs = [
      await trainConfiguration(
        'no dropout',
        { ...spec, variant: 'none', inputP: 0, hiddenP: 0 },
        task,
        train,
        o.seeds,
      ),
      await trainConfiguration(
        'dropout',
        { ...spec, variant: 'dropout', inputP: o.inputP, hiddenP: o.hiddenP },
        task,
        train,
        o.seeds,
      ),
    ];
    const [plain, dropped] = configs as [ConfigResult, ConfigResult];
    const c = compareConfigurations(plain, dropped);
    const charts = curveCharts(configs);
    charts.splice(1, 0, testLossChart(configs, charts[0]!.labels as number[]));
    return {
      command: 'compare',
      title: `Does dropout prevent over-fitting? (${task.name}, ${task.train.y.size} training examples)`,
      // The two headline comparisons first, then the over-fitting they are about.
      findings: [
        c.testAccuracy.sentence,
        c.testLoss.sentence,
        overfittingSentence(plain),
        c.gap.sentence,
        c.lossRise.sentence,
      ],
      quick: o.quick,
      settings: reportSettings(task, o, { inputP: o.inputP, hiddenP: o.hiddenP }),
      table: compareTable(configs),
      charts,
      metrics: {
        configurations: metricsOf(configs),
        comparisons: Object.fromEntries(
          Object.entries(c).map(([k, v]) => [
            k,
            {
              verdict: v.verdict,
              difference: v.difference,
              seedSpread: v.seedSpread,
              baseline: v.baseline,
              treatment: v.treatment,
            },
          ]),
        ),
        lossClimb: Object.fromEntries(configs.map((k) => [k.name, k.runs.map(lossClimb)])),
      },
    };
  },
};
