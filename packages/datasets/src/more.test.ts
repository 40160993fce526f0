import { Generator, tensor } from '@lacuna/tensor';
import { describe, expect, it } from 'vitest';
import { CIFAR10_CLASSES, parseCifar10Batch } from './cifar.js';
import { DataLoader } from './data-loader.js';
import { DatasetFormatError } from './idx.js';
import { balancedSubset, trainValidationSplit } from './subsets.js';
import { circles, regression1d, spirals, twoMoons } from './synthetic.js';
import { compose, flattenInputs, normalize, oneHotLabels } from './transforms.js';

describe('synthetic sets', () => {
  it('circles lie on their radii; spirals cycle classes; regression follows its curve; all reproducible', () => {
    const c = circles(100, { generator: new Generator(0), noise: 0, factor: 0.3 });
    for (let i = 0; i < 100; i++) {
      const r = Math.hypot(c.x.storage[2 * i]!, c.x.storage[2 * i + 1]!);
      expect(r).toBeCloseTo(c.y.storage[i] === 0 ? 1 : 0.3, 5);
    }
    const s = spirals(90, { generator: new Generator(1), classes: 3 });
    expect(Array.from(s.y.storage.subarray(0, 6))).toEqual([0, 1, 2, 0, 1, 2]);
    expect(spirals(90, { generator: new Generator(1), classes: 3 }).x.data()).toEqual(s.x.data());
    const r = regression1d(50, { generator: new Generator(2), noise: 0 });
    for (let i = 0; i < 50; i++) {
      const v = r.x.storage[i]!;
      expect(r.y.storage[i]).toBeCloseTo(Math.sin(2 * Math.PI * v) * v, 5);
    }
    expect(() => circles(10, { generator: new Generator(0), factor: 1 })).toThrow(/factor/);
    expect(() => spirals(10, { generator: new Generator(0), classes: 1 })).toThrow(/classes/);
  });
});

describe('splits, subsets and transforms', () => {
  const data = twoMoons(200, { generator: new Generator(3) });

  it('trainValidationSplit partitions the rows after a seeded shuffle', () => {
    const { train, validation } = trainValidationSplit(data, {
      validationFraction: 0.25,
      generator: new Generator(4),
    });
    expect(train.x.shape).toEqual([150, 2]);
    expect(validation.y.shape).toEqual([50]);
    const key = (x: Float32Array | Int32Array | Uint8Array, i: number) =>
      `${x[2 * i]},${x[2 * i + 1]}`;
    const all = new Set(Array.from({ length: 200 }, (_, i) => key(data.x.storage, i)));
    const seen = new Set([
      ...Array.from({ length: 150 }, (_, i) => key(train.x.storage, i)),
      ...Array.from({ length: 50 }, (_, i) => key(validation.x.storage, i)),
    ]);
    expect(seen).toEqual(all);
    expect(() =>
      trainValidationSplit(data, { validationFraction: 1, generator: new Generator(0) }),
    ).toThrow(RangeError);
  });

  it('balancedSubset takes the same count of every class, reproducibly', () => {
    const s = spirals(300, { generator: new Generator(5), classes: 3 });
    const sub = balancedSubset(s, { size: 31, generator: new Generator(6) });
    const counts = [0, 0, 0];
    for (const c of sub.y.storage) counts[c]!++;
    expect(counts).toEqual([11, 10, 10]);
    expect(balancedSubset(s, { size: 31, generator: new Generator(6) }).x.data()).toEqual(
      sub.x.data(),
    );
    expect(balancedSubset(s, { perClass: 5, generator: new Generator(6) }).y.size).toBe(15);
    expect(() => balancedSubset(s, { perClass: 101, generator: new Generator(6) })).toThrow(
      /has only 100/,
    );
  });

  it('a DataLoader applies composed transforms to every batch', () => {
    const images = {
      x: tensor(new Float32Array(4 * 2 * 2).fill(0.5), { shape: [4, 2, 2] }),
      y: tensor([0, 1, 2, 1], { dtype: 'int32' }),
    };
    const loader = new DataLoader(images, {
      batchSize: 2,
      transform: compose(flattenInputs(), normalize(0.25, 0.5), oneHotLabels(3)),
    });
    const [first] = [...loader.batches()];
    expect(first!.x.shape).toEqual([2, 4]);
    expect(Array.from(first!.x.storage)).toEqual([0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]);
    expect(first!.y.toArray()).toEqual([
      [1, 0, 0],
      [0, 1, 0],
    ]);
    expect(() => normalize(0, 0)).toThrow(/std/);
  });
});

describe('CIFAR-10 binary batches', () => {
  it('parses records into [N, 3, 32, 32] in [0, 1] and int32 labels', () => {
    const bytes = new Uint8Array(2 * 3073);
    bytes[0] = 3;
    bytes[1] = 255; // red channel, first pixel
    bytes[3073] = 9;
    bytes[3073 + 1 + 1024] = 51; // green channel, first pixel
    const { x, y } = parseCifar10Batch(bytes);
    expect(x.shape).toEqual([2, 3, 32, 32]);
    expect(y.toArray()).toEqual([3, 9]);
    expect(x.storage[0]).toBe(1);
    expect(x.storage[3072 + 1024]).toBeCloseTo(0.2, 6);
    expect(CIFAR10_CLASSES[3]).toBe('cat');
  });

  it('rejects partial records and impossible labels', () => {
    expect(() => parseCifar10Batch(new Uint8Array(3072), 'b.bin')).toThrow(DatasetFormatError);
    expect(() => parseCifar10Batch(new Uint8Array(3072), 'b.bin')).toThrow(
      /whole 3073-byte records, got 3072/,
    );
    const bad = new Uint8Array(3073);
    bad[0] = 10;
    expect(() => parseCifar10Batch(bad)).toThrow(/label 10 in record 0/);
  });
});
