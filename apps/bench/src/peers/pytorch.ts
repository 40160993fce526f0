import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { describeWorkload, schedule, sizes, type WorkloadId } from './types.js';

/** Threads PyTorch may use: the machine's two cores, as the other peers have. */
export const TORCH_THREADS = 2;

/** A Python that imports torch, or why none was found. */
export type TorchPython = { python: string; version: string } | { reason: string };

// OpenMP threads sleep between parallel regions instead of spinning, so a run does not steal
// the core of whatever shares the machine (and of the next region's own threads).
const torchEnv = (env: NodeJS.ProcessEnv): NodeJS.ProcessEnv => ({
  ...env,
  OMP_NUM_THREADS: String(TORCH_THREADS),
  OMP_WAIT_POLICY: 'passive',
});

/**
 * The first Python that imports torch: `LACUNA_BENCH_PYTHON` when set, else `python3`, then
 * `/usr/bin/python3` (Debian's `python3-torch`, which a pyenv `python3` first on PATH hides).
 */
export function findTorchPython(env: NodeJS.ProcessEnv = process.env): TorchPython {
  const candidates = env.LACUNA_BENCH_PYTHON
    ? [env.LACUNA_BENCH_PYTHON]
    : ['python3', '/usr/bin/python3'];
  const failures: string[] = [];
  for (const python of candidates) {
    const r = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], {
      encoding: 'utf8',
      env: torchEnv(env),
    });
    if (r.status === 0) return { python, version: r.stdout.trim() };
    const why = r.error?.message ?? r.stderr.trim().split('\n').at(-1) ?? `exit ${r.status}`;
    failures.push(`${python}: ${why}`);
  }
  return { reason: `no Python that imports torch (${failures.join('; ')})` };
}

/** Runs one workload in `script` (scripts/torch_peer.py); its last stdout line is a result like peer.js's. */
export function runTorch(
  python: string,
  script: string,
  id: Exclude<WorkloadId, 'W6'>,
  quick: boolean,
): SpawnSyncReturns<string> {
  const info = describeWorkload(id, quick);
  const spec = {
    workload: id,
    info,
    sizes: sizes(quick),
    threads: TORCH_THREADS,
    ...schedule(info, quick),
  };
  return spawnSync(python, [script, JSON.stringify(spec)], {
    encoding: 'utf8',
    env: torchEnv(process.env),
    maxBuffer: 1 << 24,
  });
}
