import { compareSamples, formatPercent, formatPoints } from '../claims.js';
import type { DemoCommand } from '../command.js';
import { defaults, metricsOf, reportSettings } from '../common.js';
import { spreadOf } from '../stats.js';
import { type ConfigResult, trainConfiguration } from '../train.js';

/** The hidden drop probabilities swept (keep probability 1 − p from 0.9 down to 0.1). */
export const WIDTH_PS = [0.1, 0.3, 0.5, 0.7, 0.9] as const;

/** The drop probability at which both architectures are the same network. */
const REFERENCE_P = 0.5;

/**
 * The rule of thumb "divide the number of units by the keep probability": hidden widths that keep
 * the expected number of retained units (1 − p)·n equal to that of `base` at p = 0.5, that is
 * n = round(base · 0.5 / (1 − p)) per layer.
 *
 * @param base - Hidden widths at p = 0.5.
 * @param p - Drop probability in [0, 1).
 */
export function keptWidths(base: readonly number[], p: number): number[] {
  if (!(p >= 0 && p < 1)) throw new RangeError(`keptWidths: p must be in [0, 1), got ${p}`);
  return base.map((h) => Math.max(1, Math.round((h * (1 - REFERENCE_P)) / (1 - p))));
}

/**
 * The learning rate at drop probability p: `lr` at p = 0.5, scaled by the keep probability,
 * lr·(1 − p)/0.5. Inverted dropout multiplies the kept units by 1/(1 − p), so the gradients grow
 * with p: one rate for every p either crawls at p = 0.1 or fails to train at p = 0.9 (0.05 left
 * the 1280-unit network at p = 0.9 near chance after 20 epochs; 0.01 trained it).
 *
 * @param lr - The rate at p = 0.5.
 * @param p - Drop probability in [0, 1).
 */
export function rateAt(lr: number, p: number): number {
  return (lr * (1 - p)) / (1 - REFERENCE_P);
}

/** Whether two error rates differ by more than twice the binomial standard error on `n` examples. */
export function binomiallyApart(a: number, b: number, n: number): boolean {
  const se = Math.sqrt((a * (1 - a) + b * (1 - b)) / n);
  return Math.abs(a - b) > 2 * se;
}

/** Hidden widths as text: '256' when every layer has 256 units, else '256-128'. */
const widthText = (hidden: readonly number[]) =>
  hidden.every((h) => h === hidden[0]) ? String(hidden[0]) : hidden.join('-');

const points = (d: number) => formatPoints(d).replace('pts', 'points');
const list = (ps: number[]) => ps.map((p) => `p = ${p.toFixed(1)}`).join(', ');

/**
 * Srivastava et al. 2014, section 7.3 and Figure 9: dropout at drop probability p (on the hidden
 * units) with (a) the same n units per layer at every p, and (b) n scaled so that (1 − p)·n, the
 * expected number of units kept, stays constant. Error rates come from the trained network in
 * inference mode on the training and the test set.
 */
export const width: DemoCommand = {
  name: 'width',
  description:
    'fixed n against fixed (1 − p)·n hidden units across the dropout rate (Srivastava et al. Figure 9)',
  defaults: (dataset, quick) =>
    quick
      ? { evalEvery: 10 }
      : dataset === 'moons'
        ? { evalEvery: 150 }
        : {
            trainSize: 2000,
            epochs: 30,
            evalEvery: 30,
            hidden: [256, 256],
            batchSize: 50,
            optimizer: 'sgd',
            lr: { sgd: 0.05, adam: 0.001 },
            momentum: 0.9,
            schedule: 'cosine',
          },
  async run(task, o) {
    const { spec, train } = defaults(task, o);
    const ps = [...WIDTH_PS];
    // Trained networks by width and p: at p = 0.5 both architectures are one network.
    const trained = new Map<string, ConfigResult>();
    const trainAt = async (hidden: number[], p: number) => {
      // Short enough for the 16-character progress label: 'n=1280 p=0.9'.
      const key = `n=${widthText(hidden)} p=${p.toFixed(1)}`;
      let config = trained.get(key);
      if (!config) {
        config = await trainConfiguration(
          key,
          { ...spec, hidden, variant: 'dropout', inputP: o.inputP, hiddenP: p },
          task,
          { ...train, lr: rateAt(o.lr, p) },
          o.seeds,
        );
        trained.set(key, config);
      }
      return config;
    };
    const results: {
      p: number;
      fixedN: { hidden: number[]; config: ConfigResult };
      fixedKept: { hidden: number[]; config: ConfigResult };
    }[] = [];
    for (const p of ps) {
      const kept = keptWidths(o.hidden, p);
      results.push({
        p,
        fixedN: { hidden: [...o.hidden], config: await trainAt(o.hidden, p) },
        fixedKept: { hidden: kept, config: await trainAt(kept, p) },
      });
    }
    const error = (c: ConfigResult, split: 'train' | 'test') =>
      spreadOf(
        c.runs.map((r) => 1 - (split === 'train' ? r.final.trainAccuracy : r.final.testAccuracy)),
      ).mean;
    const testN = task.test.y.size;

    // Where (1 − p)·n beats n, from the seed spread when measured, else the binomial error.
    const better: number[] = [];
    const worse: number[] = [];
    const alike: number[] = [];
    const differences = results.map(({ p, fixedN, fixedKept }) => {
      const a = error(fixedN.config, 'test');
      const b = error(fixedKept.config, 'test');
      if (fixedN.config === fixedKept.config) return { p, difference: 0, verdict: 'same' };
      let verdict: 'better' | 'worse' | 'inside';
      if (o.seeds > 1) {
        const c = compareSamples(
          { name: 'test accuracy', unit: 'percent', better: 'higher' },
          { name: 'fixed n', values: fixedN.config.runs.map((r) => r.final.testAccuracy) },
          {
            name: 'fixed (1 − p)·n',
            values: fixedKept.config.runs.map((r) => r.final.testAccuracy),
          },
        );
        verdict = c.verdict === 'effect' ? 'better' : c.verdict === 'reversed' ? 'worse' : 'inside';
      } else verdict = binomiallyApart(a, b, testN) ? (b < a ? 'better' : 'worse') : 'inside';
      (verdict === 'better' ? better : verdict === 'worse' ? worse : alike).push(p);
      return { p, difference: b - a, verdict };
    });
    const noise =
      o.seeds > 1
        ? `outside the spread over ${o.seeds} seeds`
        : `by more than twice the binomial standard error on ${testN} test examples (one seed per point)`;
    const nErrors = results.map((q) => error(q.fixedN.config, 'test'));
    const nTrain = results.map((q) => error(q.fixedN.config, 'train'));
    const keptErrors = results.map((q) => error(q.fixedKept.config, 'test'));
    const keptTrain = results.map((q) => error(q.fixedKept.config, 'train'));
    const bestN = nErrors.indexOf(Math.min(...nErrors));
    const highest = ps.length - 1;
    const rise = nErrors[highest]! - nErrors[bestN]!;
    const rises = bestN !== highest && binomiallyApart(nErrors[highest]!, nErrors[bestN]!, testN);
    const bestKept = keptErrors.indexOf(Math.min(...keptErrors));
    const kept0 = results[highest]!.fixedKept.hidden;
    const findings = [
      `Fixing (1 − p)·n instead of n lowers test error at ${better.length ? list(better) : 'no p'} and raises it at ${worse.length ? list(worse) : 'no p'}, ${noise}${alike.length ? `; at ${list(alike)} the difference is inside that noise` : ''} (at p = ${REFERENCE_P.toFixed(1)} both are the same network).`,
      rises
        ? `With n fixed at ${widthText(o.hidden)} units per hidden layer, test error is lowest at p = ${ps[bestN]!.toFixed(1)} (${formatPercent(nErrors[bestN]!)}) and rises to ${formatPercent(nErrors[highest]!)} at p = ${ps[highest]!.toFixed(1)} (${points(rise)}); train error there is ${formatPercent(nTrain[highest]!)} against ${formatPercent(Math.min(...nTrain))} at its lowest${nTrain[highest]! > Math.min(...nTrain) + 0.01 ? ': too few units are kept to fit the training set' : ''}.`
        : `With n fixed at ${widthText(o.hidden)} units per hidden layer, test error at p = ${ps[highest]!.toFixed(1)} (${formatPercent(nErrors[highest]!)}) is not clearly above its lowest (${formatPercent(nErrors[bestN]!)} at p = ${ps[bestN]!.toFixed(1)}): no rise at high p shows here.`,
      `With (1 − p)·n fixed, test error is lowest at p = ${ps[bestKept]!.toFixed(1)} (${formatPercent(keptErrors[bestKept]!)}) and ${formatPercent(keptErrors[highest]!)} at p = ${ps[highest]!.toFixed(1)}, where each layer has ${widthText(kept0)} units to keep about ${Math.round(kept0[0]! * (1 - ps[highest]!))} of them (${points(differences[highest]!.difference)} against fixed n)${keptTrain[highest]! > Math.min(...keptTrain) + 0.01 ? `; its train error there is ${formatPercent(keptTrain[highest]!)} against ${formatPercent(Math.min(...keptTrain))} at its lowest, so it under-fits too` : ''}.`,
    ];
    const configs = [...trained.values()];
    return {
      command: 'width',
      title: `Fixed n against fixed (1 − p)·n hidden units (${task.name}, ${task.train.y.size} examples)`,
      findings,
      quick: o.quick,
      settings: reportSettings(task, o, {
        inputP: o.inputP,
        hiddenP: ps,
        fixedN: o.hidden,
        fixedKeptUnits: o.hidden.map((h) => h * (1 - REFERENCE_P)),
        lrPerP: ps.map((p) => Number(rateAt(o.lr, p).toPrecision(6))),
      }),
      table: {
        // Short cells: the table must fit a 390-pixel screen.
        columns: ['p', 'fixed n', 'test error', 'fixed (1 − p)·n', 'test error', 'change'],
        rows: results.map((q, i) => [
          q.p.toFixed(1),
          widthText(q.fixedN.hidden),
          formatPercent(nErrors[i]!),
          widthText(q.fixedKept.hidden),
          formatPercent(keptErrors[i]!),
          formatPoints(differences[i]!.difference),
        ]),
      },
      charts: [
        {
          title: 'Error against the hidden drop probability p: train solid, test dashed',
          type: 'line',
          labels: ps.map((p) => p.toFixed(1)),
          datasets: (['fixedN', 'fixedKept'] as const).flatMap((arch) =>
            (['train', 'test'] as const).map((split) => ({
              config: arch === 'fixedN' ? 'fixed n' : 'fixed (1 − p)·n',
              split,
              data: results.map((q) => error(q[arch].config, split)),
            })),
          ),
          xLabel: 'hidden drop probability p (keep 1 − p)',
          yLabel: 'error',
          yUnit: 'percent',
        },
        {
          title: 'Units per hidden layer',
          type: 'line',
          labels: ps.map((p) => p.toFixed(1)),
          datasets: (['fixedN', 'fixedKept'] as const).map((arch) => ({
            config: arch === 'fixedN' ? 'fixed n' : 'fixed (1 − p)·n',
            split: 'none' as const,
            data: results.map((q) => q[arch].hidden[0]!),
          })),
          xLabel: 'hidden drop probability p (keep 1 − p)',
          yLabel: 'units',
          yUnit: 'number',
        },
      ],
      metrics: {
        ps,
        points: results.map((q, i) => ({
          p: q.p,
          fixedN: {
            hidden: q.fixedN.hidden,
            config: q.fixedN.config.name,
            trainError: nTrain[i],
            testError: nErrors[i],
          },
          fixedKept: {
            hidden: q.fixedKept.hidden,
            config: q.fixedKept.config.name,
            trainError: keptTrain[i],
            testError: keptErrors[i],
          },
          difference: differences[i]!.difference,
          verdict: differences[i]!.verdict,
        })),
        configurations: metricsOf(configs),
      },
    };
  },
};
