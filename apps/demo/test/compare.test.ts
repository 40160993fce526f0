import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  compareConfigurations,
  compareTable,
  lossClimb,
  overfittingSentence,
} from '../src/commands/compare.js';
import type { ConfigResult, RunResult } from '../src/train.js';
import { drawReport, hasChromium } from './chromium-report.js';

/** A synthetic run: test losses per evaluated epoch (every 10), final accuracies. */
function run(seed: number, testLosses: number[], trainAccuracy: number, testAccuracy: number) {
  const history = testLosses.map((loss, i) => ({
    epoch: 10 * (i + 1),
    runningLoss: 0.1,
    train: { loss: 0.001, accuracy: trainAccuracy },
    test: { loss, accuracy: testAccuracy },
  }));
  return {
    name: 'x',
    seed,
    history,
    final: {
      trainAccuracy,
      testAccuracy,
      trainLoss: 0.001,
      testLoss: testLosses[testLosses.length - 1]!,
      gap: trainAccuracy - testAccuracy,
    },
    seconds: 0,
    model: undefined as never,
  } satisfies RunResult;
}
const config = (name: string, ...runs: RunResult[]): ConfigResult => ({ name, runs });

describe('compare: findings from synthetic metrics', () => {
  it('lossClimb: the lowest evaluated test loss, its epoch, and the rise to the end', () => {
    expect(lossClimb(run(1, [0.5, 0.34, 0.36, 0.37], 1, 0.94))).toEqual({
      seed: 1,
      lowestEpoch: 20,
      lowest: 0.34,
      final: 0.37,
      rise: 0.37 - 0.34,
    });
    // Still falling at the end: no rise.
    expect(lossClimb(run(2, [0.5, 0.4, 0.3], 1, 0.94))).toMatchObject({ lowestEpoch: 30, rise: 0 });
  });

  it('over-fitting: memorised and climbing, with the numbers', () => {
    const plain = config(
      'no dropout',
      run(1, [0.5, 0.33, 0.36, 0.37], 1, 0.94),
      run(2, [0.5, 0.35, 0.36, 0.37], 1, 0.94),
    );
    expect(overfittingSentence(plain)).toBe(
      'Without dropout the network memorises its training set (train accuracy 100.00 %, every one of 2 seeds), and its test loss climbs from its lowest evaluated point, 0.3400 at epoch 20, to 0.3700 at the end (+9 %, every one of 2 seeds): it over-fits.',
    );
  });

  it('no over-fitting: says that it did not memorise and that the loss did not climb', () => {
    const plain = config('no dropout', run(1, [0.5, 0.4, 0.3], 0.95, 0.9));
    expect(overfittingSentence(plain)).toBe(
      'Without dropout the network does not memorise its training set (train accuracy 95.00 %; train longer to see it), and its test loss does not climb more than 2 % from its lowest evaluated point (0.3000 at epoch 30, 0.3000 at the end), so no over-fitting shows in the loss.',
    );
  });

  it('partly: counts the seeds and lists every epoch of a lowest point', () => {
    const plain = config(
      'no dropout',
      run(1, [0.5, 0.3, 0.4], 1, 0.9),
      run(2, [0.5, 0.4, 0.3], 0.99, 0.9),
    );
    const s = overfittingSentence(plain);
    expect(s).toContain('memorises its training set at 1 of 2 seeds (train accuracy 99.50 %)');
    expect(s).toContain('at epochs 20, 30');
    expect(s).toContain('1 of 2 seeds): it over-fits.');
  });

  it('compareConfigurations: lower test loss, smaller gap and rise count as effects', () => {
    const plain = config(
      'no dropout',
      run(1, [0.5, 0.33, 0.37], 1, 0.94),
      run(2, [0.5, 0.34, 0.372], 1, 0.941),
    );
    const dropped = config(
      'dropout',
      run(1, [0.6, 0.4, 0.29], 0.995, 0.94),
      run(2, [0.6, 0.4, 0.292], 0.9975, 0.9405),
    );
    const c = compareConfigurations(plain, dropped);
    expect(c.testLoss.verdict).toBe('effect');
    expect(c.testLoss.difference).toBeCloseTo(-0.08, 12);
    expect(c.lossRise.verdict).toBe('effect');
    expect(c.lossRise.treatment.mean).toBe(0);
    expect(c.gap.verdict).toBe('effect');
    expect(c.gap.sentence).toMatch(/^Generalisation gap \(train − test accuracy\): 5\.60 points/);
    // Equal accuracies within the spread: no claim.
    expect(c.testAccuracy.verdict).toBe('within-spread');
    expect(c.testAccuracy.sentence).toContain('so no effect is shown');
  });
});

describe('compareTable', () => {
  it('one row per quantity, one column per configuration, with the spread over seeds', () => {
    const plain = config(
      'no dropout',
      run(1, [0.5, 0.33, 0.37], 1, 0.94),
      run(2, [0.5, 0.34, 0.38], 1, 0.942),
    );
    const dropped = config(
      'dropout',
      run(1, [0.4, 0.3], 0.99, 0.95),
      run(2, [0.4, 0.3], 0.99, 0.95),
    );
    const t = compareTable([plain, dropped]);
    expect(t.columns).toEqual(['2 seeds: mean ± sd', 'no dropout', 'dropout']);
    expect(t.rows).toEqual([
      ['train accuracy', '100.00 % ± 0.00', '99.00 % ± 0.00'],
      ['test accuracy', '94.10 % ± 0.14', '95.00 % ± 0.00'],
      ['gap', '5.90 pts ± 0.14', '4.00 pts ± 0.00'],
      ['test loss', '0.3750 ± 0.0071', '0.3000 ± 0.0000'],
      ['test-loss rise', '0.0400 ± 0.0000', '0.0000 ± 0.0000'],
    ]);
    expect(compareTable([config('a', run(1, [0.5], 1, 0.9))]).columns[0]).toBe('one seed');
  });
});

describe('compare --quick through the command line', () => {
  const cli = join(import.meta.dirname, '..', 'dist', 'main.js');
  let out = '';
  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'lacuna-compare-'));
  });
  afterAll(() => rm(out, { recursive: true, force: true }));

  it('two seeds: metrics hold the comparisons and climbs the findings state', () => {
    const r = spawnSync(
      process.execPath,
      [cli, 'compare', '--quick', '--dataset', 'moons', '--seeds', '2', '--out', out],
      { encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } },
    );
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(out, 'compare', 'metrics.json'), 'utf8'));
    const m = report.metrics;
    expect(m.configurations.map((c: { name: string }) => c.name)).toEqual([
      'no dropout',
      'dropout',
    ]);
    for (const c of m.configurations)
      expect(c.runs.map((x: { seed: number }) => x.seed)).toEqual([1, 2]);
    expect(Object.keys(m.comparisons)).toEqual(['testAccuracy', 'testLoss', 'gap', 'lossRise']);
    const loss = m.comparisons.testLoss;
    const finals = (i: number) =>
      m.configurations[i].runs.map((x: { final: { testLoss: number } }) => x.final.testLoss);
    expect(loss.baseline.n).toBe(2);
    expect(loss.baseline.mean).toBeCloseTo((finals(0)[0] + finals(0)[1]) / 2, 12);
    expect(loss.difference).toBeCloseTo(loss.treatment.mean - loss.baseline.mean, 12);
    expect(['effect', 'reversed', 'within-spread']).toContain(loss.verdict);
    for (const name of ['no dropout', 'dropout']) {
      const climbs = m.lossClimb[name];
      expect(climbs).toHaveLength(2);
      for (const c of climbs) expect(c.rise).toBeCloseTo(c.final - c.lowest, 12);
    }
    // Five findings, each printed (wrapped) in the terminal, the test loss one with its spread.
    expect(report.findings).toHaveLength(5);
    expect(report.findings[0]).toMatch(/^Test accuracy: .*mean of 2 seeds; seed spread ±/);
    expect(report.findings[1]).toMatch(/^Test loss: .*mean of 2 seeds; seed spread ±/);
    expect(report.findings[2]).toMatch(/^Without dropout the network/);
    const html = readFileSync(join(out, 'compare', 'report.html'), 'utf8');
    expect(html).toContain('Test cross-entropy, linear axis');
    for (const line of r.stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
  });

  it.skipIf(!hasChromium)(
    'its report draws all four charts in Chromium, at 1200 and at 390 pixels',
    async () => {
      const html = join(out, 'compare', 'report.html');
      for (const width of [1200, 390]) {
        const r = await drawReport(html, `compare-report-${width}.png`, 4, width);
        expect(r.errors).toEqual([]);
        expect(r.ink).toHaveLength(4);
        for (const ink of r.ink) expect(ink).toBeGreaterThan(1000);
        expect(r.overflow).toBe(false);
      }
    },
  );
});
