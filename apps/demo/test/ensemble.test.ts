import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENSEMBLE_KS, ensemble, ensembleVerdict } from '../src/commands/ensemble.js';
import { loadTask } from '../src/data.js';
import { prefixAverageErrors } from '../src/prefix-average.js';
import { resolveOptions } from '../src/run.js';
import { drawReport, hasChromium } from './chromium-report.js';

describe('prefixAverageErrors', () => {
  // Three inputs, two classes, labels 0, 1, 0. Rows: [p(class 0), p(class 1)] per input.
  const labels = [0, 1, 0];
  const passes = [
    [0.9, 0.1, 0.8, 0.2, 0.2, 0.8], // input 1 wrong: error 1/3
    [0.9, 0.1, 0.0, 1.0, 0.4, 0.6], // sums 1.8/0.2, 0.8/1.2, 0.6/1.4: input 2 right, 3 wrong
    [0.9, 0.1, 0.4, 0.6, 1.0, 0.0], // sums 2.7/0.3, 1.2/1.8, 1.6/1.4: all right
  ];

  it('gives the error of the running mean after each k', () => {
    expect(prefixAverageErrors(passes, labels, 2, [1, 2, 3])).toEqual([2 / 3, 1 / 3, 0]);
    expect(prefixAverageErrors(passes, labels, 2, [2])).toEqual([1 / 3]);
  });

  it('equals averaging each prefix from scratch (random passes)', () => {
    let seed = 7;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const n = 40;
    const c = 5;
    const ys = Array.from({ length: n }, () => Math.floor(rand() * c));
    const pool = Array.from({ length: 20 }, () => Array.from({ length: n * c }, rand));
    const ks = [1, 3, 7, 20];
    const direct = ks.map((k) => {
      let wrong = 0;
      for (let i = 0; i < n; i++) {
        const mean = Array.from({ length: c }, (_, j) =>
          pool.slice(0, k).reduce((a, p) => a + p[i * c + j]!, 0),
        );
        if (mean.indexOf(Math.max(...mean)) !== ys[i]) wrong++;
      }
      return wrong / n;
    });
    expect(prefixAverageErrors(pool, ys, c, ks)).toEqual(direct);
  });

  it('breaks ties towards the lowest class, like argmax', () => {
    expect(prefixAverageErrors([[0.5, 0.5]], [0], 2, [1])).toEqual([0]);
    expect(prefixAverageErrors([[0.5, 0.5]], [1], 2, [1])).toEqual([1]);
  });

  it('reads only max(ks) passes of a lazy pool', () => {
    let drawn = 0;
    function* endless() {
      for (;;) {
        drawn++;
        yield [1, 0];
      }
    }
    expect(prefixAverageErrors(endless(), [0], 2, [1, 2, 5])).toEqual([0, 0, 0]);
    expect(drawn).toBe(5);
  });

  it('rejects bad ks, too few passes and passes of the wrong size', () => {
    expect(() => prefixAverageErrors(passes, labels, 2, [2, 1])).toThrow(
      /ks must be strictly increasing positive integers, got \[2, 1\]/,
    );
    expect(() => prefixAverageErrors(passes, labels, 2, [])).toThrow(RangeError);
    expect(() => prefixAverageErrors(passes, labels, 2, [0, 1])).toThrow(/ks must be/);
    expect(() => prefixAverageErrors(passes, labels, 2, [1, 4])).toThrow(
      /needs 4 passes for ks = \[1, 4\], got 3/,
    );
    expect(() => prefixAverageErrors([[1, 0, 0]], labels, 2, [1])).toThrow(
      /pass 1 must hold 3×2 = 6 probabilities, got 3/,
    );
    expect(() => prefixAverageErrors(passes, labels, 0, [1])).toThrow(
      /classes must be a positive integer, got 0/,
    );
  });
});

describe('ensembleVerdict', () => {
  it('is worse when every repeat is worse, better when every one is better, else matches', () => {
    expect(ensembleVerdict([0.001, 0.002, 0.0005])).toBe('worse');
    expect(ensembleVerdict([-0.001, -0.002])).toBe('better');
    expect(ensembleVerdict([-0.001, 0.002])).toBe('matches');
    expect(ensembleVerdict([0, 0.001])).toBe('matches');
  });
});

describe('demo ensemble --quick', () => {
  const cli = join(import.meta.dirname, '..', 'dist', 'main.js');
  let out = '';
  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'lacuna-ensemble-'));
  });
  afterAll(() => rm(out, { recursive: true, force: true }));

  it('reports weight scaling and MC averages for k = 1…100 over repeats, from the numbers', () => {
    const r = spawnSync(process.execPath, [cli, 'ensemble', '--quick', '--out', out], {
      encoding: 'utf8',
      env: { ...process.env, FORCE_COLOR: '0' },
    });
    expect(r.status, r.stderr).toBe(0);
    for (const line of r.stdout.split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);
    const dir = join(out, 'ensemble');
    expect(existsSync(join(dir, 'report.html'))).toBe(true);
    const report = JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8'));
    const m = report.metrics;
    expect(m.ks).toEqual([1, 2, 5, 10, 20, 50, 100]);
    expect(m.ks).toEqual([...ENSEMBLE_KS]);
    expect(m.repeats).toBe(3);
    expect(m.testExamples).toBe(500);
    expect(m.weightScaledError).toHaveLength(1);
    // mcError[seed][repeat][k]
    expect(m.mcError).toHaveLength(1);
    expect(m.mcError[0]).toHaveLength(3);
    for (const row of m.mcError[0]) {
      expect(row).toHaveLength(7);
      for (const e of row) {
        expect(e).toBeGreaterThanOrEqual(0);
        expect(e).toBeLessThanOrEqual(1);
        // Errors are counts of 500 test images.
        expect(Math.abs(e * 500 - Math.round(e * 500))).toBeLessThan(1e-9);
      }
      // Averaging 100 thinned networks beats one of them (at this fixed seed, by far).
      expect(row[6]).toBeLessThan(row[0]);
    }
    // The weight-scaled error is the trained network's final test error.
    const run = m.training[0].runs[0];
    expect(m.weightScaledError[0]).toBeCloseTo(1 - run.final.testAccuracy, 12);
    expect(Object.keys(m.verdicts)).toEqual(['1', '2', '5', '10', '20', '50', '100']);
    // The table: weight scaling, then one row per k.
    expect(report.table.rows.map((row: unknown[]) => String(row[0]))).toEqual([
      'weight scaling',
      '1',
      '2',
      '5',
      '10',
      '20',
      '50',
      '100',
    ]);
    // The findings state the measured k at which MC matched (or that none did).
    const text = report.findings.join(' ');
    expect(text).toContain(m.matchK === null ? 'no k up to 100 did' : `here k = ${m.matchK} did`);
    expect(r.stdout).toMatch(/MC 3\/3 +test error k=1 /);
  });

  it.skipIf(!hasChromium)(
    'its report draws both charts in Chromium, at 1200 and at 390 pixels',
    async () => {
      const html = join(out, 'ensemble', 'report.html');
      for (const width of [1200, 390]) {
        const r = await drawReport(html, `ensemble-report-${width}.png`, 2, width);
        expect(r.errors).toEqual([]);
        expect(r.ink).toHaveLength(2);
        for (const ink of r.ink) expect(ink).toBeGreaterThan(1000);
        expect(r.overflow).toBe(false);
      }
    },
  );
});

describe('ensemble with several trained networks', () => {
  it('pools the repeats of every network, each against its own weight-scaled error', async () => {
    const o = resolveOptions(ensemble, { quick: true, dataset: 'moons', seed: 3, seeds: 2 });
    const task = await loadTask(o.dataset, o.trainSize, o.seed, o.testSize);
    const report = await ensemble.run(task, { ...o, out: tmpdir() });
    const m = report.metrics as {
      weightScaledError: number[];
      mcError: number[][][];
      verdicts: Record<string, string>;
    };
    expect(m.weightScaledError).toHaveLength(2);
    expect(m.mcError.map((seed) => seed.map((row) => row.length))).toEqual([
      [7, 7, 7],
      [7, 7, 7],
    ]);
    // Two networks: the weight-scaling row shows their range, and findings count 6 repeats.
    expect(report.table.rows[0]![2]).toMatch(/^\d+\.\d\d–\d+\.\d\d %$/);
    expect(report.findings[0]).toContain('over 6 repeats');
    expect(report.findings[0]).toContain(`on the ${task.test.y.size} test points`);
  });
});
