import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { measure, measureAsync } from './measure.js';
import { findTorchPython } from './peers/pytorch.js';

describe('bench harness', () => {
  it('reports median, min and max over the requested runs', () => {
    let calls = 0;
    const t = measure(() => calls++, 5, 2);
    expect(calls).toBe(7);
    expect(t.runs).toBe(5);
    expect(t.minMs).toBeLessThanOrEqual(t.medianMs);
    expect(t.medianMs).toBeLessThanOrEqual(t.maxMs);
  });

  it('times a call that returns a promise until it resolves, one call at a time', async () => {
    let running = 0;
    let overlapped = false;
    let calls = 0;
    const t = await measureAsync(
      async () => {
        overlapped ||= running > 0;
        running++;
        await new Promise((resolve) => setImmediate(resolve));
        running--;
        calls++;
      },
      4,
      1,
    );
    expect(calls).toBe(5);
    expect(overlapped).toBe(false);
    expect(t.runs).toBe(4);
    expect(t.minMs).toBeLessThanOrEqual(t.medianMs);
    expect(t.medianMs).toBeLessThanOrEqual(t.maxMs);
  });

  // One test per workload (each spawns a process per peer): the whole matrix in one test spawned
  // 21 processes and took over a minute on a loaded machine. The coverage is the same.
  const dist = join(import.meta.dirname, '..', 'dist');
  const quickRun = (workload: string, args: string[] = [], env = process.env) => {
    const r = spawnSync(
      process.execPath,
      [join(dist, 'main.js'), '--quick', '--only', workload, ...args],
      { encoding: 'utf8', env },
    );
    expect(r.status, r.stderr).toBe(0);
    return JSON.parse(readFileSync(join(dist, '..', 'results', 'tmp', 'latest.json'), 'utf8'));
  };
  // PyTorch is measured where a Python imports torch (not on CI): the suite passes either way.
  const hasTorch = 'python' in findTorchPython();
  const torchPeers = hasTorch ? ['pytorch'] : [];
  const torchNotMeasured = (workload: string) =>
    hasTorch ? [] : [expect.stringMatching(`^${workload} pytorch: no Python that imports torch`)];
  const allPeers = ['lacuna', ...torchPeers, 'tfjs-cpu', 'tfjs-wasm'];
  // ONNX Runtime runs the inference workloads, W5 and W8; the others say why not.
  const onnxWorkloads = ['W5', 'W8'];
  const onnxNotMeasured = (workload: string) =>
    onnxWorkloads.includes(workload)
      ? []
      : [
          expect.stringMatching(
            ['W2', 'W3', 'W7'].includes(workload)
              ? `^${workload} onnxruntime: .*inference engine.*cannot train`
              : `^${workload} onnxruntime: .*inference workloads only`,
          ),
        ];
  // A spawn per peer, Python and torch included where present: a wide bound, so that a loaded
  // machine with torch installed stays well inside it (nothing here measures speed).
  const SPAWN_TIMEOUT = 180_000;

  it.each(['W1', 'W2', 'W3', 'W4', 'W5', 'W8'])(
    '--quick %s runs on every peer and writes JSON and Markdown results',
    (workload) => {
      const { machine, results, notMeasured } = quickRun(workload);
      expect(machine.quick).toBe(true);
      const onnx = onnxWorkloads.includes(workload) ? ['onnxruntime'] : [];
      expect(results.map((x: { peer: string }) => x.peer).sort()).toEqual(
        [...allPeers, ...onnx].sort(),
      );
      for (const res of results) {
        expect(res.workload).toBe(workload);
        expect(res.throughput).toBeGreaterThan(0);
        expect(res.peakRssMb).toBeGreaterThan(0);
      }
      expect(machine.onnxruntime).toMatch(/^\d+\.\d+\.\d+, cpu provider, 2 intra-op threads/);
      expect(notMeasured).toEqual([...torchNotMeasured(workload), ...onnxNotMeasured(workload)]);
      expect(readFileSync(join(dist, '..', 'results', 'tmp', 'latest.md'), 'utf8')).toContain(
        `| ${workload} |`,
      );
    },
    SPAWN_TIMEOUT,
  );

  it(
    '--quick W6 measures the ten dropout variants on Lacuna alone',
    () => {
      const { results } = quickRun('W6');
      expect(results).toHaveLength(1);
      expect(results[0].variants.length).toBe(10);
    },
    SPAWN_TIMEOUT,
  );

  it(
    '--quick W7 trains a convolution on Lacuna and TF.js cpu; tfjs-wasm and ONNX Runtime are reported as not measured',
    () => {
      const { results, notMeasured } = quickRun('W7');
      expect(results.map((x: { peer: string }) => x.peer).sort()).toEqual([
        'lacuna',
        ...torchPeers,
        'tfjs-cpu',
      ]);
      for (const res of results) expect(res.throughput).toBeGreaterThan(0);
      expect(notMeasured).toEqual([
        expect.stringMatching(/^W7 tfjs-wasm: .*Conv2DBackpropFilter/),
        ...torchNotMeasured('W7'),
        ...onnxNotMeasured('W7'),
      ]);
    },
    SPAWN_TIMEOUT,
  );

  it(
    'without a Python that imports torch, PyTorch is not measured, with the reason, and the run succeeds',
    () => {
      const env = { ...process.env, LACUNA_BENCH_PYTHON: join(dist, 'no-such-python') };
      const { machine, results, notMeasured } = quickRun('W4', ['--peers', 'lacuna,pytorch'], env);
      expect(machine.pytorch).toBe('not measured');
      expect(results.map((x: { peer: string }) => x.peer)).toEqual(['lacuna']);
      expect(notMeasured).toEqual([expect.stringMatching(/^W4 pytorch: .*no-such-python.*ENOENT/)]);
      expect(readFileSync(join(dist, '..', 'results', 'tmp', 'latest.md'), 'utf8')).toContain(
        'Not measured: W4 pytorch: no Python that imports torch',
      );
    },
    SPAWN_TIMEOUT,
  );

  it(
    '--quick W9–W11 time LinearSVD and VariationalLinear against Linear + Dropout on Lacuna alone and report the ratios',
    () => {
      const { results, notMeasured } = quickRun('W9,W10,W11');
      expect(
        results.map((x: { workload: string; peer: string }) => `${x.workload} ${x.peer}`),
      ).toEqual(['W9 lacuna', 'W10 lacuna', 'W11 lacuna']);
      for (const r of results) {
        expect(r.throughput).toBeGreaterThan(0);
        expect(r.baseline.runs).toBe(r.timing.runs);
        expect(r.ratio).toBeCloseTo(r.timing.medianMs / r.baseline.medianMs, 10);
      }
      for (const peer of ['pytorch', 'tfjs-cpu', 'tfjs-wasm', 'onnxruntime']) {
        expect(notMeasured).toContainEqual(
          expect.stringMatching(`^W9 ${peer}: LinearSVD .*Lacuna's own`),
        );
        for (const w of ['W10', 'W11'])
          expect(notMeasured).toContainEqual(
            expect.stringMatching(`^${w} ${peer}: VariationalLinear .*Lacuna's own`),
          );
      }
      const report = readFileSync(join(dist, '..', 'results', 'tmp', 'latest.md'), 'utf8');
      expect(report).toMatch(/W9: LinearSVD train step .* ms, Linear \+ Dropout .* ms .*×/);
      expect(report).toMatch(
        /W10: VariationalLinear \(α per weight\) train step .* ms, Linear \+ Dropout .* ms .*×/,
      );
      expect(report).toMatch(
        /W11: VariationalLinear \(α per unit\) train step .* ms, Linear \+ Dropout .* ms .*×/,
      );
    },
    SPAWN_TIMEOUT,
  );

  it('rejects an unknown workload with exit code 2', () => {
    const only = spawnSync(process.execPath, [join(dist, 'main.js'), '--quick', '--only', 'W12'], {
      encoding: 'utf8',
    });
    expect(only.status).toBe(2);
    expect(only.stderr).toMatch(/unknown workload W12/);
  });
});
