import { compareSamples } from '../claims.js';
import type { DemoCommand } from '../command.js';
import { curveCharts, defaults, metricsOf, reportSettings, summaryTable } from '../common.js';
import { trainConfiguration } from '../train.js';

/**
 * The articles' central claim: the same over-sized MLP without and with dropout (0.2 on the
 * inputs, 0.5 on hidden units), trained with Srivastava et al.'s recipe (SGD with momentum) long
 * enough that the plain network memorises its training set.
 */
export const compare: DemoCommand = {
  name: 'compare',
  description: 'does dropout prevent over-fitting? the same MLP without and with dropout (default)',
  defaults: (dataset, quick) =>
    dataset === 'moons' || quick
      ? {}
      : {
          trainSize: 2000,
          epochs: 40,
          evalEvery: 5,
          seeds: 2,
          hidden: [512, 512],
          batchSize: 50,
          optimizer: 'sgd',
          lr: { sgd: 0.1, adam: 0.001 },
          momentum: 0.9,
          schedule: 'cosine',
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
    const [plain, dropped] = configs as [(typeof configs)[0], (typeof configs)[0]];
    const values = (c: typeof plain, f: (r: (typeof plain.runs)[0]) => number) => ({
      name: c.name,
      values: c.runs.map(f),
    });
    const accuracy = compareSamples(
      { name: 'test accuracy', unit: 'percent', better: 'higher' },
      values(plain, (r) => r.final.testAccuracy),
      values(dropped, (r) => r.final.testAccuracy),
    );
    const loss = compareSamples(
      { name: 'test loss', unit: 'number', better: 'lower' },
      values(plain, (r) => r.final.testLoss),
      values(dropped, (r) => r.final.testLoss),
    );
    const memorised = plain.runs.every((r) => r.final.trainAccuracy >= 0.999);
    const lowest = plain.runs.map((r) => Math.min(...r.history.map((h) => h.test.loss)));
    const climbed = plain.runs.every((r, i) => r.final.testLoss > lowest[i]! * 1.02);
    const findings = [accuracy.sentence, loss.sentence];
    findings.push(
      memorised
        ? `Without dropout the network memorises its training set (train accuracy ${(100 * plain.runs[0]!.final.trainAccuracy).toFixed(2)} %)${climbed ? ' and its test loss climbs from its lowest point: it over-fits.' : '.'}`
        : 'Without dropout the network does not reach 100 % train accuracy in this run: train longer to see it memorise.',
    );
    return {
      command: 'compare',
      title: `Does dropout prevent over-fitting? (${task.name}, ${task.train.y.size} training examples)`,
      findings,
      quick: o.quick,
      settings: reportSettings(task, o, { inputP: o.inputP, hiddenP: o.hiddenP }),
      table: summaryTable(configs),
      charts: curveCharts(configs),
      metrics: {
        configurations: metricsOf(configs),
        verdicts: { testAccuracy: accuracy.verdict, testLoss: loss.verdict },
      },
    };
  },
};
