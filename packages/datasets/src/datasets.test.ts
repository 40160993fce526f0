import { Generator, tensor } from '@lacuna/tensor';
import { describe, expect, it } from 'vitest';
import { DataLoader } from './data-loader.js';
import { IdxFormatError, idxImagesToTensor, idxLabelsToTensor, parseIdx } from './idx.js';
import { twoMoons } from './synthetic.js';

describe('twoMoons', () => {
  it('is reproducible from the seed, balanced, and shaped [n, 2]', () => {
    const a = twoMoons(101, { generator: new Generator(0), noise: 0.2 });
    const b = twoMoons(101, { generator: new Generator(0), noise: 0.2 });
    expect(a.x.shape).toEqual([101, 2]);
    expect(a.y.dtype).toBe('int32');
    expect(b.x.data()).toEqual(a.x.data());
    const ones = Array.from(a.y.storage).reduce((s, v) => s + v, 0);
    expect(ones).toBe(50);
    expect(twoMoons(101, { generator: new Generator(1) }).x.data()).not.toEqual(a.x.data());
  });

  it('puts the classes on their half circles when noise is 0', () => {
    const { x, y } = twoMoons(50, { generator: new Generator(2), noise: 0 });
    for (let i = 0; i < 50; i++) {
      const [px, py] = [x.storage[2 * i]!, x.storage[2 * i + 1]!];
      const [cx, cy] = y.storage[i] === 0 ? [0, 0] : [1, 0.5];
      expect(Math.hypot(px - cx, py - cy)).toBeCloseTo(1, 5);
    }
    expect(() => twoMoons(-1, { generator: new Generator(0) })).toThrow(/twoMoons: argument 'n'/);
  });
});

describe('DataLoader', () => {
  const x = tensor(Array.from({ length: 10 }, (_, i) => [i, -i]));
  const y = tensor(
    Array.from({ length: 10 }, (_, i) => i),
    { dtype: 'int32' },
  );

  it('batches in order without shuffle, with a short last batch unless dropLast', () => {
    const loader = new DataLoader({ x, y }, { batchSize: 4 });
    const batches = [...loader.batches()];
    expect(batches.map((b) => b.y.toArray())).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9],
    ]);
    expect(batches[0]!.x.shape).toEqual([4, 2]);
    const dropping = new DataLoader({ x, y }, { batchSize: 4, dropLast: true });
    expect([...dropping.batches()].map((b) => b.y.size)).toEqual([4, 4]);
    expect(dropping.numBatches).toBe(2);
  });

  it('shuffles differently each epoch, reproducibly from the seed, keeping rows paired', () => {
    const epochs = (seed: number) => {
      const loader = new DataLoader(
        { x, y },
        { batchSize: 3, shuffle: true, generator: new Generator(seed) },
      );
      return [0, 1, 2].map(() => [...loader.batches()].flatMap((b) => b.y.toArray() as number[]));
    };
    const run = epochs(5);
    expect(epochs(5)).toEqual(run);
    expect(run[1]).not.toEqual(run[0]);
    for (const order of run)
      expect([...order].sort((a, b) => a - b)).toEqual([...Array(10).keys()]);
    const loader = new DataLoader(
      { x, y },
      { batchSize: 10, shuffle: true, generator: new Generator(1) },
    );
    const [batch] = [...loader.batches()];
    const xs = batch!.x.toArray() as number[][];
    (batch!.y.toArray() as number[]).forEach((label, i) => {
      expect(xs[i]).toEqual([label, -label]);
    });
  });

  it('rejects mismatched data and bad options', () => {
    expect(() => new DataLoader({ x, y: tensor([1]) }, { batchSize: 2 })).toThrow(
      /share their first dimension/,
    );
    expect(() => new DataLoader({ x, y }, { batchSize: 0 })).toThrow(/batchSize/);
    expect(() => new DataLoader({ x, y }, { batchSize: 2, shuffle: true })).toThrow(
      /generator' is required/,
    );
  });
});

describe('parseIdx', () => {
  const header = (code: number, dims: number[]) => {
    const b = new Uint8Array(4 + 4 * dims.length);
    const v = new DataView(b.buffer);
    b[2] = code;
    b[3] = dims.length;
    dims.forEach((d, i) => {
      v.setUint32(4 + 4 * i, d);
    });
    return b;
  };
  const concat = (...parts: Uint8Array[]) => {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  };

  it('reads unsigned bytes and big-endian ints and floats', () => {
    const images = parseIdx(
      concat(header(0x08, [2, 2, 2]), new Uint8Array([0, 51, 102, 255, 1, 2, 3, 4])),
    );
    expect(images.shape).toEqual([2, 2, 2]);
    expect(idxImagesToTensor(images).toArray()).toEqual(
      [
        [
          [0, 0.2],
          [0.4, 1],
        ],
        [
          [1 / 255, 2 / 255],
          [3 / 255, 4 / 255],
        ],
      ].map((a) => a.map((r) => r.map((v) => Math.fround(v)))),
    );
    const ints = new Uint8Array(8);
    new DataView(ints.buffer).setInt32(0, -5);
    new DataView(ints.buffer).setInt32(4, 70000);
    expect(Array.from(parseIdx(concat(header(0x0c, [2]), ints)).data)).toEqual([-5, 70000]);
    const f = new Uint8Array(4);
    new DataView(f.buffer).setFloat32(0, 1.5);
    expect(Array.from(parseIdx(concat(header(0x0d, [1]), f)).data)).toEqual([1.5]);
    expect(
      idxLabelsToTensor(parseIdx(concat(header(0x08, [3]), new Uint8Array([7, 0, 9])))).toArray(),
    ).toEqual([7, 0, 9]);
  });

  it('rejects corrupt, truncated, gzip and over-long files', () => {
    expect(() => parseIdx(new Uint8Array([1, 0, 8, 1]))).toThrow(IdxFormatError);
    expect(() => parseIdx(new Uint8Array([0x1f, 0x8b, 8, 0]))).toThrow(/gzip-compressed/);
    expect(() => parseIdx(new Uint8Array([0, 0, 0x42, 1]))).toThrow(/unknown IDX type code 0x42/);
    expect(() => parseIdx(concat(header(0x08, [2, 2]), new Uint8Array(3)), 'x.idx')).toThrow(
      "parseIdx: argument 'x.idx' is truncated: shape [2,2] needs 16 bytes, got 15",
    );
    expect(() => parseIdx(concat(header(0x08, [1]), new Uint8Array(2)))).toThrow(/trailing bytes/);
    expect(() => parseIdx(header(0x08, [1, 1]).subarray(0, 7))).toThrow(/inside its header/);
  });
});
