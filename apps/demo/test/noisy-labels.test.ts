import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArgumentRangeError, DTypeError, Generator, ShapeError, Tensor } from '@lacuna/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTask } from '../src/data.js';
import { corruptLabels, noisySplit } from '../src/noise.js';
import { trainRun } from '../src/train.js';

/** n labels cycling through the classes: every class appears n/classes times. */
const cycling = (n: number, classes = 10) =>
  new Tensor(
    Int32Array.from({ length: n }, (_, i) => i % classes),
    [n],
    'int32',
  );

const changedRows = (before: Tensor, after: Tensor) =>
  [...(before.storage as Int32Array)].flatMap((y, i) =>
    (after.storage as Int32Array)[i] !== y ? [i] : [],
  );

describe('corruptLabels', () => {
  it('changes exactly round(fraction · n) rows, each to a different class, and nothing else', () => {
    const labels = cycling(1000);
    for (const [fraction, count] of [
      [0, 0],
      [0.2, 200],
      [0.4, 400],
      [0.3337, 334],
      [1, 1000],
    ] as const) {
      const noise = corruptLabels(labels, fraction, 10, new Generator(3));
      expect(noise.corrupted).toHaveLength(count);
      // Every listed row changed (never its original label) and no other row did.
      expect(changedRows(labels, noise.labels)).toEqual([...noise.corrupted]);
      expect(noise.labels.shape).toEqual([1000]);
      expect(noise.labels.dtype).toBe('int32');
      const values = [...(noise.labels.storage as Int32Array)];
      expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...values)).toBeLessThanOrEqual(9);
    }
    // The input is left as it was.
    expect([...(labels.storage as Int32Array)].slice(0, 12)).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1,
    ]);
  });

  it('is reproducible from the generator: same seed, same corruption; another seed, another', () => {
    const labels = cycling(500);
    const a = corruptLabels(labels, 0.4, 10, new Generator('labels:0:0.4'));
    const b = corruptLabels(labels, 0.4, 10, new Generator('labels:0:0.4'));
    const c = corruptLabels(labels, 0.4, 10, new Generator('labels:1:0.4'));
    expect([...a.corrupted]).toEqual([...b.corrupted]);
    expect([...(a.labels.storage as Int32Array)]).toEqual([...(b.labels.storage as Int32Array)]);
    expect([...a.corrupted]).not.toEqual([...c.corrupted]);
  });

  it('draws replacements uniformly over the other classes and rows uniformly (seed 0)', () => {
    // 10,000 balanced labels, 50 % corrupted: 5,000 replacements. Per (true class → new class)
    // pair the expected count is 5000 / 90 ≈ 55.6 (binomial sd ≈ 7.4); per true class the
    // expected share corrupted is 50 % of 1000 (hypergeometric sd ≈ 15). Tolerances: ±30 per
    // pair (4 sd) and ±60 per class (4 sd), fixed seed, so the test is deterministic.
    const labels = cycling(10_000);
    const noise = corruptLabels(labels, 0.5, 10, new Generator(0));
    const pairs = Array.from({ length: 10 }, () => new Array<number>(10).fill(0));
    const perClass = new Array<number>(10).fill(0);
    for (const i of noise.corrupted) {
      const from = (labels.storage as Int32Array)[i]!;
      const to = (noise.labels.storage as Int32Array)[i]!;
      pairs[from]![to]!++;
      perClass[from]!++;
    }
    for (let from = 0; from < 10; from++) {
      expect(pairs[from]![from]).toBe(0);
      expect(Math.abs(perClass[from]! - 500)).toBeLessThanOrEqual(60);
      for (let to = 0; to < 10; to++)
        if (to !== from) expect(Math.abs(pairs[from]![to]! - 5000 / 90)).toBeLessThanOrEqual(30);
    }
    // Every new class receives about a tenth of the replacements: 500 ± 60.
    for (let to = 0; to < 10; to++) {
      const received = pairs.reduce((a, row) => a + row[to]!, 0);
      expect(Math.abs(received - 500)).toBeLessThanOrEqual(60);
    }
  });

  it('rejects bad input with typed errors that name the argument', () => {
    const g = new Generator(0);
    const labels = cycling(10);
    expect(() => corruptLabels(labels, 1.5, 10, g)).toThrow(ArgumentRangeError);
    expect(() => corruptLabels(labels, 1.5, 10, g)).toThrow(
      /corruptLabels: argument 'fraction' must be in \[0, 1\], got 1.5/,
    );
    expect(() => corruptLabels(labels, Number.NaN, 10, g)).toThrow(/'fraction'.*got NaN/);
    expect(() => corruptLabels(labels, 0.2, 1, g)).toThrow(
      /corruptLabels: argument 'classes' must be an integer ≥ 2, got 1/,
    );
    expect(() => corruptLabels(labels, 0.2, 5, g)).toThrow(
      /corruptLabels: argument 'labels\[5\]' must be in \[0, 5\), got 5/,
    );
    const floats = new Tensor(new Float32Array(4), [4], 'float32');
    expect(() => corruptLabels(floats, 0.2, 10, g)).toThrow(DTypeError);
    expect(() => corruptLabels(floats, 0.2, 10, g)).toThrow(/must be int32, got float32/);
    const matrix = new Tensor(new Int32Array(4), [2, 2], 'int32');
    expect(() => corruptLabels(matrix, 0.2, 10, g)).toThrow(ShapeError);
    expect(() => corruptLabels(labels, 0.2, 10, {} as Generator)).toThrow(
      /corruptLabels: argument 'generator' must be a Generator/,
    );
  });
});

describe('noisySplit', () => {
  it('gives the corrupted rows with noisy and true labels, and the clean rows', () => {
    const n = 20;
    const x = new Tensor(
      Float32Array.from({ length: 2 * n }, (_, i) => i),
      [n, 2],
      'float32',
    );
    const data = { x, y: cycling(n) };
    const noise = corruptLabels(data.y, 0.25, 10, new Generator(1));
    const split = noisySplit(data, noise);
    const rows = [...noise.corrupted];
    expect(rows).toHaveLength(5);
    expect(split.train.y).toBe(noise.labels);
    expect(split.noisy.x.shape).toEqual([5, 2]);
    expect([...(split.noisy.x.storage as Float32Array)]).toEqual(
      rows.flatMap((r) => [2 * r, 2 * r + 1]),
    );
    expect([...(split.noisy.y.storage as Int32Array)]).toEqual(
      rows.map((r) => (noise.labels.storage as Int32Array)[r]),
    );
    expect([...(split.noisyTrue.y.storage as Int32Array)]).toEqual(rows.map((r) => r % 10));
    expect(split.clean.y.shape).toEqual([15]);
    expect([...(split.clean.x.storage as Float32Array)].filter((_, i) => i % 2 === 0)).toEqual(
      Array.from({ length: n }, (_, i) => i)
        .filter((i) => !rows.includes(i))
        .map((i) => 2 * i),
    );
  });
});

describe('trainRun extraEval', () => {
  it('evaluates the extra datasets at every evaluated epoch, with the same numbers as train/test', async () => {
    const task = await loadTask('moons', 64, 0, 200);
    const run = await trainRun(
      'extra',
      { inputs: 2, hidden: [8], outputs: 2, variant: 'none', inputP: 0, hiddenP: 0 },
      task,
      {
        epochs: 4,
        seed: 0,
        batchSize: 16,
        lr: 0.05,
        momentum: 0.9,
        optimizer: 'sgd',
        schedule: 'constant',
        evalEvery: 2,
        quiet: true,
        extraEval: { again: task.train, held: task.test },
      },
    );
    expect(run.history.map((h) => h.epoch)).toEqual([2, 4]);
    for (const h of run.history) {
      expect(Object.keys(h.extra!)).toEqual(['again', 'held']);
      expect(h.extra!.again).toEqual(h.train);
      expect(h.extra!.held).toEqual(h.test);
    }
  });
});

describe('noisy-labels --quick', () => {
  let out = '';
  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'lacuna-noisy-'));
  });
  afterAll(() => rm(out, { recursive: true, force: true }));

  it('trains six networks and records clean, memorised and true-label accuracy per epoch', () => {
    const cli = join(import.meta.dirname, '..', 'dist', 'main.js');
    const r = spawnSync(process.execPath, [cli, 'noisy-labels', '--quick', '--out', out], {
      encoding: 'utf8',
      env: { ...process.env, FORCE_COLOR: '0' },
    });
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(out, 'noisy-labels', 'metrics.json'), 'utf8'));
    const { noise, configurations } = report.metrics;
    // The quick run trains on 300 examples: 0, 60 and 120 of them get a wrong label.
    expect(noise.corrupted).toEqual([0, 60, 120]);
    expect(configurations.map((c: { name: string }) => c.name)).toEqual([
      'no dropout, 0 %',
      'dropout, 0 %',
      'no dropout, 20 %',
      'dropout, 20 %',
      'no dropout, 40 %',
      'dropout, 40 %',
    ]);
    type Point = {
      epoch: number;
      test: { accuracy: number };
      extra: Record<string, { accuracy: number }>;
    };
    for (const [i, c] of configurations.entries()) {
      const history: Point[] = c.runs[0].history;
      expect(history.map((h) => h.epoch)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      for (const h of history) {
        expect(Object.keys(h.extra).sort()).toEqual(
          i < 2 ? ['clean'] : ['clean', 'noisyLabel', 'trueLabel'],
        );
        for (const m of Object.values(h.extra)) {
          expect(m.accuracy).toBeGreaterThanOrEqual(0);
          expect(m.accuracy).toBeLessThanOrEqual(1);
        }
        // A corrupted row is predicted as its noisy label or its true label, never both.
        if (i >= 2)
          expect(h.extra.noisyLabel!.accuracy + h.extra.trueLabel!.accuracy).toBeLessThanOrEqual(1);
      }
    }
    // At 40 % noise the network without dropout memorises more wrong labels than with dropout.
    const finalNoisy = (c: { runs: { history: Point[] }[] }) =>
      c.runs[0]!.history.at(-1)!.extra.noisyLabel!.accuracy;
    expect(finalNoisy(configurations[4])).toBeGreaterThan(finalNoisy(configurations[5]));
    expect(report.table.rows).toHaveLength(6);
    expect(report.findings.join(' ')).toMatch(/wrong labels memorised at 40 % noise/);
  });
});
