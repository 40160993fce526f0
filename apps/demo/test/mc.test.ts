import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  calibration,
  calibrationFindings,
  extremes,
  overall,
  predictions,
} from '../src/calibration.js';
import { pageReport } from './page-report.js';

const cli = join(import.meta.dirname, '..', 'dist', 'main.js');
let out = '';
beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'lacuna-mc-'));
});
afterAll(() => rm(out, { recursive: true, force: true }));

describe('calibration (reliability bins and ECE)', () => {
  it('matches a hand-computed case', () => {
    // Two bins, [0, 0.5] and (0.5, 1]. High bin: confidences 0.9, 0.8, 0.6 (mean 0.7667), 2 of 3
    // right (0.6667): gap 0.1, weight 3/4. Low bin: 0.3, wrong: gap 0.3, weight 1/4.
    // ECE = 0.75 · 0.1 + 0.25 · 0.3 = 0.15.
    const c = calibration([0.9, 0.8, 0.6, 0.3], [true, true, false, false], 2);
    expect(c.edges).toEqual([0, 0.5, 1]);
    expect(c.share).toEqual([0.25, 0.75]);
    expect(c.accuracy[0]).toBe(0);
    expect(c.accuracy[1]).toBeCloseTo(2 / 3, 12);
    expect(c.confidence[0]).toBeCloseTo(0.3, 12);
    expect(c.confidence[1]).toBeCloseTo(2.3 / 3, 12);
    expect(c.ece).toBeCloseTo(0.15, 12);
    const all = overall(c);
    expect(all.confidence).toBeCloseTo(0.65, 12);
    expect(all.accuracy).toBeCloseTo(0.5, 12);
  });

  it('a bin edge belongs to the lower bin; 0 to the first; empty bins are null and weigh 0', () => {
    const c = calibration([0.5, 0, 1], [true, false, true], 2);
    expect(c.share).toEqual([2 / 3, 1 / 3]);
    const d = calibration([0.95, 0.95], [true, true], 10);
    expect(d.accuracy.slice(0, 9)).toEqual(new Array(9).fill(null));
    expect(d.accuracy[9]).toBe(1);
    expect(d.ece).toBeCloseTo(0.05, 12);
  });

  it('a perfectly calibrated classifier has ECE 0', () => {
    // Bin (0.7, 0.8]: confidence 0.75 four times, right three times.
    const c = calibration([0.75, 0.75, 0.75, 0.75], [true, true, true, false], 10);
    expect(c.ece).toBeCloseTo(0, 12);
  });

  it('rejects mismatched lengths, bad bins and confidences outside [0, 1]', () => {
    expect(() => calibration([0.5], [true, false])).toThrow(/1 confidences but 2 outcomes/);
    expect(() => calibration([0.5], [true], 0)).toThrow(/bins must be a whole number ≥ 1, got 0/);
    expect(() => calibration([1.5], [true])).toThrow(
      /confidence\[0\] must be in \[0, 1\], got 1.5/,
    );
    expect(() => calibration([Number.NaN], [true])).toThrow(/got NaN/);
  });

  it('predictions and extremes', () => {
    expect(predictions([0.1, 0.7, 0.2, 0.5, 0.3, 0.2], 3)).toEqual({
      predicted: [1, 0],
      confidence: [0.7, 0.5],
    });
    expect(extremes([0.5, 0.1, 0.9, 0.3], 2)).toEqual({ lowest: [1, 3], highest: [2, 0] });
  });
});

describe('calibrationFindings', () => {
  const good = calibration([0.75, 0.75, 0.75, 0.75], [true, true, true, false], 10);
  const bad = calibration([0.95, 0.95, 0.95, 0.95], [true, true, false, false], 10);
  it('MC better calibrated: says so with both ECEs and the difference in points', () => {
    const [ece, average] = calibrationFindings(good, bad, 'MC mean');
    expect(ece).toMatch(/0\.00 % for the MC mean against 45\.00 % for the weight-scaled network/);
    expect(ece).toMatch(/MC averaging is better calibrated here \(ECE 45\.00 points lower\)/);
    expect(average).toMatch(
      /MC mean is 75\.00 % confident and 75\.00 % accurate \(confidence matches accuracy to within 0\.5 points\); the weight-scaled network is 95\.00 % confident and 50\.00 % accurate \(over-confident by 45\.00 points\)\.$/,
    );
  });
  it('MC worse calibrated and over-confident: says so', () => {
    const [ece, average] = calibrationFindings(bad, good, 'MC mean');
    expect(ece).toMatch(/MC averaging is worse calibrated here \(ECE 45\.00 points higher\)/);
    expect(average).toMatch(
      /^On average the MC mean is 95\.00 % confident .*\(over-confident by 45\.00 points\);/,
    );
  });
  it('under-confident: says so', () => {
    const under = calibration([0.55, 0.55], [true, true], 10);
    expect(calibrationFindings(under, under, 'MC mean')[1]).toMatch(
      /^On average the MC mean is 55\.00 % confident and 100\.00 % accurate \(under-confident by 45\.00 points\);/,
    );
  });
  it('accuracy not rising with confidence is reported as such', () => {
    const c = calibration([0.3, 0.95], [true, false], 10);
    expect(calibrationFindings(c, c, 'MC mean')[2]).toMatch(
      /^Accuracy does not rise with confidence in this run: 0\.00 % in the most confident bin \(0\.9–1\.0\) against 100\.00 %/,
    );
  });
});

describe('mc --quick', () => {
  it('has the reliability diagram, ECE in metrics and findings, and the digit panels', () => {
    const dir = join(out, 'run');
    const r = spawnSync(process.execPath, [cli, 'mc', '--quick', '--out', dir], {
      encoding: 'utf8',
      env: { ...process.env, FORCE_COLOR: '0' },
    });
    expect(r.status, r.stderr).toBe(0);
    const m = JSON.parse(readFileSync(join(dir, 'mc', 'metrics.json'), 'utf8'));
    const page = pageReport(readFileSync(join(dir, 'mc', 'report.html'), 'utf8'));

    const reliability = page.charts.find((c: { title: string }) =>
      c.title.startsWith('Reliability diagram'),
    );
    expect(reliability.labels).toHaveLength(10);
    expect(reliability.datasets.map((d: { config: string }) => d.config)).toEqual([
      'MC dropout mean (T = 10)',
      'weight scaling',
      'diagonal (accuracy = confidence)',
    ]);
    expect(reliability.datasets[2].data[9]).toBeCloseTo(0.95, 12);

    const { mc, weightScaled } = m.metrics.calibration;
    for (const c of [mc, weightScaled]) {
      expect(c.ece).toBeGreaterThanOrEqual(0);
      expect(c.ece).toBeLessThanOrEqual(1);
      expect(c.share.reduce((a: number, v: number) => a + v, 0)).toBeCloseTo(1, 9);
    }
    // The ECE recomputed from the saved bins.
    const ece = mc.share.reduce(
      (e: number, s: number, k: number) =>
        s ? e + s * Math.abs(mc.accuracy[k] - mc.confidence[k]) : e,
      0,
    );
    expect(mc.ece).toBeCloseTo(ece, 12);
    expect(m.findings.some((f: string) => f.includes(`${(100 * mc.ece).toFixed(2)} %`))).toBe(true);

    expect(page.images.map((p: { title: string }) => p.title)).toEqual([
      'The 10 most certain test digits',
      'The 10 least certain test digits',
    ]);
    for (const panel of page.images) {
      expect(panel.scale).toBe('gray');
      expect(panel.images).toHaveLength(10);
      for (const image of panel.images) {
        expect(image.pixels).toHaveLength(784);
        expect(Math.min(...image.pixels)).toBeGreaterThanOrEqual(0);
        expect(Math.max(...image.pixels)).toBeLessThanOrEqual(1);
        expect(image.label).toMatch(/^\d → \d \d+\.\d\u00a0% H\u00a0\d\.\d\d$/);
      }
    }
    const { most, least } = m.metrics.certain;
    expect(Math.max(...most.map((d: { entropy: number }) => d.entropy))).toBeLessThanOrEqual(
      Math.min(...least.map((d: { entropy: number }) => d.entropy)),
    );
    // Labels match the saved numbers.
    expect(
      page.images[0].images[0].label.startsWith(`${most[0].label} → ${most[0].predicted}`),
    ).toBe(true);
  }, 300_000);
});
