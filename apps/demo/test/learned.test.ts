import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConcreteDropout, Linear, Sequential } from '@lacuna/layers';
import { Generator } from '@lacuna/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  concreteFindings,
  concreteSetup,
  epochsFor,
  FIXED_P,
  learnedP,
  type SizeResult,
  trend,
} from '../src/learned-concrete.js';
import { R_DROP_ALPHA } from '../src/learned-rdrop.js';
import type { ConfigResult } from '../src/train.js';
import { drawReport, hasChromium } from './chromium-report.js';

/** A configuration with one run of the given final test accuracy. */
const config = (name: string, testAccuracy: number): ConfigResult => ({
  name,
  runs: [
    {
      name,
      seed: 1,
      history: [],
      final: { trainAccuracy: 1, testAccuracy, trainLoss: 0, testLoss: 0.3, gap: 1 - testAccuracy },
      seconds: 0,
      model: undefined as never,
    },
  ],
});
/** A size's results: p per layer at each fifth, Concrete's accuracy and the fixed p's. */
const size = (n: number, pHistory: number[][], concrete: number, fixed: number[]): SizeResult => ({
  n,
  epochs: 5,
  pHistory,
  concrete: config(`Concrete n=${n}`, concrete),
  fixed: fixed.map((a, i) => config(`p = ${FIXED_P[i]}, n=${n}`, a)),
});

describe('learned: Concrete findings from synthetic numbers', () => {
  it('trend: every step, overall, or not at all', () => {
    expect(trend([0.5, 0.4, 0.3])).toBe('every step');
    expect(trend([0.5, 0.51, 0.3])).toBe('overall');
    expect(trend([0.3, 0.2, 0.3])).toBe('no');
  });

  it('says in how many layers p fell, whether it settled, and the gap to the best fixed p', () => {
    const f = concreteFindings([
      size(
        500,
        [
          [0.3, 0.5],
          [0.31, 0.5],
        ],
        0.9,
        [0.88, 0.91, 0.89],
      ),
      size(
        4000,
        [
          [0.2, 0.3],
          [0.2, 0.3],
        ],
        0.95,
        [0.94, 0.93, 0.92],
      ),
    ]);
    expect(f[0]).toBe(
      'Learned drop probability per layer against the training-set size (n = 500 … 4000, one seed): inputs 0.310 → 0.200 (fell at every size); hidden 1 0.500 → 0.300 (fell at every size). It fell as the data grew in 2 of 2 layers, as Gal et al. (2017) observe.',
    );
    expect(f[1]).toMatch(
      /^In the last fifth of training the learned p moved by at most 0\.010 \(inputs, n = 500; 0\.210 from its start at 0\.1\): p had settled in every layer and size\.$/,
    );
    expect(f[2]).toContain(
      'n = 500: −1.00 points against p = 0.3; n = 4000: +1.00 points against p = 0.1',
    );
    expect(f[2]).toMatch(/Concrete dropout is ahead at n = 4000\.$/);
  });

  it('says when p did not fall, and when it was still moving', () => {
    const f = concreteFindings([
      size(500, [[0.1], [0.2]], 0.9, [0.9, 0.9, 0.9]),
      size(1000, [[0.1], [0.3]], 0.9, [0.9, 0.9, 0.9]),
    ]);
    expect(f[0]).toContain(
      'inputs 0.200 → 0.300 (did not fall). It fell as the data grew in 0 of 1 layers, unlike Gal et al. (2017).',
    );
    expect(f[1]).toContain('p was still moving');
  });
});

describe('learned: the recipe', () => {
  it('gives every size the same number of steps, in epochs that are a multiple of five', () => {
    const s = concreteSetup(false);
    expect(s.sizes.map((n) => epochsFor(s, n))).toEqual([200, 100, 50, 25]);
    expect(epochsFor(concreteSetup(true), 100)).toBe(20);
  });

  it('learnedP reads each ConcreteDropout p, input layer first', () => {
    const g = new Generator(0);
    const net = new Sequential(
      new ConcreteDropout(new Linear(4, 3, { generator: g }), {
        datasetSize: 10,
        initP: 0.2,
        generator: g.fork(),
      }),
      new ConcreteDropout(new Linear(3, 2, { generator: g }), {
        datasetSize: 10,
        initP: 0.4,
        generator: g.fork(),
      }),
    );
    const p = learnedP(net);
    expect(p[0]).toBeCloseTo(0.2, 6);
    expect(p[1]).toBeCloseTo(0.4, 6);
  });
});

describe('demo learned --quick', () => {
  const cli = join(import.meta.dirname, '..', 'dist', 'main.js');
  let out = '';
  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'lacuna-learned-'));
  });
  afterAll(() => rm(out, { recursive: true, force: true }));

  it('reports learned p per layer and size, the fixed grid, R-Drop against dropout, the sparse LeNet', () => {
    const r = spawnSync(process.execPath, [cli, 'learned', '--quick', '--out', out], {
      encoding: 'utf8',
      env: { ...process.env, FORCE_COLOR: '0' },
    });
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(out, 'learned', 'metrics.json'), 'utf8'));
    const { concrete, rDrop } = report.metrics;
    const sizes = concreteSetup(true).sizes;
    expect(concrete.map((c: { n: number }) => c.n)).toEqual(sizes);
    for (const c of concrete) {
      expect(c.pHistory).toHaveLength(5); // one reading per fifth of training
      expect(c.learnedP).toHaveLength(3); // inputs, hidden 1, hidden 2
      for (const p of c.learnedP) expect(p > 0 && p < 1).toBe(true);
      expect(c.fixed.map((f: { p: number }) => f.p)).toEqual([...FIXED_P]);
      for (const a of [
        c.concreteTestAccuracy,
        ...c.fixed.map((f: { testAccuracy: number }) => f.testAccuracy),
      ])
        expect(a).toBeGreaterThan(0.3); // every network learns something; chance is 0.1
      expect(FIXED_P).toContain(c.bestFixedP);
    }
    expect(rDrop.alpha).toBe(R_DROP_ALPHA);
    expect(rDrop.configurations.map((c: { name: string }) => c.name)).toEqual([
      'dropout',
      `R-Drop α = ${R_DROP_ALPHA}`,
      `R-Drop ${R_DROP_ALPHA}, lr/2`,
    ]);
    for (const c of rDrop.configurations) {
      expect(c.runs).toHaveLength(2); // two seeds in quick mode: the spread is measured
      for (const run of c.runs) {
        expect(Number.isFinite(run.final.testLoss)).toBe(true);
        expect(run.final.testAccuracy).toBeGreaterThan(0.3);
      }
    }
    for (const c of ['rDrop', 'halfLr'])
      for (const q of ['testAccuracy', 'testLoss'])
        expect(['effect', 'reversed', 'within-spread']).toContain(rDrop.comparisons[c][q].verdict);
    expect(report.table.rows).toHaveLength(2 * sizes.length + 5);
    const { sparse } = report.metrics;
    expect(sparse.configurations.map((c: { name: string }) => c.name)).toEqual([
      'dense LeNet',
      'sparse VD LeNet',
    ]);
    expect(sparse.sparsity).toHaveLength(sparse.configurations[1].runs[0].history.length);
    for (const s of sparse.sparsity) {
      expect(s.layers).toHaveLength(3);
      expect(s.fraction >= 0 && s.fraction <= 1).toBe(true);
    }
    expect(sparse.keptPerInput).toHaveLength(784);
    for (const k of sparse.keptPerInput) expect(k >= 0 && k <= 1).toBe(true);
    // A quick run is too short for the sparse net to recover from its KL term: only the dense one must learn.
    expect(sparse.configurations[0].runs[0].final.testAccuracy).toBeGreaterThan(0.3);
    const sparseAccuracy = sparse.configurations[1].runs[0].final.testAccuracy;
    expect(sparseAccuracy >= 0 && sparseAccuracy <= 1).toBe(true);
    expect(report.table.rows.at(-1)[1]).toMatch(/^pruned \d+\.\d \/ \d+\.\d \/ \d+\.\d %$/);
    expect(report.table.rows[0][1]).toMatch(/^p 0\.\d{3} \/ 0\.\d{3} \/ 0\.\d{3}$/);
    expect(report.findings[0]).toMatch(/^Learned drop probability per layer/);
    expect(report.findings.some((f: string) => f.startsWith(`R-Drop (α = ${R_DROP_ALPHA};`))).toBe(
      true,
    );
    // metrics.json leaves the charts out: the page has them.
    const html = readFileSync(join(out, 'learned', 'report.html'), 'utf8');
    expect(html).toContain('Learned drop probability p per layer against the training-set size');
    expect(html).toContain('R-Drop against dropout');
    expect(html).toContain('Input pixels that keep first-layer weights');
    expect(r.stdout).toContain('Concrete n=100');
  });

  it.skipIf(!hasChromium)(
    'its report draws all its charts in Chromium, at 1200 and at 390 pixels',
    async () => {
      const html = join(out, 'learned', 'report.html');
      for (const width of [1200, 390]) {
        // Six charts and the two 28×28 images of the pixel panel.
        const r = await drawReport(html, `learned-report-${width}.png`, 6, width);
        expect(r.errors).toEqual([]);
        expect(r.ink).toHaveLength(8);
        // Charts paint thousands of pixels; a 28×28 image at most 784.
        expect(r.ink.filter((ink) => ink > 1000)).toHaveLength(6);
        for (const ink of r.ink) expect(ink).toBeGreaterThan(0);
        expect(r.overflow).toBe(false);
      }
    },
  );
});
