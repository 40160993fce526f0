/** Timing summary of one workload: the median with its run count and spread. */
export interface Timing {
  runs: number;
  medianMs: number;
  minMs: number;
  maxMs: number;
}

const defaultWarmup = (runs: number) => Math.max(1, Math.floor(runs / 4));

/**
 * Runs `fn` a few times to warm the JIT, then `runs` timed times, and summarises the durations.
 * Medians, never means: this machine is shared and noisy.
 */
export function measure(fn: () => unknown, runs: number, warmup = defaultWarmup(runs)): Timing {
  for (let i = 0; i < warmup; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  return summarise(times);
}

/**
 * {@link measure} for a call that returns a promise (ONNX Runtime's `session.run`): each run is
 * timed until its promise settles, one run at a time.
 */
export async function measureAsync(
  fn: () => Promise<unknown>,
  runs: number,
  warmup = defaultWarmup(runs),
): Promise<Timing> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return summarise(times);
}

/**
 * Times two calls in alternation, `a` then `b` each round, so that a change of load on a shared
 * machine reaches both alike: for a ratio of the two (W9).
 */
export function measurePair(
  a: () => unknown,
  b: () => unknown,
  runs: number,
  warmup = defaultWarmup(runs),
): [Timing, Timing] {
  for (let i = 0; i < warmup; i++) {
    a();
    b();
  }
  const times: [number[], number[]] = [[], []];
  for (let i = 0; i < runs; i++) {
    for (const [k, fn] of [a, b].entries()) {
      const t0 = performance.now();
      fn();
      times[k]!.push(performance.now() - t0);
    }
  }
  return [summarise(times[0]), summarise(times[1])];
}

function summarise(times: number[]): Timing {
  const runs = times.length;
  times.sort((a, b) => a - b);
  const mid = Math.floor(runs / 2);
  const medianMs = runs % 2 ? times[mid]! : (times[mid - 1]! + times[mid]!) / 2;
  return { runs, medianMs, minMs: times[0]!, maxMs: times[runs - 1]! };
}
