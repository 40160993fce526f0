import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Linear, Sequential } from '@lacuna/layers';
import { Generator } from '@lacuna/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareSamples } from '../src/claims.js';
import { MAX_NORM, verdictSummary, weightStats } from '../src/commands/regularizers.js';

describe('weightStats', () => {
  it('sums squares and sizes of the weight matrices only, and finds the largest row norm', () => {
    const net = new Sequential(
      new Linear(2, 2, { generator: new Generator(0) }),
      new Linear(2, 1, { generator: new Generator(1) }),
    );
    const [first, , second] = net.parameters();
    (first!.storage as Float32Array).set([3, 4, 0, 0.0005]);
    (second!.storage as Float32Array).set([-1, 2]);
    const s = weightStats(net);
    expect(s.sumSquares).toBeCloseTo(9 + 16 + 0.0005 ** 2 + 1 + 4, 5);
    expect(s.sumAbs).toBeCloseTo(3 + 4 + 0.0005 + 1 + 2, 5);
    expect(s.maxUnitNorm).toBeCloseTo(5, 6);
    expect(s.nearZero).toBeCloseTo(2 / 6, 6); // 0 and 0.0005; biases are not counted
  });
});

describe('verdictSummary', () => {
  const q = { name: 'test accuracy', unit: 'percent', better: 'higher' } as const;
  const base = { name: 'none', values: [0.9, 0.902, 0.901] };
  it('groups comparisons by verdict, each with its difference, from synthetic numbers', () => {
    const comparisons = [
      compareSamples(q, base, { name: 'a', values: [0.95, 0.951, 0.952] }), // effect
      compareSamples(q, base, { name: 'b', values: [0.85, 0.851, 0.852] }), // reversed
      compareSamples(q, base, { name: 'c', values: [0.899, 0.903, 0.9] }), // inside the spread
    ];
    expect(verdictSummary('Test accuracy', 'none', comparisons, ['a', 'b', 'c'], 'percent')).toBe(
      'Test accuracy against none: better, well outside the seed spread, with a (+5.00 points); ' +
        'worse, well outside the seed spread, with b (−5.00 points); ' +
        'inside the seed spread (no effect shown) with c (−0.03 points).',
    );
  });
  it('says when nothing is better, and when the spread is unmeasured', () => {
    const inside = [compareSamples(q, base, { name: 'c', values: [0.899, 0.903, 0.9] })];
    expect(verdictSummary('Test accuracy', 'none', inside, ['c'], 'percent')).toMatch(
      /; none is better outside the spread\.$/,
    );
    const lossQ = { name: 'test loss', unit: 'number', better: 'lower' } as const;
    const single = [
      compareSamples(lossQ, { name: 'x', values: [0.3] }, { name: 'y', values: [0.25] }),
    ];
    expect(verdictSummary('Test loss', 'x', single, ['y'], 'number')).toBe(
      'Test loss against x: unmeasured spread (one seed) with y (−0.0500).',
    );
  });
});

describe('regularizers --quick', () => {
  let out = '';
  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'lacuna-regularizers-'));
  });
  afterAll(() => rm(out, { recursive: true, force: true }));

  it('trains every configuration, and each regulariser visibly acts on the weights', () => {
    const cli = join(import.meta.dirname, '..', 'dist', 'main.js');
    const r = spawnSync(process.execPath, [cli, 'regularizers', '--quick', '--out', out], {
      encoding: 'utf8',
      env: { ...process.env, FORCE_COLOR: '0' },
    });
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(out, 'regularizers', 'metrics.json'), 'utf8'));
    const names = [
      'none',
      'L2',
      'L1',
      'max-norm',
      'dropout',
      'dropout + L2',
      'dropout + L1',
      'dropout + max-norm',
    ];
    const { configurations, weights } = report.metrics;
    expect(configurations.map((c: { name: string }) => c.name)).toEqual(names);
    expect(report.table.rows.map((row: string[]) => row[0])).toEqual(names);
    for (const c of configurations) {
      expect(c.runs[0].history).toHaveLength(10);
      expect(c.runs[0].final.testAccuracy).toBeGreaterThan(0.5); // every one learns something
    }
    type Stats = { sumSquares: number; nearZero: number; maxUnitNorm: number };
    const w = (name: string): Stats => weights[names.indexOf(name)].runs[0];
    // Same seed, same initial weights and batches: the penalty is the only difference.
    expect(w('L2').sumSquares).toBeLessThan(0.9 * w('none').sumSquares);
    expect(w('dropout + L2').sumSquares).toBeLessThan(0.9 * w('dropout').sumSquares);
    expect(w('L1').nearZero).toBeGreaterThan(w('none').nearZero + 0.1);
    expect(w('dropout + L1').nearZero).toBeGreaterThan(w('dropout').nearZero + 0.1);
    // The bound binds: without it some unit grows past c; with it none ends above c.
    expect(w('none').maxUnitNorm).toBeGreaterThan(MAX_NORM + 0.1);
    expect(w('max-norm').maxUnitNorm).toBeLessThanOrEqual(MAX_NORM + 1e-4);
    expect(w('dropout + max-norm').maxUnitNorm).toBeLessThanOrEqual(MAX_NORM + 1e-4);
    expect(report.settings.maxNorm).toBe(MAX_NORM);
    expect(report.findings[0]).toMatch(/^Best mean test accuracy: \d+\.\d\d % with /);
  });
});
