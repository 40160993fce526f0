import type { CommonOptions } from './common.js';
import type { DatasetName, Task } from './data.js';
import type { Report } from './report/types.js';

/** The defaults a command may set; the user's options override them. */
export interface Defaults {
  trainSize: number;
  /** Test examples (default: the whole test set). */
  testSize?: number;
  epochs: number;
  evalEvery: number;
  seeds: number;
  hidden: number[];
  batchSize: number;
  optimizer: 'sgd' | 'adam';
  /** The learning rate for each optimizer (the user may pick either). */
  lr: { sgd: number; adam: number };
  momentum: number;
  schedule: 'constant' | 'cosine';
  inputP: number;
  hiddenP: number;
  maxNorm?: number;
}

/** A demo subcommand: its name and help line, its defaults, and the experiment itself. */
export interface DemoCommand {
  name: string;
  description: string;
  /** The datasets it works on (default: all); `all` skips it on others. */
  datasets?: readonly DatasetName[];
  /** Defaults for this command, on top of the demo's base defaults. */
  defaults?(dataset: DatasetName, quick: boolean): Partial<Defaults>;
  /** Loads the command's own data instead of `--dataset`'s (conv: images, not flat rows). */
  loadTask?(o: CommonOptions): Promise<Task>;
  /** Trains what the experiment needs and returns its report. */
  run(task: Task, o: CommonOptions): Promise<Report>;
}

/** The demo's base defaults, before a command's own. */
export function baseDefaults(dataset: DatasetName, quick: boolean): Defaults {
  const moons = dataset === 'moons';
  return {
    trainSize: moons ? 64 : quick ? 300 : 2000,
    testSize: quick ? 1000 : undefined,
    epochs: quick ? 10 : moons ? 150 : 12,
    evalEvery: 1,
    seeds: 1,
    hidden: quick ? [64, 64] : moons ? [256, 256] : [1024, 1024],
    batchSize: moons ? 16 : 32,
    optimizer: 'adam',
    // Quick runs train a small net for a few epochs: a larger Adam step gets it somewhere.
    lr: { sgd: 0.05, adam: quick ? 0.005 : 0.001 },
    momentum: 0.9,
    schedule: 'constant',
    inputP: moons ? 0 : 0.2,
    hiddenP: 0.5,
  };
}

/**
 * The SGD recipe several commands share (after Srivastava et al. 2014, sized for a few minutes on
 * 2 cores): a 784-512-512-10 network, SGD with momentum 0.9 at learning rate 0.1 annealed to 0 by
 * a cosine schedule, batches of 50.
 */
export const SGD_RECIPE = {
  hidden: [512, 512],
  batchSize: 50,
  optimizer: 'sgd',
  lr: { sgd: 0.1, adam: 0.001 },
  momentum: 0.9,
  schedule: 'cosine',
} as const satisfies Partial<Defaults>;
