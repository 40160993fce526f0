import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Generator, uniform } from '@lacuna/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CoadaptationStats, coadaptationFindings } from '../src/commands/coadaptation.js';
import {
  activationHistogram,
  activationStats,
  histogramShares,
  neighbourCorrelation,
  quantile,
} from '../src/sparsity.js';
import { pageReport } from './page-report.js';

const cli = join(import.meta.dirname, '..', 'dist', 'main.js');
let out = '';
beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'lacuna-coadapt-'));
});
afterAll(() => rm(out, { recursive: true, force: true }));

describe('sparsity statistics', () => {
  it('activationStats: zeros, mean, dead units and per-unit means of [inputs, units]', () => {
    // 3 inputs × 2 units: unit 0 never fires, unit 1 fires on two inputs.
    const s = activationStats([0, 2, 0, 0, 0, 4], 2);
    expect(s.zeroShare).toBeCloseTo(4 / 6, 12);
    expect(s.meanActivation).toBeCloseTo(1, 12);
    expect(s.deadShare).toBe(0.5);
    expect(s.unitMeans).toEqual([0, 2]);
    expect(() => activationStats([1, 2, 3], 2)).toThrow(/not a multiple of 2/);
  });

  it('histogramShares: out-of-range values go to the end bins, shares sum to 1', () => {
    expect(histogramShares([-1, 0.1, 0.6, 0.7, 5], [0, 0.5, 1])).toEqual([0.4, 0.6]);
    expect(histogramShares([], [0, 1])).toEqual([0]);
  });

  it('activationHistogram: exact zeros in a bin of their own, the rest in equal bins', () => {
    const h = activationHistogram([0, 0, 0.4, 1.2, 1.9, 7], 2, 2);
    expect(h.labels).toEqual(['0', '0.0–1.0', '≥ 1.0']);
    expect(h.shares).toEqual([2 / 6, 1 / 6, 3 / 6]);
    // Bins are (a, b]: a value exactly on an inner edge belongs to the lower bin.
    expect(activationHistogram([1], 2, 2).shares).toEqual([0, 1, 0]);
    expect(activationHistogram([1e-9], 2, 2).shares).toEqual([0, 1, 0]);
  });

  it('quantile: nearest rank', () => {
    expect(quantile([5, 1, 3, 2, 4], 0.5)).toBe(3);
    expect(quantile([5, 1, 3, 2, 4], 1)).toBe(5);
    expect(quantile([], 0.5)).toBe(0);
  });

  it('neighbourCorrelation: 1/3 by hand on a 2×2 image; smooth > random ≈ 0', () => {
    // Pairs (a, b): horizontal (1,1), (0,0); vertical (1,0), (1,0) → r = 0.25 / 0.75.
    expect(neighbourCorrelation([1, 1, 0, 0], 2, 2)).toBeCloseTo(1 / 3, 12);
    const smooth = Array.from(
      { length: 784 },
      (_, i) => Math.sin((i % 28) / 5) + Math.floor(i / 28) / 28,
    );
    expect(neighbourCorrelation(smooth, 28, 28)).toBeGreaterThan(0.9);
    // Independent uniform weights (fixed seed): correlation near 0.
    const noise = uniform([784], { generator: new Generator(0), low: -1, high: 1 }).storage;
    expect(Math.abs(neighbourCorrelation(noise, 28, 28))).toBeLessThan(0.1);
    expect(neighbourCorrelation(new Array(784).fill(1), 28, 28)).toBe(0);
  });
});

const stats = (v: Partial<CoadaptationStats>): CoadaptationStats => ({
  zeroShare: 0.5,
  meanActivation: 1,
  deadShare: 0,
  medianUnitMean: 1,
  smoothness: 0.2,
  testLoss: 0.1,
  ...v,
});

describe('coadaptationFindings: sentences from the numbers', () => {
  it('sparser with dropout (one seed): says so with the numbers and that the spread is unmeasured', () => {
    const f = coadaptationFindings(
      [stats({ zeroShare: 0.4, meanActivation: 2 })],
      [stats({ zeroShare: 0.8, meanActivation: 0.7, smoothness: 0.5 })],
      256,
      10000,
    );
    expect(f[0]).toMatch(
      /80\.00 % of the hidden activations .* 10000 test images are exactly 0 against 40\.00 % without/,
    );
    expect(f[0]).toMatch(
      /0\.700 against 2\.000 \(one seed.*: sparser with dropout, as in .*Figure 8\); one seed, so the spread is unmeasured/,
    );
    expect(f[3]).toMatch(
      /r = 0\.50 with dropout against r = 0\.20 without.*: the features learned with dropout are smoother/,
    );
  });

  it('not sparser: says the numbers do not show it', () => {
    const f = coadaptationFindings(
      [stats({ zeroShare: 0.6, meanActivation: 0.5 })],
      [stats({ zeroShare: 0.5, meanActivation: 0.9, smoothness: 0.1 })],
      256,
      100,
    );
    expect(f[0]).toMatch(/not sparser with dropout in this run/);
    expect(f[0]).not.toMatch(/gives sparser/);
    expect(f[3]).toMatch(/without dropout are the smoother ones/);
  });

  it('measures disagreeing: no clear effect', () => {
    const f = coadaptationFindings(
      [stats({ zeroShare: 0.4, meanActivation: 0.5 })],
      [stats({ zeroShare: 0.6, meanActivation: 0.9 })],
      256,
      100,
    );
    expect(f[0]).toMatch(/disagree \(more zeros but a higher mean\).*no clear sparsity effect/);
    expect(f[3]).toMatch(/no clear difference/);
  });

  it('several seeds overlapping: inside the seed spread', () => {
    const f = coadaptationFindings(
      [
        stats({ zeroShare: 0.5, meanActivation: 1 }),
        stats({ zeroShare: 0.7, meanActivation: 0.6 }),
      ],
      [
        stats({ zeroShare: 0.6, meanActivation: 0.8 }),
        stats({ zeroShare: 0.65, meanActivation: 0.7 }),
      ],
      256,
      100,
    );
    expect(f[0]).toMatch(/mean of 2 seeds/);
    expect(f[0]).toMatch(/inside the seed spread, so no effect is shown/);
  });

  it('dead units are counted and named as a source of zeros', () => {
    const f = coadaptationFindings(
      [stats({ zeroShare: 0.4, meanActivation: 2, deadShare: 0 })],
      [stats({ zeroShare: 0.8, meanActivation: 0.7, deadShare: 0.25 })],
      256,
      100,
    );
    expect(f[1]).toMatch(
      /^64 of the 256 hidden units never fire .* with dropout, 0 without: part of the extra zeros/,
    );
  });
});

describe('coadaptation --quick', () => {
  it('draws 784-pixel features for both networks and consistent histograms and sparsity', () => {
    const dir = join(out, 'run');
    const r = spawnSync(process.execPath, [cli, 'coadaptation', '--quick', '--out', dir], {
      encoding: 'utf8',
      env: { ...process.env, FORCE_COLOR: '0' },
    });
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, 'coadaptation', 'metrics.json'), 'utf8'));
    const page = pageReport(readFileSync(join(dir, 'coadaptation', 'report.html'), 'utf8'));

    expect(page.images).toHaveLength(2);
    expect(page.images.map((p: { title: string }) => p.title)).toEqual([
      'First-layer features without dropout (64 of 256 units)',
      'First-layer features with dropout (64 of 256 units)',
    ]);
    for (const panel of page.images) {
      expect(panel.scale).toBe('signed');
      expect(panel.images).toHaveLength(64);
      for (const image of panel.images) {
        expect(image.pixels).toHaveLength(784);
        expect(image.pixels.every(Number.isFinite)).toBe(true);
      }
    }
    // Both networks start from the same weights, and training moved them apart.
    const [plain, dropped] = page.images;
    expect(plain.images[0].pixels).not.toEqual(dropped.images[0].pixels);

    const sum = (xs: number[]) => xs.reduce((a, v) => a + v, 0);
    const { activation, unitMean } = report.metrics.histograms;
    for (const name of ['no dropout', 'dropout']) {
      expect(sum(activation[name])).toBeCloseTo(1, 6);
      expect(sum(unitMean[name])).toBeCloseTo(1, 6);
      expect(activation[name]).toHaveLength(activation.labels.length);
      const [s] = report.metrics.sparsity[name];
      for (const key of ['zeroShare', 'deadShare'] as const) {
        expect(s[key]).toBeGreaterThanOrEqual(0);
        expect(s[key]).toBeLessThanOrEqual(1);
      }
      expect(s.meanActivation).toBeGreaterThan(0);
      // The zero bin of the histogram is the share of exact zeros.
      expect(activation[name][0]).toBeCloseTo(s.zeroShare, 6);
    }
    const titles = page.charts.map((c: { title: string }) => c.title);
    expect(titles.some((t: string) => t.startsWith('Hidden activations on the test set'))).toBe(
      true,
    );
    expect(titles.some((t: string) => t.startsWith('Mean activation of each hidden unit'))).toBe(
      true,
    );
    expect(report.findings[0]).toMatch(/hidden activations .* are exactly 0/);
  }, 300_000);

  it('refuses a dataset without 28×28 images, with one line', () => {
    const r = spawnSync(
      process.execPath,
      [cli, 'coadaptation', '--quick', '--dataset', 'moons', '--out', join(out, 'moons')],
      { encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } },
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/coadaptation works on mnist and fashion-mnist, not moons/);
  }, 300_000);
});
