import { type Comparison, compareSamples, type Quantity } from './claims.js';
import { type CommonOptions, defaults, metricsOf } from './common.js';
import type { Task } from './data.js';
import { type ConfigResult, type RunResult, trainConfiguration } from './train.js';

/**
 * R-Drop's α (Liang et al. 2021 use 0.3 to 1 for classification; 0.6 for image classification):
 * the weight of the symmetric KL between the two passes' outputs.
 */
export const R_DROP_ALPHA = 0.6;

/** Plain dropout, R-Drop, and R-Drop at half the learning rate, each at `o.seeds` seeds. */
export interface RDropResult {
  plain: ConfigResult;
  rDrop: ConfigResult;
  /** fit's R-Drop sums the two passes' cross-entropies: at lr/2 its step on them is plain dropout's. */
  halfLr: ConfigResult;
}

/** R-Drop against plain dropout on `compare`'s network and recipe (`o`, compare's defaults). */
export async function runRDrop(task: Task, o: CommonOptions): Promise<RDropResult> {
  const { spec, train } = defaults(task, o);
  const net = { ...spec, variant: 'dropout' as const, inputP: o.inputP, hiddenP: o.hiddenP };
  const rDrop = { alpha: R_DROP_ALPHA };
  return {
    plain: await trainConfiguration('dropout', net, task, train, o.seeds),
    rDrop: await trainConfiguration(
      `R-Drop α = ${R_DROP_ALPHA}`,
      net,
      task,
      { ...train, rDrop },
      o.seeds,
    ),
    halfLr: await trainConfiguration(
      `R-Drop ${R_DROP_ALPHA}, lr/2`,
      net,
      task,
      { ...train, rDrop, lr: train.lr / 2 },
      o.seeds,
    ),
  };
}

const ACCURACY: Quantity = { name: 'test accuracy', unit: 'percent', better: 'higher' };
const LOSS: Quantity = { name: 'test loss', unit: 'number', better: 'lower' };

/** Test accuracy and loss of each R-Drop configuration against plain dropout, over seeds. */
export function rDropComparisons(r: RDropResult) {
  const both = (c: ConfigResult, name: string) => {
    const on = (q: Quantity, f: (run: RunResult) => number): Comparison =>
      compareSamples(
        q,
        { name: 'dropout', values: r.plain.runs.map(f) },
        { name, values: c.runs.map(f) },
      );
    return {
      testAccuracy: on(ACCURACY, (run) => run.final.testAccuracy),
      testLoss: on(LOSS, (run) => run.final.testLoss),
    };
  };
  return { rDrop: both(r.rDrop, 'R-Drop'), halfLr: both(r.halfLr, 'R-Drop at lr/2') };
}

/** The R-Drop findings: each comparison's sentence, with what the configurations are. */
export function rDropFindings(r: RDropResult, task: Task): string[] {
  const c = rDropComparisons(r);
  return [
    `R-Drop (α = ${R_DROP_ALPHA}; fit sums the two passes' cross-entropies, as the paper's equation does) against plain dropout on compare's setup (${task.train.y.size} examples, the same learning rate): ${c.rDrop.testAccuracy.sentence} ${c.rDrop.testLoss.sentence}`,
    `The sum doubles the step on the cross-entropy; at half the learning rate (the reference code's mean of the two cross-entropies with α = ${R_DROP_ALPHA / 2}): ${c.halfLr.testAccuracy.sentence} ${c.halfLr.testLoss.sentence}`,
  ];
}

/** metrics.json's R-Drop part: every run, and each comparison's verdict and numbers. */
export function rDropMetrics(r: RDropResult) {
  const c = rDropComparisons(r);
  const brief = (x: Comparison) => ({
    verdict: x.verdict,
    difference: x.difference,
    seedSpread: x.seedSpread,
  });
  return {
    alpha: R_DROP_ALPHA,
    configurations: metricsOf([r.plain, r.rDrop, r.halfLr]),
    comparisons: Object.fromEntries(
      Object.entries(c).map(([k, v]) => [
        k,
        { testAccuracy: brief(v.testAccuracy), testLoss: brief(v.testLoss) },
      ]),
    ),
  };
}
