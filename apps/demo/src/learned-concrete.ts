import { ConcreteDropout, Linear, type Module, ReLU, Sequential } from '@lacuna/layers';
import type { Generator } from '@lacuna/tensor';
import { compareSamples, formatPoints } from './claims.js';
import type { CommonOptions } from './common.js';
import { loadTask, type Task } from './data.js';
import {
  type ConfigResult,
  type Observer,
  type TrainSettings,
  trainConfiguration,
} from './train.js';

/** The fixed drop probabilities Concrete dropout is measured against (Dropout before each Linear). */
export const FIXED_P = [0.1, 0.3, 0.5] as const;
/** ConcreteDropout's initial p (its default). */
const INIT_P = 0.1;
/** Evaluations per run: the learned p is read at each, to show whether it settled. */
const POINTS = 5;

/** The Concrete-dropout experiment's sizes and recipe (Adam, the same number of steps per size). */
export interface ConcreteSetup {
  sizes: number[];
  hidden: number[];
  batchSize: number;
  lr: number;
  /** Optimizer steps per run, the same at every size, so that p has as long to move. */
  steps: number;
}

/** Full run: 500 to 4000 digits; quick: a smoke test. */
export function concreteSetup(quick: boolean): ConcreteSetup {
  return quick
    ? { sizes: [100, 200, 400], hidden: [64, 64], batchSize: 50, lr: 0.005, steps: 40 }
    : { sizes: [500, 1000, 2000, 4000], hidden: [256, 256], batchSize: 50, lr: 0.001, steps: 2000 };
}

/** Epochs for `steps` steps on n examples: a multiple of POINTS, so evaluations fall at fifths. */
export function epochsFor(setup: ConcreteSetup, n: number): number {
  const perEpoch = Math.ceil(n / setup.batchSize);
  return POINTS * Math.max(1, Math.round(setup.steps / perEpoch / POINTS));
}

/** A 784-h-h-10 ReLU MLP with ConcreteDropout (datasetSize n) in front of every Linear. */
export function concreteMlp(task: Task, hidden: number[], n: number): (g: Generator) => Module {
  return (g) => {
    const layers: Module[] = [];
    let width = task.inputs;
    [...hidden, task.classes].forEach((h, i) => {
      const linear = new Linear(width, h, { generator: g });
      layers.push(
        new ConcreteDropout(linear, { datasetSize: n, initP: INIT_P, generator: g.fork() }),
      );
      if (i < hidden.length) layers.push(new ReLU());
      width = h;
    });
    return new Sequential(...layers);
  };
}

/** The learned p of every ConcreteDropout of a model, input layer first. */
export function learnedP(model: Module): number[] {
  return model.namedModules().flatMap(([, m]) => (m instanceof ConcreteDropout ? [m.p] : []));
}

/** One training-set size: the Concrete-dropout run, its p per evaluation, and the fixed-p runs. */
export interface SizeResult {
  n: number;
  epochs: number;
  concrete: ConfigResult;
  /** Learned p per layer at each evaluation (fifths of the run), then the final ones. */
  pHistory: number[][];
  fixed: ConfigResult[];
}

/** Passes evaluations on to the live observer, and reads something off the model after each one. */
export function recordingAt<T>(
  outer: Observer | undefined,
  model: () => Module | null,
  read: (m: Module) => T,
  into: T[],
): Observer {
  return {
    onRunStart: (run, seed) => outer?.onRunStart(run, seed),
    onPoint: (run, seed, point) => {
      const m = model();
      if (m) into.push(read(m));
      outer?.onPoint(run, seed, point);
    },
  };
}

/** Settings for Adam at a constant rate, seed `o.seed`, told to `o.observer`. */
export function adamSettings(
  o: CommonOptions,
  s: { epochs: number; batchSize: number; lr: number; evalEvery: number },
): TrainSettings {
  return {
    epochs: s.epochs,
    seed: o.seed,
    batchSize: s.batchSize,
    lr: s.lr,
    optimizer: 'adam',
    momentum: 0,
    schedule: 'constant',
    evalEvery: s.evalEvery,
    observer: o.observer,
  };
}

/** Trains Concrete dropout and each fixed p at every size (one seed: `o.seed`). */
export async function runConcrete(
  task: Task,
  o: CommonOptions,
  setup: ConcreteSetup,
): Promise<SizeResult[]> {
  const results: SizeResult[] = [];
  for (const n of setup.sizes) {
    const subset = await loadTask(task.name, n, o.seed, task.test.y.size);
    const epochs = epochsFor(setup, n);
    const pHistory: number[][] = [];
    let model: Module | null = null;
    const build = concreteMlp(subset, setup.hidden, n);
    const train = adamSettings(o, { epochs, ...setup, evalEvery: epochs / POINTS });
    const concrete = await trainConfiguration(
      `Concrete n=${n}`,
      (g) => {
        model = build(g);
        return model;
      },
      subset,
      {
        ...train,
        regularization: true,
        observer: recordingAt(o.observer, () => model, learnedP, pHistory),
      },
    );
    const fixed: ConfigResult[] = [];
    for (const p of FIXED_P)
      fixed.push(
        await trainConfiguration(
          `p = ${p}, n=${n}`,
          {
            inputs: subset.inputs,
            hidden: setup.hidden,
            outputs: subset.classes,
            variant: 'dropout',
            inputP: p,
            hiddenP: p,
          },
          subset,
          train,
        ),
      );
    results.push({ n, epochs, concrete, pHistory, fixed });
  }
  return results;
}

const accuracy = (c: ConfigResult) => c.runs[0]!.final.testAccuracy;
const LAYERS = ['inputs', 'hidden 1', 'hidden 2', 'hidden 3', 'hidden 4'];
/** The name of layer i's dropout: what it drops. */
export const layerName = (i: number) => LAYERS[i] ?? `layer ${i + 1}`;

/** The fixed-p configuration with the best test accuracy at one size (ties: the smaller p). */
export function bestFixed(r: SizeResult): { p: number; config: ConfigResult } {
  let best = 0;
  r.fixed.forEach((c, i) => {
    if (accuracy(c) > accuracy(r.fixed[best]!)) best = i;
  });
  return { p: FIXED_P[best]!, config: r.fixed[best]! };
}

/** Whether a series fell at every step, fell overall, or did not fall. */
export function trend(values: number[]): 'every step' | 'overall' | 'no' {
  const last = values[values.length - 1]!;
  if (!(last < values[0]!)) return 'no';
  return values.every((v, i) => i === 0 || v < values[i - 1]!) ? 'every step' : 'overall';
}

/**
 * The findings of the Concrete part, from the numbers: how each layer's learned p moved with the
 * data, whether p had settled, and the test accuracy against the best fixed p of the grid.
 */
export function concreteFindings(results: SizeResult[]): string[] {
  const sizes = results.map((r) => r.n);
  const layers = results[0]!.pHistory[0]!.length;
  const finalP = results.map((r) => r.pHistory[r.pHistory.length - 1]!);
  const range = `n = ${sizes[0]} … ${sizes[sizes.length - 1]}`;
  const perLayer = Array.from({ length: layers }, (_, l) => {
    const values = finalP.map((p) => p[l]!);
    const t = trend(values);
    const verdict =
      t === 'every step'
        ? 'fell at every size'
        : t === 'overall'
          ? 'fell overall, not at every size'
          : 'did not fall';
    return {
      text: `${layerName(l)} ${values.map((v) => v.toFixed(3)).join(' → ')} (${verdict})`,
      fell: t !== 'no',
    };
  });
  const fell = perLayer.filter((x) => x.fell).length;
  // How far p moved in the last fifth of training, against how far it moved from its start.
  const moved = results.flatMap((r) => {
    const h = r.pHistory;
    const before = h[h.length - 2] ?? h[0]!;
    const end = h[h.length - 1]!;
    return end.map((p, l) => ({
      n: r.n,
      l,
      d: Math.abs(p - before[l]!),
      total: Math.abs(p - INIT_P),
    }));
  });
  const most = moved.reduce((m, x) => (x.d > m.d ? x : m), moved[0]!);
  // A steady drift moves a fifth of the total in the last fifth; settling moves far less.
  const moving = moved.some((x) => x.d > 0.002 && x.d > 0.1 * x.total);
  const comparisons = results.map((r) => {
    const best = bestFixed(r);
    return compareSamples(
      { name: `test accuracy at n = ${r.n}`, unit: 'percent', better: 'higher' },
      {
        name: `the best fixed p (${best.p})`,
        values: best.config.runs.map((x) => x.final.testAccuracy),
      },
      { name: 'Concrete dropout', values: r.concrete.runs.map((x) => x.final.testAccuracy) },
    );
  });
  const ahead = results.filter((_, i) => comparisons[i]!.difference > 0).map((r) => `n = ${r.n}`);
  return [
    `Learned drop probability per layer against the training-set size (${range}, one seed): ${perLayer.map((x) => x.text).join('; ')}. It fell as the data grew in ${fell} of ${layers} layers${fell === layers ? ', as Gal et al. (2017) observe' : fell === 0 ? ', unlike Gal et al. (2017)' : ''}.`,
    `In the last fifth of training the learned p moved by at most ${most.d.toFixed(3)} (${layerName(most.l)}, n = ${most.n}; ${most.total.toFixed(3)} from its start at ${INIT_P})${moving ? ': p was still moving, so longer training may move it further' : ': p had settled in every layer and size'}.`,
    `Test accuracy of Concrete dropout against the best fixed p of {${FIXED_P.join(', ')}} at each size (picked on the test set, which favours the grid; one seed, so the spread is unmeasured): ${results.map((r, i) => `n = ${r.n}: ${formatPoints(comparisons[i]!.difference).replace('pts', 'points')} against p = ${bestFixed(r).p}`).join('; ')}. Concrete dropout is ahead at ${ahead.length ? ahead.join(', ') : 'no size'}.`,
  ];
}
