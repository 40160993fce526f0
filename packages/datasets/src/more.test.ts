import { Generator, tensor } from '@lacuna/tensor';
import { describe, expect, it } from 'vitest';
import { CIFAR10_CLASSES, parseCifar10Batch } from './cifar.js';
import { DataLoader } from './data-loader.js';
import { DatasetFormatError, idxImagesToTensor, idxLabelsToTensor } from './idx.js';
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

describe('strict options (issue 14)', () => {
  const g = () => new Generator(0);
  const data = twoMoons(20, { generator: new Generator(1) });

  it('DataLoader rejects unknown keys and non-boolean flags', () => {
    expect(() => new DataLoader(data, { batchSize: 4, drop_last: true } as never)).toThrow(
      /DataLoader: argument 'options\.drop_last' is not a known option\. did you mean 'dropLast'\?/,
    );
    expect(() => new DataLoader(data, { batchSize: 4, shuffle: 'false' } as never)).toThrow(
      /DataLoader: argument 'shuffle' must be true or false, got "false"/,
    );
    expect(() => new DataLoader(data, { batchSize: 4, dropLast: 1 } as never)).toThrow(
      /argument 'dropLast' must be true or false/,
    );
    expect(() => new DataLoader(data, { batchSize: 4, transform: 'x' } as never)).toThrow(
      /argument 'transform' must be a function/,
    );
    expect(() => new DataLoader(data, { batchSize: 4, generator: {} } as never)).toThrow(
      /argument 'generator' must be a Generator/,
    );
  });

  it('synthetic sets reject unknown keys, a missing generator and non-number values', () => {
    expect(() => twoMoons(10, { generator: g(), noize: 0.2 } as never)).toThrow(
      /twoMoons: argument 'options\.noize' is not a known option\. did you mean 'noise'\?/,
    );
    expect(() => circles(10, { generator: g(), factr: 0.2 } as never)).toThrow(
      /did you mean 'factor'/,
    );
    expect(() => spirals(10, { generator: g(), clases: 2 } as never)).toThrow(
      /did you mean 'classes'/,
    );
    expect(() => regression1d(10, { generator: g(), factor: 0.5 } as never)).toThrow(
      /regression1d: argument 'options\.factor' is not a known option/,
    );
    expect(() => twoMoons(10, {} as never)).toThrow(
      /twoMoons: argument 'generator' must be a Generator/,
    );
    expect(() => circles(10, { generator: g(), factor: '0.5' } as never)).toThrow(/factor/);
    expect(() => twoMoons(10, { generator: g(), noise: '0.1' } as never)).toThrow(RangeError);
  });

  it('splits and subsets reject unknown keys and contradictory sizes', () => {
    expect(() =>
      trainValidationSplit(data, { validation_fraction: 0.2, generator: g() } as never),
    ).toThrow(/did you mean 'validationFraction'/);
    expect(() =>
      trainValidationSplit(data, { validationFraction: 0.2, validationSize: 3, generator: g() }),
    ).toThrow(/takes validationFraction or validationSize, not both/);
    expect(() => trainValidationSplit(data, { validationFraction: 0.2 } as never)).toThrow(
      /argument 'generator' must be a Generator/,
    );
    expect(() => balancedSubset(data, { per_class: 2, generator: g() } as never)).toThrow(
      /did you mean 'perClass'/,
    );
    expect(() => balancedSubset(data, { size: 4, perClass: 2, generator: g() })).toThrow(
      /takes size or perClass, not both/,
    );
    expect(() => oneHotLabels(0)).toThrow(
      /oneHotLabels: argument 'numClasses' must be a positive integer/,
    );
  });
});

describe('IDX to tensors checks element types and label ranges', () => {
  const f32 = { shape: [2], data: new Float32Array([0.5, Number.NaN]) };
  it('idxImagesToTensor takes unsigned-byte pixels only', () => {
    expect(() => idxImagesToTensor(f32, 'imgs')).toThrow(DatasetFormatError);
    expect(() => idxImagesToTensor(f32, 'imgs')).toThrow(
      /idxImagesToTensor: argument 'imgs' must hold unsigned-byte pixels \(IDX type 0x08\), got Float32Array/,
    );
  });
  it('idxLabelsToTensor takes integer labels ≥ 0, below numClasses when given', () => {
    expect(() => idxLabelsToTensor(f32)).toThrow(/must hold integer labels/);
    const bytes = { shape: [3], data: new Uint8Array([1, 200, 3]) };
    expect(Array.from(idxLabelsToTensor(bytes).storage)).toEqual([1, 200, 3]);
    expect(() => idxLabelsToTensor(bytes, 10, 'labels')).toThrow(
      /argument 'labels' has label 200 at index 1; labels must lie in 0\.\.9/,
    );
    expect(() => idxLabelsToTensor({ shape: [1], data: new Int8Array([-1]) })).toThrow(
      /has label -1 at index 0; labels must be ≥ 0/,
    );
  });
});
