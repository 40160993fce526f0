import { formatSpread } from '../claims.js';
import { type DemoCommand, SGD_RECIPE } from '../command.js';
import { curveCharts, metricsOf, reportSettings } from '../common.js';
import {
  bestFixed,
  concreteFindings,
  concreteSetup,
  FIXED_P,
  layerName,
  runConcrete,
  type SizeResult,
} from '../learned-concrete.js';
import { R_DROP_ALPHA, rDropFindings, rDropMetrics, runRDrop } from '../learned-rdrop.js';
import {
  keptPanel,
  runSparse,
  type SparseResult,
  sparseFindings,
  sparsityChart,
} from '../learned-sparse.js';
import type { ChartSpec, Table } from '../report/types.js';
import { spreadOf } from '../stats.js';
import type { ConfigResult } from '../train.js';

/** One row per Concrete run and best fixed p, then the R-Drop and the LeNet configurations. */
function learnedTable(
  sizes: SizeResult[],
  rDrop: readonly ConfigResult[],
  sparse: SparseResult,
  o: { inputP: number; hiddenP: number },
): Table {
  const acc = (c: ConfigResult) =>
    formatSpread(spreadOf(c.runs.map((r) => r.final.testAccuracy)), 'percent');
  const fixedP = `${o.inputP} / ${o.hiddenP} / ${o.hiddenP}`;
  return {
    columns: ['configuration', 'per layer', 'test accuracy'],
    rows: [
      ...sizes.flatMap((r) => {
        const best = bestFixed(r);
        const p = r.pHistory[r.pHistory.length - 1]!;
        return [
          [`Concrete, n = ${r.n}`, `p ${p.map((v) => v.toFixed(3)).join(' / ')}`, acc(r.concrete)],
          [`best fixed, n = ${r.n}`, `p ${best.p} (of ${FIXED_P.join(', ')})`, acc(best.config)],
        ];
      }),
      ...rDrop.map((c) => [c.name, `p ${fixedP}`, acc(c)]),
      [sparse.dense.name, 'nothing pruned', acc(sparse.dense)],
      [sparse.sparse.name, `pruned ${prunedText(sparse)}`, acc(sparse.sparse)],
    ],
  };
}

/** The final share of weights pruned per layer, in percent. */
const prunedText = (r: SparseResult) =>
  `${r.sparsity[r.sparsity.length - 1]!.layers.map((l) => (100 * l.fraction).toFixed(1)).join(' / ')} %`;

/** Learned p per layer against the size, and test accuracy of every configuration against the size. */
function concreteCharts(sizes: SizeResult[]): ChartSpec[] {
  const labels = sizes.map((r) => r.n);
  const layers = sizes[0]!.pHistory[0]!.length;
  const last = (r: SizeResult) => r.pHistory[r.pHistory.length - 1]!;
  const acc = (c: ConfigResult) => c.runs[0]!.final.testAccuracy;
  const ends = [sizes[0]!, sizes[sizes.length - 1]!];
  return [
    {
      title: 'Learned drop probability p per layer against the training-set size',
      type: 'line',
      labels,
      datasets: Array.from({ length: layers }, (_, l) => ({
        config: layerName(l),
        split: 'none' as const,
        data: sizes.map((r) => last(r)[l]!),
      })),
      xLabel: 'training examples',
      yLabel: 'learned p',
      yUnit: 'number',
    },
    {
      title: 'Test accuracy: Concrete dropout against fixed p',
      type: 'line',
      labels,
      datasets: [
        { config: 'Concrete', split: 'test', data: sizes.map((r) => acc(r.concrete)) },
        ...FIXED_P.map((p, i) => ({
          config: `p = ${p}`,
          split: 'test' as const,
          data: sizes.map((r) => acc(r.fixed[i]!)),
        })),
      ],
      xLabel: 'training examples',
      yLabel: 'test accuracy',
      yUnit: 'percent',
    },
    {
      title: `Learned p during training, at n = ${ends[0]!.n} (solid) and n = ${ends[1]!.n} (dashed)`,
      type: 'line',
      labels: ends[0]!.pHistory.map((_, k) => `${(100 * (k + 1)) / ends[0]!.pHistory.length} %`),
      datasets: ends.flatMap((r, e) =>
        Array.from({ length: layers }, (_, l) => ({
          config: layerName(l),
          split: e === 0 ? ('train' as const) : ('test' as const),
          label: `${layerName(l)}, n = ${r.n}`,
          data: r.pHistory.map((p) => p[l]!),
        })),
      ),
      xLabel: 'share of training',
      yLabel: 'learned p',
      yUnit: 'number',
    },
  ];
}

/**
 * Dropout with learned rates on real data: Concrete dropout's learned p against the training-set
 * size (Gal, Hron & Kendall 2017) and against a grid of fixed p, and R-Drop (Liang et al. 2021)
 * against plain dropout on `compare`'s network and recipe, with the seed spread, and sparse
 * variational dropout (Molchanov et al. 2017) on LeNet-300-100 against the same network without it.
 */
export const learned: DemoCommand = {
  name: 'learned',
  description:
    'learned-rate dropout: Concrete dropout across data sizes, R-Drop against dropout, sparse variational dropout on LeNet-300-100',
  datasets: ['mnist', 'fashion-mnist'],
  // The R-Drop part runs on compare's setup (its defaults, the same recipe); the Concrete part
  // has its own (learned-concrete.ts). Quick runs keep two seeds so the spread path runs.
  defaults: (_dataset, quick) =>
    quick
      ? { seeds: 2 }
      : { trainSize: 1000, epochs: 100, evalEvery: 10, seeds: 3, ...SGD_RECIPE, maxNorm: 3 },
  async run(task, o) {
    const setup = concreteSetup(o.quick);
    const sizes = await runConcrete(task, o, setup);
    const r = await runRDrop(task, o);
    const rDropConfigs = [r.plain, r.rDrop, r.halfLr];
    const sparse = await runSparse(task, o);
    const [loss, accuracy] = curveCharts(rDropConfigs);
    return {
      command: 'learned',
      title: `Learned-rate dropout: Concrete, R-Drop, sparse variational (${task.name})`,
      findings: [...concreteFindings(sizes), ...rDropFindings(r, task), ...sparseFindings(sparse)],
      quick: o.quick,
      settings: reportSettings(task, o, {
        inputP: o.inputP,
        hiddenP: o.hiddenP,
        rDropAlpha: R_DROP_ALPHA,
        concrete: { ...setup, fixedP: FIXED_P, epochs: sizes.map((r) => r.epochs), seed: o.seed },
        sparse: { ...sparse.setup, seed: o.seed },
      }),
      table: learnedTable(sizes, rDropConfigs, sparse, o),
      charts: [
        ...concreteCharts(sizes),
        { ...loss!, title: `R-Drop against dropout: ${loss!.title}` },
        { ...accuracy!, title: `R-Drop against dropout: ${accuracy!.title}` },
        sparsityChart(sparse),
      ],
      images: [keptPanel(sparse)],
      metrics: {
        concrete: sizes.map((r) => ({
          n: r.n,
          epochs: r.epochs,
          learnedP: r.pHistory[r.pHistory.length - 1],
          pHistory: r.pHistory,
          concreteTestAccuracy: r.concrete.runs[0]!.final.testAccuracy,
          fixed: r.fixed.map((c, i) => ({
            p: FIXED_P[i],
            testAccuracy: c.runs[0]!.final.testAccuracy,
          })),
          bestFixedP: bestFixed(r).p,
        })),
        rDrop: rDropMetrics(r),
        sparse: {
          sparsity: sparse.sparsity,
          keptPerInput: sparse.keptPerInput,
          configurations: metricsOf([sparse.dense, sparse.sparse]),
        },
        concreteConfigurations: metricsOf(sizes.flatMap((r) => [r.concrete, ...r.fixed])),
      },
    };
  },
};
