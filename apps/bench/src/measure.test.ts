import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { measure } from './measure.js';

describe('bench harness', () => {
  it('reports median, min and max over the requested runs', () => {
    let calls = 0;
    const t = measure(() => calls++, 5, 2);
    expect(calls).toBe(7);
    expect(t.runs).toBe(5);
    expect(t.minMs).toBeLessThanOrEqual(t.medianMs);
    expect(t.medianMs).toBeLessThanOrEqual(t.maxMs);
  });

  it('--quick runs every workload for every peer and writes JSON and Markdown results', () => {
    const dist = join(import.meta.dirname, '..', 'dist');
    const r = spawnSync(process.execPath, [join(dist, 'main.js'), '--quick'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const { machine, results, notMeasured } = JSON.parse(
      readFileSync(join(dist, '..', 'results', 'tmp', 'latest.json'), 'utf8'),
    );
    expect(machine.quick).toBe(true);
    // W1–W5 and W8 for three peers, W6 for Lacuna alone, W7 for Lacuna and TF.js cpu
    expect(results).toHaveLength(6 * 3 + 1 + 2);
    for (const res of results.filter((x: { timing?: unknown }) => x.timing))
      expect(res.throughput).toBeGreaterThan(0);
    expect(results.find((x: { variants?: unknown[] }) => x.variants).variants.length).toBe(10);
    expect(notMeasured).toEqual([expect.stringMatching(/^W7 tfjs-wasm: .*Conv2DBackpropFilter/)]);
    expect(readFileSync(join(dist, '..', 'results', 'tmp', 'latest.md'), 'utf8')).toContain(
      '| W4 |',
    );
    const only = spawnSync(process.execPath, [join(dist, 'main.js'), '--quick', '--only', 'W9'], {
      encoding: 'utf8',
    });
    expect(only.status).toBe(2);
    expect(only.stderr).toMatch(/unknown workload W9/);
  });
});
