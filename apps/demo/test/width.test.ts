import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binomiallyApart, keptWidths, rateAt, WIDTH_PS } from '../src/commands/width.js';
import { drawReport, hasChromium } from './chromium-report.js';

describe('keptWidths', () => {
  it('divides the units by the keep probability, equal to the base at p = 0.5', () => {
    expect(keptWidths([256, 256], 0.5)).toEqual([256, 256]);
    expect(keptWidths([256, 256], 0.9)).toEqual([1280, 1280]);
    expect(keptWidths([256, 128], 0.1)).toEqual([142, 71]);
    expect(keptWidths([64], 0.7)).toEqual([107]);
    expect(keptWidths([1], 0)).toEqual([1]); // never below one unit
  });

  it('keeps the expected number of retained units (1 − p)·n about constant', () => {
    for (const p of WIDTH_PS) expect(keptWidths([512], p)[0]! * (1 - p)).toBeCloseTo(256, -0.5);
  });

  it('rejects p outside [0, 1)', () => {
    expect(() => keptWidths([8], 1)).toThrow(/keptWidths: p must be in \[0, 1\), got 1/);
    expect(() => keptWidths([8], Number.NaN)).toThrow(RangeError);
  });
});

describe('rateAt', () => {
  it('scales the learning rate with the keep probability, the given rate at p = 0.5', () => {
    expect(rateAt(0.05, 0.5)).toBeCloseTo(0.05, 12);
    expect(rateAt(0.05, 0.9)).toBeCloseTo(0.01, 12);
    expect(rateAt(0.05, 0.1)).toBeCloseTo(0.09, 12);
  });
});

describe('binomiallyApart', () => {
  it('is true beyond twice the binomial standard error of the difference only', () => {
    // 2·√((0.05·0.95 + 0.06·0.94) / 10000) ≈ 0.0064
    expect(binomiallyApart(0.05, 0.06, 10000)).toBe(true);
    expect(binomiallyApart(0.05, 0.055, 10000)).toBe(false);
    expect(binomiallyApart(0.05, 0.06, 1000)).toBe(false);
    expect(binomiallyApart(0.06, 0.05, 10000)).toBe(true);
  });
});

describe('demo width --quick', () => {
  const cli = join(import.meta.dirname, '..', 'dist', 'main.js');
  let out = '';
  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'lacuna-width-'));
  });
  afterAll(() => rm(out, { recursive: true, force: true }));

  it('trains both architectures per p with the hidden sizes of the rule, and reports errors', () => {
    const r = spawnSync(process.execPath, [cli, 'width', '--quick', '--out', out], {
      encoding: 'utf8',
      env: { ...process.env, FORCE_COLOR: '0' },
    });
    expect(r.status, r.stderr).toBe(0);
    for (const line of r.stdout.split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);
    const dir = join(out, 'width');
    expect(existsSync(join(dir, 'report.html'))).toBe(true);
    const report = JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8'));
    const m = report.metrics;
    expect(m.ps).toEqual([0.1, 0.3, 0.5, 0.7, 0.9]);
    expect(m.points).toHaveLength(5);
    // Quick runs use 64-64 hidden units; fixed (1 − p)·n keeps 32 expected units per layer.
    expect(m.points.map((q: { fixedN: { hidden: number[] } }) => q.fixedN.hidden)).toEqual(
      Array(5).fill([64, 64]),
    );
    expect(m.points.map((q: { fixedKept: { hidden: number[] } }) => q.fixedKept.hidden)).toEqual([
      [36, 36],
      [46, 46],
      [64, 64],
      [107, 107],
      [320, 320],
    ]);
    for (const q of m.points)
      for (const arch of [q.fixedN, q.fixedKept]) {
        expect(arch.trainError).toBeGreaterThanOrEqual(0);
        expect(arch.testError).toBeLessThanOrEqual(1);
        expect(arch.config).toBe(`n=${arch.hidden[0]} p=${q.p.toFixed(1)}`);
      }
    // At p = 0.5 both architectures are one network, trained once: 9 networks for 10 points.
    expect(m.points[2].fixedN.config).toBe(m.points[2].fixedKept.config);
    expect(m.points[2].difference).toBe(0);
    expect(m.points[2].verdict).toBe('same');
    expect(m.configurations).toHaveLength(9);
    const errors = (arch: 'fixedN' | 'fixedKept', split: 'trainError' | 'testError') =>
      m.points.map((q: Record<string, Record<string, number>>) => q[arch]![split]!);
    // With 64 units and p = 0.9 about 6 are kept: the network cannot fit its training set,
    // while 320 units (about 32 kept) do much better (robust at this seed: tens of points apart).
    expect(errors('fixedN', 'trainError')[4]).toBeGreaterThan(
      errors('fixedN', 'trainError')[0] + 0.2,
    );
    expect(errors('fixedKept', 'testError')[4]).toBeLessThan(
      errors('fixedN', 'testError')[4] - 0.1,
    );
    expect(m.points[4].verdict).toBe('better');
    expect(report.findings[0]).toMatch(
      /^Fixing \(1 − p\)·n instead of n lowers test error at .*p = 0\.9/,
    );
    // The table: one row per p with both widths (units per hidden layer).
    expect(report.table.rows.map((row: unknown[]) => [row[0], row[1], row[3]])).toEqual([
      ['0.1', '64', '36'],
      ['0.3', '64', '46'],
      ['0.5', '64', '64'],
      ['0.7', '64', '107'],
      ['0.9', '64', '320'],
    ]);
  });

  it.skipIf(!hasChromium)(
    'its report draws both charts in Chromium, at 1200 and at 390 pixels',
    async () => {
      const html = join(out, 'width', 'report.html');
      for (const width of [1200, 390]) {
        const r = await drawReport(html, `width-report-${width}.png`, 2, width);
        expect(r.errors).toEqual([]);
        expect(r.ink).toHaveLength(2);
        for (const ink of r.ink) expect(ink).toBeGreaterThan(1000);
        expect(r.overflow).toBe(false);
      }
    },
  );
});
